"""Record filters: calls tfsync must not report, each with a reason code and the evidence."""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import Any, NamedTuple

from bot.events import CloudTrailRecord

READ_ONLY_PREFIXES = (
    "Describe", "List", "Get", "Head", "Lookup", "BatchGet", "Search", "Scan", "Query", "Select", "Check",
    "Validate", "Estimate", "Preview", "Simulate", "Test", "Verify", "Download", "Decrypt", "Generate",
)  # fmt: skip
# Event names that start a new resource; a successful one of a type outside the catalog is `unsupported`.
CREATE_PREFIXES = ("Create", "Run", "Allocate", "Import", "Register", "Restore", "Launch", "Request", "Copy", "Clone")
# Create-named calls that change an existing resource rather than making a new one.
NOT_CREATING = frozenset({"CreateTags", "CreateLaunchTemplateVersion", "CreatePolicyVersion"})
# invokedBy values that still mean a person at the console, not a service acting on its own. "AWS Internal" is not
# one of them: as invokedBy it marks AWS's own calls (ECR making a KMS grant for a new repository); as a
# sourceIPAddress or userAgent, which console calls carry, it says nothing of who acted.
HUMAN_INVOKERS = frozenset({"signin.amazonaws.com", "console.amazonaws.com"})
CLOUDFORMATION = "cloudformation.amazonaws.com"


class Verdict(NamedTuple):
    code: str
    detail: str


def principal_arns(record: CloudTrailRecord) -> list[str]:
    """The ARNs a call was made as: the identity, its role, and the role ARN behind an assumed-role session."""
    identity = record.user_identity
    arns = []
    arn = identity.get("arn")
    if isinstance(arn, str) and arn:
        arns.append(arn)
        # arn:aws:sts::123:assumed-role/Role/session -> arn:aws:iam::123:role/Role
        head, _, rest = arn.partition(":assumed-role/")
        if rest:
            arns.append(head.replace(":sts:", ":iam:") + ":role/" + rest.split("/", 1)[0])
    issuer = identity.get("sessionContext", {})
    issuer = issuer.get("sessionIssuer") if isinstance(issuer, dict) else None
    issuer_arn = issuer.get("arn") if isinstance(issuer, dict) else None
    if isinstance(issuer_arn, str) and issuer_arn:
        arns.append(issuer_arn)
    return arns


def is_read_only(record: CloudTrailRecord) -> bool:
    if record.read_only is not None:
        return record.read_only
    return record.event_name.startswith(READ_ONLY_PREFIXES)


def is_create_event(event_name: str) -> bool:
    return event_name.startswith(CREATE_PREFIXES) and event_name not in NOT_CREATING


def record_filter(record: CloudTrailRecord, own_roles: Sequence[str] = ()) -> Verdict | None:
    """Why this record is not a person's creation to report, or None when it may be one."""
    if record.error_code:
        return Verdict("failed-call", f"errorCode={record.error_code}")
    if record.event_type and record.event_type != "AwsApiCall":
        return Verdict("not-an-api-call", f"eventType={record.event_type}")
    read_only = record.read_only  # is_read_only, inline: most of the stream ends here
    if record.event_name.startswith(READ_ONLY_PREFIXES) if read_only is None else read_only:
        return Verdict("read-only", f"{record.event_name} is a read-only call")
    # Read-only calls (most of the stream) end above; the checks below run for the few that change something.
    if own_roles and (own := _own_role(record, own_roles)):
        return own
    identity = record.user_identity
    invoked_by = identity.get("invokedBy")
    invoked_by = invoked_by if isinstance(invoked_by, str) else ""
    source_ip = record.raw.get("sourceIPAddress")
    source_ip = source_ip if isinstance(source_ip, str) else ""
    return _by_tooling(record.user_agent, invoked_by, source_ip) or _by_aws_service(
        record, identity, invoked_by, source_ip
    )


def _own_role(record: CloudTrailRecord, own_roles: Sequence[str]) -> Verdict | None:
    for arn in principal_arns(record):
        if any(fnmatchcase(arn, pattern) for pattern in own_roles):
            return Verdict("tfsync-role", f"made by tfsync's own role {arn}")
    return None


def _by_tooling(agent: str, invoked_by: str, source_ip: str) -> Verdict | None:
    """Made by Terraform or by CloudFormation, which keep their own record of what they made."""
    lowered = agent.lower()
    if "terraform/" in lowered or "hashicorp" in lowered or "terraform-provider-aws" in lowered:
        return Verdict("terraform", f"userAgent {agent[:120]!r}")
    if CLOUDFORMATION in (invoked_by, agent, source_ip):
        return Verdict("cloudformation", "made by CloudFormation")
    return None


def _by_aws_service(
    record: CloudTrailRecord, identity: dict[str, Any], invoked_by: str, source_ip: str
) -> Verdict | None:
    """Made by an AWS service acting on its own rather than by a person."""
    if identity.get("type") == "AWSService":
        return Verdict("aws-service", f"userIdentity.type=AWSService ({invoked_by or 'unknown service'})")
    if invoked_by and invoked_by not in HUMAN_INVOKERS:
        return Verdict("aws-service", f"invokedBy={invoked_by}")
    arns = principal_arns(record)
    # The role's path names it best; session ARNs drop the path, but service-linked role names always start
    # with AWSServiceRoleFor, which is all there is when a record lacks its sessionContext.
    linked = next((arn for arn in arns if ":role/aws-service-role/" in arn), None) or next(
        (arn for arn in arns if ":assumed-role/AWSServiceRoleFor" in arn), None
    )
    if linked:
        return Verdict("aws-service", f"service-linked role {linked}")
    if source_ip.endswith(".amazonaws.com") and source_ip not in HUMAN_INVOKERS and not source_ip.startswith(
        ("console.", "signin.")
    ):
        return Verdict("aws-service", f"sourceIPAddress={source_ip}")
    return None


def actor_of(record: CloudTrailRecord) -> str:
    """Who made the call, as a principal string a person recognises."""
    identity = record.user_identity
    for key in ("arn", "userName", "principalId"):
        value = identity.get(key)
        if isinstance(value, str) and value:
            return value
    kind = identity.get("type")
    return kind if isinstance(kind, str) and kind else "unknown"
