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


def build(record: CloudTrailRecord, service: str, resource: str) -> str:
    """arn:<partition>:<service>:<region>:<account>:<resource>, or '' when the record lacks region or account.

    A guessed region or account would make a wrong ARN that could still match some other state's resource.
    """
    if not record.account_id or not record.aws_region:
        return ""
    region = record.aws_region
    return f"arn:{partition(region)}:{service}:{region}:{record.account_id}:{resource}"
