"""Deleting IAM roles, users, groups, instance profiles and policies: detached from everything first, as IAM
requires."""

from __future__ import annotations

from contextlib import suppress

from bot.catalog._delete import DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_role(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    iam = aws("iam")
    name = req.import_id
    call(iam.get_role, RoleName=name)
    for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name):
        for policy in page["AttachedPolicies"]:
            iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=name):
        for policy_name in page["PolicyNames"]:
            iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
    for page in iam.get_paginator("list_instance_profiles_for_role").paginate(RoleName=name):
        for profile in page["InstanceProfiles"]:
            iam.remove_role_from_instance_profile(InstanceProfileName=profile["InstanceProfileName"], RoleName=name)
    call(iam.delete_role, RoleName=name)
    return DeleteOutcome(f"Detached its policies and deleted IAM role {name}.")


def delete_user(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    iam = aws("iam")
    name = req.import_id
    call(iam.get_user, UserName=name)
    for page in iam.get_paginator("list_attached_user_policies").paginate(UserName=name):
        for policy in page["AttachedPolicies"]:
            iam.detach_user_policy(UserName=name, PolicyArn=policy["PolicyArn"])
    for page in iam.get_paginator("list_user_policies").paginate(UserName=name):
        for policy_name in page["PolicyNames"]:
            iam.delete_user_policy(UserName=name, PolicyName=policy_name)
    for page in iam.get_paginator("list_groups_for_user").paginate(UserName=name):
        for group in page["Groups"]:
            iam.remove_user_from_group(GroupName=group["GroupName"], UserName=name)
    for page in iam.get_paginator("list_access_keys").paginate(UserName=name):
        for key in page["AccessKeyMetadata"]:
            iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    with suppress(iam.exceptions.NoSuchEntityException):  # a user without a console password has none
        iam.delete_login_profile(UserName=name)
    call(iam.delete_user, UserName=name)
    return DeleteOutcome(f"Removed its policies, groups and keys and deleted IAM user {name}.")


def delete_policy(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    iam = aws("iam")
    arn = req.import_id
    call(iam.get_policy, PolicyArn=arn)
    for page in iam.get_paginator("list_entities_for_policy").paginate(PolicyArn=arn):
        for role in page.get("PolicyRoles", []):
            iam.detach_role_policy(RoleName=role["RoleName"], PolicyArn=arn)
        for user in page.get("PolicyUsers", []):
            iam.detach_user_policy(UserName=user["UserName"], PolicyArn=arn)
        for group in page.get("PolicyGroups", []):
            iam.detach_group_policy(GroupName=group["GroupName"], PolicyArn=arn)
    for version in iam.list_policy_versions(PolicyArn=arn)["Versions"]:
        if not version["IsDefaultVersion"]:
            iam.delete_policy_version(PolicyArn=arn, VersionId=version["VersionId"])
    call(iam.delete_policy, PolicyArn=arn)
    return DeleteOutcome(f"Detached it from every role, user and group and deleted IAM policy {arn}.")


def delete_group(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    iam = aws("iam")
    name = req.import_id
    call(iam.get_group, GroupName=name)
    for page in iam.get_paginator("get_group").paginate(GroupName=name):
        for user in page["Users"]:
            iam.remove_user_from_group(GroupName=name, UserName=user["UserName"])
    for page in iam.get_paginator("list_attached_group_policies").paginate(GroupName=name):
        for policy in page["AttachedPolicies"]:
            iam.detach_group_policy(GroupName=name, PolicyArn=policy["PolicyArn"])
    for page in iam.get_paginator("list_group_policies").paginate(GroupName=name):
        for policy_name in page["PolicyNames"]:
            iam.delete_group_policy(GroupName=name, PolicyName=policy_name)
    call(iam.delete_group, GroupName=name)
    return DeleteOutcome(f"Removed its members and policies and deleted IAM group {name}; the users remain.")


def delete_instance_profile(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    iam = aws("iam")
    name = req.import_id
    profile = call(iam.get_instance_profile, InstanceProfileName=name)["InstanceProfile"]
    for role in profile.get("Roles") or ():
        iam.remove_role_from_instance_profile(InstanceProfileName=name, RoleName=role["RoleName"])
    call(iam.delete_instance_profile, InstanceProfileName=name)
    return DeleteOutcome(f"Took its role out and deleted IAM instance profile {name}; the role remains.")


EXECUTORS = {
    "aws_iam_role": delete_role,
    "aws_iam_user": delete_user,
    "aws_iam_policy": delete_policy,
    "aws_iam_group": delete_group,
    "aws_iam_instance_profile": delete_instance_profile,
}
