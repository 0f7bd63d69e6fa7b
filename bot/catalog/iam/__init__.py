"""AWS Identity and Access Management: roles, users, groups, instance profiles and customer managed policies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog import _arn
from bot.catalog.base import (
    CatalogEntry,
    ExtractError,
    Found,
    console,
    dig,
    first,
    need,
    q,
    region_of,
    tags_from_pairs,
    text,
)
from bot.events import CloudTrailRecord


def _console(record: CloudTrailRecord, fragment: str) -> str:
    """IAM is global: its console has no regional host, whatever awsRegion a record carries (only its partition)."""
    return _console_at(region_of(record), fragment)


def _console_at(region: str, fragment: str) -> str:
    """The IAM console page at `fragment`, on the console host of the region's partition."""
    return console(region, f"iam/home#{fragment}", subdomain="")


def _path(record: CloudTrailRecord) -> str:
    """The entity's IAM path; the API defaults it to '/'."""
    path = text(record.request.get("path")) or "/"
    return path if path.endswith("/") else f"{path}/"


def _entity_arn(record: CloudTrailRecord, kind: str, name: str) -> str:
    """The ARN from the response, else the documented form arn:<partition>:iam::<account>:<kind><path><name>."""
    arn = text(dig(record.response, kind, "arn"))
    if arn:
        return arn
    if not record.account_id:
        return ""
    return _arn.global_arn(record, "iam", f"{kind}{_path(record)}{name}", record.account_id)


def _tags(record: CloudTrailRecord, kind: str) -> dict[str, str]:
    return tags_from_pairs(record.request.get("tags")) or tags_from_pairs(dig(record.response, kind, "tags"))


def _role(record: CloudTrailRecord) -> list[Found]:
    name = need(
        first((text(record.request.get("roleName")), text(dig(record.response, "role", "roleName")))),
        "requestParameters.roleName",
    )
    return [
        Found(
            import_id=name,
            name=name,
            arn=_entity_arn(record, "role", name),
            console_url=_console(record, f"/roles/details/{q(name)}"),
            tags=_tags(record, "role"),
        )
    ]


def _user(record: CloudTrailRecord) -> list[Found]:
    name = need(
        first((text(record.request.get("userName")), text(dig(record.response, "user", "userName")))),
        "requestParameters.userName",
    )
    return [
        Found(
            import_id=name,
            name=name,
            arn=_entity_arn(record, "user", name),
            console_url=_console(record, f"/users/details/{q(name)}"),
            tags=_tags(record, "user"),
        )
    ]


def _policy(record: CloudTrailRecord) -> list[Found]:
    name = need(
        first((text(record.request.get("policyName")), text(dig(record.response, "policy", "policyName")))),
        "requestParameters.policyName",
    )
    # The import ID is the ARN; a customer managed policy's ARN is fully determined by account, path and name,
    # so a record whose response was dropped still identifies it when the account is known.
    arn = _entity_arn(record, "policy", name)
    if not arn:
        raise ExtractError("the record has no responseElements.policy.arn (and no account ID to derive it from)")
    return [
        Found(
            import_id=arn,
            name=name,
            arn=arn,
            console_url=_console(record, f"/policies/details/{q(arn)}"),
            tags=_tags(record, "policy"),
        )
    ]


def _group(record: CloudTrailRecord) -> list[Found]:
    name = need(
        first((text(record.request.get("groupName")), text(dig(record.response, "group", "groupName")))),
        "requestParameters.groupName",
    )
    return [
        Found(
            import_id=name,
            name=name,
            arn=_entity_arn(record, "group", name),
            console_url=_console(record, f"/groups/details/{q(name)}"),
            # A group takes no tags.
            tags={},
        )
    ]


def _instance_profile(record: CloudTrailRecord) -> list[Found]:
    profile = dig(record.response, "instanceProfile")
    name = need(
        first((text(record.request.get("instanceProfileName")), text(dig(profile, "instanceProfileName")))),
        "requestParameters.instanceProfileName",
    )
    arn = text(dig(profile, "arn"))
    if not arn and record.account_id:
        arn = _arn.global_arn(record, "iam", f"instance-profile{_path(record)}{name}", record.account_id)
    return [
        Found(
            import_id=name,
            name=name,
            arn=arn,
            # The console shows an instance profile only on the page of the role in it; the role comes later
            # (AddRoleToInstanceProfile), so the list of roles is the nearest page.
            console_url=_console(record, "/roles"),
            tags=tags_from_pairs(record.request.get("tags")) or tags_from_pairs(dig(profile, "tags")),
        )
    ]


def _name_or_id(attributes: Mapping[str, Any]) -> str | None:
    value = attributes.get("name") or attributes.get("id")
    return value if isinstance(value, str) and value else None


def _arn_or_id(attributes: Mapping[str, Any]) -> str | None:
    value = attributes.get("arn") or attributes.get("id")
    return value if isinstance(value, str) and value else None


# Roles, users, groups, instance profiles and policies hold configuration only, all of which a Terraform definition
# restores; a recreated entity gets a new unique ID, but nothing stored in it is lost.
ENTRIES = (
    CatalogEntry(
        tf_type="aws_iam_role",
        label="IAM role",
        service="iam",
        event_source="iam.amazonaws.com",
        create_events=("CreateRole",),
        delete_events=("DeleteRole",),
        resolve=_role,
        import_id_format="role name: `terraform import aws_iam_role.developer developer_name`",
        loses_data=False,
        state_import_id=_name_or_id,
    ),
    CatalogEntry(
        tf_type="aws_iam_user",
        label="IAM user",
        service="iam",
        event_source="iam.amazonaws.com",
        create_events=("CreateUser",),
        delete_events=("DeleteUser",),
        resolve=_user,
        import_id_format="user name: `terraform import aws_iam_user.lb loadbalancer`",
        loses_data=False,
        state_import_id=_name_or_id,
    ),
    CatalogEntry(
        tf_type="aws_iam_policy",
        label="IAM policy",
        service="iam",
        event_source="iam.amazonaws.com",
        create_events=("CreatePolicy",),
        delete_events=("DeletePolicy",),
        resolve=_policy,
        import_id_format=(
            "policy ARN: `terraform import aws_iam_policy.administrator "
            "arn:aws:iam::123456789012:policy/UsersManageOwnCredentials`"
        ),
        loses_data=False,
        # The provider's id is the policy ARN, which is also what import takes.
        state_import_id=_arn_or_id,
    ),
    CatalogEntry(
        tf_type="aws_iam_group",
        label="IAM group",
        service="iam",
        event_source="iam.amazonaws.com",
        create_events=("CreateGroup",),
        delete_events=("DeleteGroup",),
        resolve=_group,
        import_id_format="group name: `terraform import aws_iam_group.developers developers`",
        loses_data=False,
        state_import_id=_name_or_id,
    ),
    CatalogEntry(
        tf_type="aws_iam_instance_profile",
        label="IAM instance profile",
        service="iam",
        event_source="iam.amazonaws.com",
        create_events=("CreateInstanceProfile",),
        delete_events=("DeleteInstanceProfile",),
        resolve=_instance_profile,
        import_id_format=(
            "instance profile name: `terraform import aws_iam_instance_profile.test_profile app-instance-profile-1`"
        ),
        loses_data=False,
        state_import_id=_name_or_id,
    ),
)
