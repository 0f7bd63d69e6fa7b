"""What the services' creators share: the call they return, where they work, names and tags, and the scaffolding
several services' resources need (the default VPC's subnets, a service role).

A creator (bot/catalog/<service>/create.py) makes one resource with boto3, as a person at the console (or
Terraform) would, and returns the `requestParameters` and `responseElements` CloudTrail records for that call
(CloudTrail's field names, which differ from the SDK's, EC2's most of all). It is plain boto3 code: the clients,
the account ID and the region come in a CreateContext, so it runs against any AWS endpoint it is pointed at.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

# What CloudTrail writes in place of a password it was given.
HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"
# The trust policy of the service role functions, state machines and clusters run as.
TRUST_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com",
                                                  "eks.amazonaws.com"]}, "Action": "sts:AssumeRole"}]})
SERVICE_ROLE = "sandbox-service-role"
_NAME_BAD = re.compile(r"[^a-z0-9-]+")


class CreateError(Exception):
    """The resource could not be made: a bad name, or scaffolding it needs is missing."""


@dataclass(frozen=True, slots=True)
class Call:
    """One API call as CloudTrail records it."""

    request: dict[str, Any] | None
    response: dict[str, Any] | None
    event_name: str = ""  # the catalog entry's first create event when empty


@dataclass(frozen=True, slots=True)
class CreateContext:
    """Where a creator works: boto3 clients by service name, the account and region they act in, and a counter
    that hands out distinct numbers (for CIDR blocks that must not overlap)."""

    client: Callable[[str], Any]
    account_id: str
    region: str
    counter: Callable[[], int]


Creator = Callable[[CreateContext, str, dict[str, str]], Call]


# --- names and tags ---------------------------------------------------------------------------------------------


def slug(name: str, *, limit: int = 63, fallback: str = "sandbox") -> str:
    """A name most AWS services accept: lower-case letters, digits and dashes, starting with a letter."""
    value = _NAME_BAD.sub("-", name.strip().lower()).strip("-")
    value = re.sub(r"-{2,}", "-", value)[:limit].strip("-")
    if not value or not value[0].isalpha():
        value = f"{fallback}-{value}".strip("-")[:limit]
    return value


def pairs(tags: Mapping[str, str], key: str = "Key", value: str = "Value") -> list[dict[str, str]]:
    """Tags as a list of {key, value} pairs, with the field names the API wants."""
    return [{key: k, value: v} for k, v in tags.items()]


def ct_tags(tags: Mapping[str, str]) -> list[dict[str, str]]:
    """Tags as CloudTrail writes most request lists of them: lower-case `key` and `value`."""
    return pairs(tags, "key", "value")


# --- shared scaffolding (made quietly, as if it had been there) -------------------------------------------------


def default_subnets(ctx: CreateContext) -> list[dict[str, Any]]:
    """The default VPC's default subnets, by availability zone."""
    ec2 = ctx.client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    if not vpcs:
        raise CreateError("the account has no default VPC")
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpcs[0]["VpcId"]]},
                                            {"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    return sorted(subnets, key=lambda s: s["AvailabilityZone"])


def service_role(ctx: CreateContext) -> str:
    """The ARN of a role Lambda, Step Functions and EKS may assume, made on first use."""
    iam = ctx.client("iam")
    try:
        return iam.get_role(RoleName=SERVICE_ROLE)["Role"]["Arn"]
    except ClientError:
        return iam.create_role(RoleName=SERVICE_ROLE, AssumeRolePolicyDocument=TRUST_POLICY)["Role"]["Arn"]
