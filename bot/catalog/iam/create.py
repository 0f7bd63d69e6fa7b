"""Making IAM roles, users, groups, instance profiles and policies, as the console does, and the CloudTrail records
of the calls."""

from __future__ import annotations

import json

from bot.catalog._create import TRUST_POLICY, Call, CreateContext, ct_tags, pairs, slug

_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})


def create_iam_policy(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    policy = slug(name, limit=128)
    made = ctx.client("iam").create_policy(PolicyName=policy, PolicyDocument=_POLICY, Tags=pairs(tags))["Policy"]
    return Call({"policyName": policy, "policyDocument": _POLICY, "tags": ct_tags(tags)},
                {"policy": {"policyName": policy, "arn": made["Arn"], "path": "/", "policyId": made["PolicyId"]}})


def create_iam_role(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    role = slug(name, limit=64)
    made = ctx.client("iam").create_role(RoleName=role, AssumeRolePolicyDocument=TRUST_POLICY, Tags=pairs(tags))["Role"]
    return Call({"roleName": role, "assumeRolePolicyDocument": TRUST_POLICY, "tags": ct_tags(tags)},
                {"role": {"roleName": role, "path": "/", "arn": made["Arn"], "roleId": made["RoleId"]}})


def create_iam_user(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    user = slug(name, limit=64)
    made = ctx.client("iam").create_user(UserName=user, Tags=pairs(tags))["User"]
    return Call({"userName": user, "tags": ct_tags(tags)},
                {"user": {"userName": user, "path": "/", "arn": made["Arn"], "userId": made["UserId"]}})


def create_iam_group(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    # A group takes no tags.
    group = slug(name, limit=128)
    made = ctx.client("iam").create_group(GroupName=group)["Group"]
    return Call({"groupName": group},
                {"group": {"groupName": group, "path": "/", "arn": made["Arn"], "groupId": made["GroupId"]}})


def create_iam_instance_profile(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    profile = slug(name, limit=128)
    made = ctx.client("iam").create_instance_profile(InstanceProfileName=profile, Tags=pairs(tags))["InstanceProfile"]
    return Call({"instanceProfileName": profile, "tags": ct_tags(tags)},
                {"instanceProfile": {"instanceProfileName": profile, "path": "/", "arn": made["Arn"],
                                     "instanceProfileId": made["InstanceProfileId"], "roles": []}})


CREATORS = {
    "aws_iam_policy": create_iam_policy,
    "aws_iam_role": create_iam_role,
    "aws_iam_user": create_iam_user,
    "aws_iam_group": create_iam_group,
    "aws_iam_instance_profile": create_iam_instance_profile,
}
