"""Where a region lives: its ARN partition and its console host, and the ARNs built from a record's region and
account for the services whose creation response may lack one.

The partition comes from botocore's own endpoint data (the `partitions` of endpoints.json, with each partition's
region list and region pattern), so a region AWS adds is placed where the installed botocore places it. The console
host is the one each partition's console is served from, keyed by that partition name.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from bot.events import CloudTrailRecord

DEFAULT_PARTITION = "aws"
# A queue URL names its account as the first path segment: https://sqs.<region>.amazonaws.com/<account>/<name>.
_QUEUE_URL = re.compile(r"https://[^/]+/([0-9]{12})/")
# The AWS Management Console of each public partition. A partition without a public console here (the isolated
# ones) falls back to the standard console host, as a region botocore does not know falls back to `aws`.
CONSOLE_HOSTS = {
    "aws": "console.aws.amazon.com",
    "aws-cn": "console.amazonaws.cn",
    "aws-us-gov": "console.amazonaws-us-gov.com",
}


@functools.cache
def _botocore_session() -> Any:
    import botocore.session

    return botocore.session.get_session()


@functools.lru_cache(maxsize=256)
def partition(region: str) -> str:
    """The ARN partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`...), as botocore's data places it;
    `aws` for an empty or unknown region."""
    from botocore.exceptions import UnknownRegionError

    if not region:
        return DEFAULT_PARTITION
    try:
        return str(_botocore_session().get_partition_for_region(region))
    except UnknownRegionError:
        return DEFAULT_PARTITION


def console_host(region: str) -> str:
    """The console host of the region's partition: console.aws.amazon.com, console.amazonaws.cn..."""
    return CONSOLE_HOSTS.get(partition(region), CONSOLE_HOSTS[DEFAULT_PARTITION])


def console_url(region: str, path: str, *, subdomain: str | None = None) -> str:
    """https://<subdomain>.<the partition's console host>/<path>.

    The subdomain is the region by default (the regional console); "" for a global service's console (IAM,
    Route 53), or a service's own console host ("s3"). `path` is everything after the host, already shaped for
    that console.
    """
    prefix = region if subdomain is None else subdomain
    host = console_host(region)
    return f"https://{prefix}.{host}/{path}" if prefix else f"https://{host}/{path}"


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


def account_in(value: str) -> str:
    """The account an ARN or a queue URL names; '' when it names none (an S3 bucket's ARN, a name, an id)."""
    if value.startswith("arn:"):
        parts = value.split(":", 5)
        return parts[4] if len(parts) == 6 else ""
    match = _QUEUE_URL.match(value)
    return match.group(1) if match else ""
