"""What a delete executor takes and returns, the errors it raises in words a person understands, and the helpers
the services' executors share (not-found means gone, a final snapshot's name, the longest recovery window).

Each service's executors (bot/catalog/<service>/delete.py) keep the safe default that service calls for:
data-holding resources keep a way back where AWS offers one (a final snapshot or backup named after the resource,
the longest recovery window); containers (buckets, repositories, zones) are deleted only when empty unless the
person confirmed emptying them; IAM entities are detached from everything first, as IAM requires.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from bot.catalog.template_input import Clients
from bot.errors import TfsyncError

RECOVERY_DAYS = 30  # the longest window KMS and Secrets Manager allow


@dataclass(frozen=True, slots=True)
class DeleteRequest:
    """One resource to delete, and what the person confirmed beyond the safe default."""

    tf_type: str
    import_id: str
    region: str
    name: str = ""
    arn: str = ""
    resource_id: str = ""  # tfsync's short id: names final snapshots and backups
    confirm_empty: bool = False  # empty a bucket, repository or zone that still holds things
    stop_only: bool = False  # instances: stop rather than terminate
    account_id: str = ""  # the account it is in ("" when unknown: a state's resource of that ID in any account counts)


@dataclass(frozen=True, slots=True)
class DeleteOutcome:
    """What the executor did, in one sentence, and anything kept (a final snapshot or backup, a recovery window)."""

    message: str
    kept: str | None = None


class DeleteRefused(TfsyncError):
    """The safe default says no (not empty, protected, still in use); nothing was deleted."""


class DeleteFailed(TfsyncError):
    """AWS refused or failed the delete; the message is in plain words, with AWS's code for reference."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class AlreadyGone(TfsyncError):
    """The resource did not exist any more when the delete ran."""


Executor = Callable[[Clients, DeleteRequest], DeleteOutcome]


_NOT_FOUND_CODES = {
    "NoSuchBucket", "NoSuchEntity", "ResourceNotFoundException", "ResourceNotFound", "NotFoundException",
    "DBInstanceNotFound", "DBInstanceNotFoundFault", "DBClusterNotFoundFault", "CacheClusterNotFound",
    "RepositoryNotFoundException", "ClusterNotFoundException", "ParameterNotFound", "NoSuchHostedZone",
    "StateMachineDoesNotExist", "LoadBalancerNotFound", "AWS.SimpleQueueService.NonExistentQueue",
    "QueueDoesNotExist", "NotFound", "InvalidInstanceID.NotFound", "InvalidGroup.NotFound", "InvalidVpcID.NotFound",
    "InvalidSubnetID.NotFound", "InvalidVolume.NotFound", "InvalidAllocationID.NotFound", "InvalidKeyPair.NotFound",
    "InvalidInternetGatewayID.NotFound", "NatGatewayNotFound", "InvalidLaunchTemplateId.NotFound",
    "InvalidLaunchTemplateId.NotFoundException",
}  # fmt: skip

_PLAIN = {
    "DependencyViolation": "other resources still depend on it",
    "DeleteConflict": "it is still attached to or used by other IAM entities",
    "BucketNotEmpty": "the bucket still holds objects",
    "RepositoryNotEmptyException": "the repository still holds images",
    "HostedZoneNotEmpty": "the zone still holds records",
    "InvalidDBInstanceState": "the database is busy (creating, modifying, backing up); try again when it is available",
    "InvalidDBClusterStateFault": "the cluster is busy or still has DB instances in it",
    "InvalidCacheClusterState": "the cache cluster is busy; try again when it is available",
    "ResourceInUseException": "it is in use or still being created",
    "ResourceInUse": "it is in use",
    "ClusterContainsServicesException": "the cluster still runs services",
    "ClusterContainsContainerInstancesException": "the cluster still has container instances",
    "ClusterContainsTasksException": "the cluster still runs tasks",
    "OperationNotPermitted": "AWS does not allow it in the resource's current configuration",
    "AccessDenied": "tfsync's role is not allowed to delete it",
    "AccessDeniedException": "tfsync's role is not allowed to delete it",
    "UnauthorizedOperation": "tfsync's role is not allowed to delete it",
    "Throttling": "AWS is throttling requests; try again in a minute",
    "ThrottlingException": "AWS is throttling requests; try again in a minute",
    "RequestLimitExceeded": "AWS is throttling requests; try again in a minute",
    "InvalidParameterCombination": "AWS rejected the request's options",
    "SnapshotQuotaExceeded": "the account has no room for the final snapshot",
    "DBSnapshotAlreadyExists": "a final snapshot with that name exists already",
}


def is_not_found(exc: ClientError) -> bool:
    code = exc.response.get("Error", {}).get("Code", "")
    return code in _NOT_FOUND_CODES or code.endswith(".NotFound") or code.endswith("NotFoundException")


def plain_error(exc: Exception) -> DeleteFailed:
    """An AWS error as one sentence a person understands, with the code and AWS's own message kept."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "")) or "Unknown"
        message = str(error.get("Message", "")).strip()
        words = _PLAIN.get(code)
        detail = f" (AWS: {code}{': ' + message if message else ''})"
        if words:
            return DeleteFailed(f"AWS refused the delete: {words}{detail}", code)
        return DeleteFailed(f"AWS refused the delete{detail}", code)
    if isinstance(exc, BotoCoreError):
        return DeleteFailed(f"AWS could not be reached: {exc}", "")
    return DeleteFailed(f"the delete failed: {exc}", "")


def call(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """One AWS call whose not-found answer means the resource is gone already."""
    try:
        return fn(**kwargs)
    except ClientError as exc:
        if is_not_found(exc):
            raise AlreadyGone(str(exc)) from None
        raise


def final_name(base: str, limit: int = 255) -> str:
    """`<resource>-tfsync-final-<UTC time>`, letters, digits and single hyphens, starting with a letter."""
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    cleaned = re.sub(r"-+", "-", re.sub(r"[^A-Za-z0-9-]", "-", base)).strip("-") or "resource"
    if not cleaned[0].isalpha():
        cleaned = f"r-{cleaned}"
    suffix = f"-tfsync-final-{stamp}"
    return cleaned[: limit - len(suffix)].rstrip("-") + suffix


def refuse(reason: str) -> Executor:
    """The executor of a type tfsync does not delete from Slack, because no safe default exists (it would take
    other resources or data with it): it refuses with the reason, and nothing is called."""

    def refused(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
        raise DeleteRefused(f"tfsync does not delete a {req.tf_type} from Slack: {reason}")

    refused.refuses = reason  # type: ignore[attr-defined]  # what tests and the docs read
    return refused
