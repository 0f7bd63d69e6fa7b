"""AWS IAM: roles and groups (with their policy attachments and inline policies), users, instance profiles and
customer managed policies."""

from __future__ import annotations

from typing import Any

from bot.catalog._describe import clean_tags, json_doc, pair_tags
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Companion, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource
from renderers.hcl import JsonDocument

_DEFAULT_PATH = "/"
_DEFAULT_SESSION = 3600


def _path(value: Any) -> str | None:
    return value if value and value != _DEFAULT_PATH else None


def _document(value: Any) -> JsonDocument | None:
    return JsonDocument(json_doc(value)) if value else None


def _describe_role(clients: Clients, resource: Resource) -> Model:
    iam = clients("iam")
    role = iam.get_role(RoleName=resource.import_id)["Role"]
    tags = iam.list_role_tags(RoleName=resource.import_id).get("Tags")
    attached = iam.list_attached_role_policies(RoleName=resource.import_id).get("AttachedPolicies") or ()
    policies = sorted(p["PolicyArn"] for p in attached if p.get("PolicyArn"))
    inline_names = sorted(iam.list_role_policies(RoleName=resource.import_id).get("PolicyNames") or ())
    inline = [
        {
            "suffix": f"inline_{n}",
            "name": policy_name,
            "policy": _document(
                iam.get_role_policy(RoleName=resource.import_id, PolicyName=policy_name).get("PolicyDocument")
            ),
        }
        for n, policy_name in enumerate(inline_names, 1)
    ]
    session = role.get("MaxSessionDuration")
    args = {
        "name": role.get("RoleName"),
        "path": _path(role.get("Path")),
        "description": role.get("Description") or None,
        "assume_role_policy": _document(role.get("AssumeRolePolicyDocument")),
        "max_session_duration": session if session and session != _DEFAULT_SESSION else None,
        "permissions_boundary": dig(role, "PermissionsBoundary", "PermissionsBoundaryArn"),
        "tags": pair_tags(tags or role.get("Tags")),
        "policy_attachments": [{"suffix": f"policy_{n}", "policy_arn": arn} for n, arn in enumerate(policies, 1)],
        "inline_policies": inline,
    }
    companions = tuple(
        Companion("aws_iam_role_policy_attachment", f"{resource.import_id}/{arn}", f"policy_{n}")
        for n, arn in enumerate(policies, 1)
    ) + tuple(
        Companion("aws_iam_role_policy", f"{resource.import_id}:{policy['name']}", policy["suffix"])
        for policy in inline
    )
    return Model(args=args, companions=companions)


def _role_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    session = request.get("maxSessionDuration")
    args: dict[str, Any] = {
        "name": resource.import_id,
        "path": _path(request.get("path")),
        "description": request.get("description") or None,
        "assume_role_policy": _document(request.get("assumeRolePolicyDocument")),
        "max_session_duration": session if session and session != _DEFAULT_SESSION else None,
        "permissions_boundary": request.get("permissionsBoundary"),
        "tags": clean_tags(resource.tags),
        "policy_attachments": [],
        "inline_policies": [],
    }
    return Model(args=args)


def _describe_user(clients: Clients, resource: Resource) -> Model:
    iam = clients("iam")
    user = iam.get_user(UserName=resource.import_id)["User"]
    tags = iam.list_user_tags(UserName=resource.import_id).get("Tags")
    args = {
        "name": user.get("UserName"),
        "path": _path(user.get("Path")),
        "permissions_boundary": dig(user, "PermissionsBoundary", "PermissionsBoundaryArn"),
        "tags": pair_tags(tags or user.get("Tags")),
    }
    return Model(args=args)


def _user_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    args = {
        "name": resource.import_id,
        "path": _path(request.get("path")),
        "permissions_boundary": request.get("permissionsBoundary"),
        "tags": clean_tags(resource.tags),
    }
    return Model(args=args)


