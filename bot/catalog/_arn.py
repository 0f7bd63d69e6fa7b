"""ARNs built from a record's region and account, for the services whose creation response may lack one."""

from __future__ import annotations

from bot.events import CloudTrailRecord


def partition(region: str) -> str:
    """The ARN partition a region belongs to."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def build(record: CloudTrailRecord, service: str, resource: str, account: str = "") -> str:
    """arn:<partition>:<service>:<region>:<account>:<resource>, or '' when the record lacks region or account.

    `account` is the owner where the response names one other than the caller's (a shared VPC, a registry).
    A guessed region or account would make a wrong ARN that could still match some other state's resource.
    """
    account = account or record.account_id
    if not account or not record.aws_region:
        return ""
    region = record.aws_region
    return f"arn:{partition(region)}:{service}:{region}:{account}:{resource}"


def global_arn(record: CloudTrailRecord, service: str, resource: str, account: str = "") -> str:
    """arn:<partition>:<service>::<account>:<resource> for global services (IAM, S3, Route 53)."""
    return f"arn:{partition(record.aws_region)}:{service}::{account}:{resource}"
