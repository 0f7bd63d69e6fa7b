"""Deleting a resource: claim it in state, make sure Terraform does not manage it, delete, record the end."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.codegen.model import Clients
from bot.deletion.base import AlreadyGone, DeleteFailed, DeleteOutcome, DeleteRefused, DeleteRequest, plain_error
from bot.deletion.executors import REGISTRY
from bot.errors import TfsyncError
from bot.managed import ManagedResource, StateReader
from bot.state import IllegalTransition, ResourceRecord, StateRepository, Status, TransitionConflict

logger = logging.getLogger(__name__)

DELETABLE = (Status.DETECTED.value, Status.DELETE_FAILED.value)


class ManagedByTerraform(DeleteRefused):
    """The resource is in a Terraform state now: deleting it by hand would break that configuration."""

    def __init__(self, managed: ManagedResource) -> None:
        super().__init__(f"Terraform manages it now, as {managed.address} in {managed.state}; delete it there")
        self.managed = managed


class DeleteNotAllowed(TfsyncError):
    """The record's status does not allow a delete now (being adopted, adopted, deleted already, ...)."""

    def __init__(self, resource_id: str, status: str, why: str) -> None:
        super().__init__(f"resource {resource_id} cannot be deleted: {why}")
        self.resource_id = resource_id
        self.status = status


@dataclass(frozen=True, slots=True)
class DeleteResult:
    """How a delete ended: the record after it, the outcome or the reason in plain words."""

    record: ResourceRecord
    deleted: bool
    message: str
    kept: str | None = None


def request_of(record: ResourceRecord, *, confirm_empty: bool = False, stop_only: bool = False) -> DeleteRequest:
    return DeleteRequest(
        tf_type=record.tf_type,
        import_id=record.import_id,
        region=record.region,
        name=record.name,
        arn=record.arn,
        resource_id=record.resource_id,
        confirm_empty=confirm_empty,
        stop_only=stop_only,
    )


def check_unmanaged(reader: StateReader, req: DeleteRequest) -> None:
    """Re-read every Terraform state now (changed ones only) and refuse if one holds this resource."""
    managed = reader.load().find(req.tf_type, req.import_id, req.arn)
    if managed is not None:
        raise ManagedByTerraform(managed)
    if reader.errors:
        # A state that cannot be read might hold the resource: deleting on a guess is not safe.
        raise DeleteRefused(f"a Terraform state could not be read ({reader.errors[0]}), so tfsync cannot be sure "
                            "Terraform does not manage it")


def execute(clients: Clients, reader: StateReader, req: DeleteRequest) -> DeleteOutcome:
    """The managed check, then the type's executor; DeleteRefused, DeleteFailed or AlreadyGone when it cannot."""
    executor = REGISTRY.get(req.tf_type)
    if executor is None:
        raise DeleteRefused(f"tfsync does not know how to delete a {req.tf_type}")
    check_unmanaged(reader, req)
    try:
        return executor(clients, req)
    except (DeleteRefused, AlreadyGone):
        raise
    except Exception as exc:
        logger.info("delete %s %s failed: %r", req.tf_type, req.import_id, exc)
        raise plain_error(exc) from None


class Deleter:
    """Deletes through the state machine: detected|delete_failed -> deleting -> deleted|delete_failed."""

    def __init__(
        self,
        repository: StateRepository,
        reader: StateReader,
        client_factory: Callable[[str, str], Any],
    ) -> None:
        self.repository = repository
        self.reader = reader
        self.client_factory = client_factory

    async def claim(self, rid: str, actor: str) -> ResourceRecord:
        record = await self.repository.get(rid)
        if record is None:
            raise DeleteNotAllowed(rid, "", "tfsync does not know this resource")
        if record.status not in DELETABLE:
            raise DeleteNotAllowed(rid, record.status, f"its status is {record.status}")
        try:
            return await self.repository.transition(
                rid, Status.DELETING.value, expected_status=record.status, expected_version=record.version,
                actor=actor, reason="delete requested" if record.status == Status.DETECTED.value else "delete retried",
            )
        except TransitionConflict as exc:
            raise DeleteNotAllowed(rid, exc.current_status or "", f"someone else changed it first ({exc})") from None
        except IllegalTransition as exc:
            raise DeleteNotAllowed(rid, exc.from_status, f"its status is {exc.from_status}") from None

    async def delete(
        self, rid: str, actor: str, *, confirm_empty: bool = False, stop_only: bool = False
    ) -> DeleteResult:
        """Claim, check, delete and record; DeleteNotAllowed before anything happens when state says no."""
        record = await self.claim(rid, actor)
        req = request_of(record, confirm_empty=confirm_empty, stop_only=stop_only)
        clients = Clients(self.client_factory, record.region)
        try:
            outcome = await asyncio.to_thread(execute, clients, self.reader, req)
        except AlreadyGone:
            done = await self._move(record, actor, Status.DELETED.value, "it no longer existed in AWS", None)
            return DeleteResult(done, True, "It no longer existed in AWS; nothing was deleted.")
        except (DeleteRefused, DeleteFailed) as exc:
            done = await self._move(record, actor, Status.DELETE_FAILED.value, str(exc), str(exc))
            return DeleteResult(done, False, str(exc))
        done = await self._move(record, actor, Status.DELETED.value, outcome.message, None)
        return DeleteResult(done, True, outcome.message, outcome.kept)

    async def _move(
        self, record: ResourceRecord, actor: str, to: str, reason: str, error: str | None
    ) -> ResourceRecord:
        return await self.repository.transition(
            record.resource_id, to, expected_status=Status.DELETING.value, expected_version=record.version,
            actor=actor, reason=reason[:500],
            changes={"job_runner": "delete", "job_result": "deleted" if error is None else "failed",
                     "job_error": error},
        )