def _describe_policy(clients: Clients, resource: Resource) -> Model:
    iam = clients("iam")
    policy = iam.get_policy(PolicyArn=resource.import_id)["Policy"]
    version = iam.get_policy_version(PolicyArn=resource.import_id, VersionId=policy["DefaultVersionId"])
    args = {
        "name": policy.get("PolicyName"),
        "path": _path(policy.get("Path")),
        "description": policy.get("Description") or None,
        "policy": _document(dig(version, "PolicyVersion", "Document")),
        "tags": pair_tags(policy.get("Tags")),
    }
    return Model(args=args)


def _policy_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    args = {
        "name": request.get("policyName") or resource.name,
        "path": _path(request.get("path")),
        "description": request.get("description") or None,
        "policy": _document(request.get("policyDocument")),
        "tags": clean_tags(resource.tags),
    }
    return Model(args=args)


def _describe_group(clients: Clients, resource: Resource) -> Model:
    iam = clients("iam")
    name = resource.import_id
    group = iam.get_group(GroupName=name)["Group"]
    attached = iam.list_attached_group_policies(GroupName=name).get("AttachedPolicies") or ()
    policies = sorted(p["PolicyArn"] for p in attached if p.get("PolicyArn"))
    inline = [
        {
            "suffix": f"inline_{n}",
            "name": policy_name,
            "policy": _document(iam.get_group_policy(GroupName=name, PolicyName=policy_name).get("PolicyDocument")),
        }
        for n, policy_name in enumerate(sorted(iam.list_group_policies(GroupName=name).get("PolicyNames") or ()), 1)
    ]
    args = {
        "name": group.get("GroupName"),
        "path": _path(group.get("Path")),
        "policy_attachments": [{"suffix": f"policy_{n}", "policy_arn": arn} for n, arn in enumerate(policies, 1)],
        "inline_policies": inline,
    }
    companions = tuple(
        Companion("aws_iam_group_policy_attachment", f"{name}/{arn}", f"policy_{n}")
        for n, arn in enumerate(policies, 1)
    ) + tuple(Companion("aws_iam_group_policy", f"{name}:{policy['name']}", policy["suffix"]) for policy in inline)
    return Model(args=args, companions=companions)


def _group_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    args: dict[str, Any] = {
        "name": resource.import_id,
        "path": _path(request.get("path")),
        "policy_attachments": [],
        "inline_policies": [],
    }
    return Model(args=args)


def _profile_args(name: str, path: Any, roles: Any, tags: dict[str, str]) -> dict[str, Any]:
    role_names = [r.get("RoleName") for r in roles or () if isinstance(r, dict) and r.get("RoleName")]
    return {
        "name": name,
        "path": _path(path),
        # A profile holds at most one role; the provider's `role` is that one.
        "role": role_names[0] if role_names else None,
        "tags": tags,
    }


def _describe_instance_profile(clients: Clients, resource: Resource) -> Model:
    iam = clients("iam")
    profile = iam.get_instance_profile(InstanceProfileName=resource.import_id)["InstanceProfile"]
    # GetInstanceProfile answers with the profile's tags, as the provider reads them.
    args = _profile_args(profile["InstanceProfileName"], profile.get("Path"), profile.get("Roles"),
                         pair_tags(profile.get("Tags")))
    return Model(args=args)


def _instance_profile_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    # The role is added by a later call (AddRoleToInstanceProfile), so the creation event never names it.
    return Model(args=_profile_args(resource.import_id, request.get("path"), (), clean_tags(resource.tags)))


CODEGEN = (
    TypeCodegen(
        "aws_iam_role", _describe_role, _role_from_event, ("aws_iam_role_policy_attachment", "aws_iam_role_policy")
    ),
    TypeCodegen("aws_iam_user", _describe_user, _user_from_event),
    TypeCodegen("aws_iam_policy", _describe_policy, _policy_from_event),
    TypeCodegen(
        "aws_iam_group", _describe_group, _group_from_event, ("aws_iam_group_policy_attachment", "aws_iam_group_policy")
    ),
    TypeCodegen("aws_iam_instance_profile", _describe_instance_profile, _instance_profile_from_event),
)
