"""AWS Identity and Access Management: the account's roles, users, customer managed policies, groups and instance
profiles, listed once per account (IAM is global), less the entities AWS made for its own services."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.base import LISTS_PER_ACCOUNT, Listed, Lister, ScanScope, q, tags_from_pairs
from bot.catalog.iam import _console_at

# Where CloudTrail records IAM's calls, so where an event-detected IAM entity is placed.
_REGION = "us-east-1"
# Paths only AWS makes entities under: service-linked roles (/aws-service-role/<service>/), made and owned by the
# service they serve, and IAM Identity Center's AWSReservedSSO_* roles (/aws-reserved/sso.amazonaws.com/), which it
# provisions in every account a permission set is assigned to.
_AWS_PATHS = ("/aws-service-role/", "/aws-reserved/")
# How many of a role's trusted principals its fact names before counting the rest.
_SHOWN_PRINCIPALS = 3


def _aws_made(entity: Mapping[str, Any]) -> bool:
    return str(entity.get("Path") or "/").startswith(_AWS_PATHS)


def _path_fact(entity: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    path = str(entity.get("Path") or "/")
    return (("path", path),) if path != "/" else ()


def _day(value: Any) -> str:
    return value.date().isoformat() if isinstance(value, datetime) else ""


def _principals(document: Any) -> list[str]:
    """Who may assume the role, from its trust policy (botocore hands the URL-encoded JSON back as an object)."""
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    out: list[str] = []
    for statement in statements if isinstance(statements, list) else ():
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if principal == "*":
            out.append("anyone")
            continue
        for kind in ("Service", "AWS", "Federated"):
            values = principal.get(kind) if isinstance(principal, dict) else None
            for value in [values] if isinstance(values, str) else values if isinstance(values, list) else ():
                # arn:aws:iam::123456789012:root is the whole account: its ID says it.
                value = str(value)
                out.append(value.split(":")[4] if value.endswith(":root") and value.count(":") >= 5 else value)
    return list(dict.fromkeys(out))


def _trust_fact(role: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    principals = _principals(role.get("AssumeRolePolicyDocument"))
    if not principals:
        return ()
    shown = ", ".join(principals[:_SHOWN_PRINCIPALS])
    more = len(principals) - _SHOWN_PRINCIPALS
    return (("trusted by", f"{shown} +{more} more" if more > 0 else shown),)


def _entities(scope: ScanScope, operation: str, key: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """What a paginated IAM list call answers, less the entities AWS made for its own services."""
    return (entity for entity in paged(scope.clients("iam"), operation, key, **kwargs) if not _aws_made(entity))


def _roles(scope: ScanScope) -> Iterator[Listed]:
    for role in _entities(scope, "list_roles", "Roles"):
        name = role["RoleName"]
        yield Listed(
            import_id=name,
            name=name,
            arn=role["Arn"],
            console_url=_console_at(scope.region, f"/roles/details/{q(name)}"),
            # ListRoles leaves tags out in AWS; where an answer has them, they are used.
            tags=tags_from_pairs(role.get("Tags")),
            facts=(*_trust_fact(role), *_path_fact(role)),
            region=_REGION,
        )


def _users(scope: ScanScope) -> Iterator[Listed]:
    for user in _entities(scope, "list_users", "Users"):
        name = user["UserName"]
        last = _day(user.get("PasswordLastUsed"))
        yield Listed(
            import_id=name,
            name=name,
            arn=user["Arn"],
            console_url=_console_at(scope.region, f"/users/details/{q(name)}"),
            tags=tags_from_pairs(user.get("Tags")),
            facts=(*((("password last used", last),) if last else ()), *_path_fact(user)),
            region=_REGION,
        )


def _policies(scope: ScanScope) -> Iterator[Listed]:
    # Scope=Local: the customer managed policies only, never the AWS managed ones every account sees.
    for policy in _entities(scope, "list_policies", "Policies", Scope="Local"):
        arn = policy["Arn"]
        yield Listed(
            import_id=arn,
            name=policy["PolicyName"],
            arn=arn,
            console_url=_console_at(scope.region, f"/policies/details/{q(arn)}"),
            tags=tags_from_pairs(policy.get("Tags")),
            facts=(("attachments", str(policy.get("AttachmentCount", 0))), *_path_fact(policy)),
            region=_REGION,
        )


def _groups(scope: ScanScope) -> Iterator[Listed]:
    for group in _entities(scope, "list_groups", "Groups"):
        name = group["GroupName"]
        yield Listed(
            import_id=name,
            name=name,
            arn=group["Arn"],
            console_url=_console_at(scope.region, f"/groups/details/{q(name)}"),
            facts=_path_fact(group),
            region=_REGION,
        )


def _instance_profiles(scope: ScanScope) -> Iterator[Listed]:
    for profile in _entities(scope, "list_instance_profiles", "InstanceProfiles"):
        name = profile["InstanceProfileName"]
        roles = [str(role["RoleName"]) for role in profile.get("Roles", []) if role.get("RoleName")]
        yield Listed(
            import_id=name,
            name=name,
            arn=profile["Arn"],
            # As the resolver's: the console shows a profile only on its role's page.
            console_url=_console_at(scope.region, "/roles"),
            tags=tags_from_pairs(profile.get("Tags")),
            facts=(("role", ", ".join(roles) or "none"), *_path_fact(profile)),
            region=_REGION,
        )


LISTERS = {
    "aws_iam_role": Lister(("iam:ListRoles",), _roles, per=LISTS_PER_ACCOUNT),
    "aws_iam_user": Lister(("iam:ListUsers",), _users, per=LISTS_PER_ACCOUNT),
    "aws_iam_policy": Lister(("iam:ListPolicies",), _policies, per=LISTS_PER_ACCOUNT),
    "aws_iam_group": Lister(("iam:ListGroups",), _groups, per=LISTS_PER_ACCOUNT),
    "aws_iam_instance_profile": Lister(("iam:ListInstanceProfiles",), _instance_profiles, per=LISTS_PER_ACCOUNT),
}
