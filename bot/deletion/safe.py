"""Deleting a resource safely: no Terraform state may hold it; then the type's executor, errors in plain words."""

from __future__ import annotations

import logging

from bot.catalog import DELETE
from bot.catalog._delete import AlreadyGone, DeleteOutcome, DeleteRefused, DeleteRequest, plain_error
from bot.catalog.template_input import Clients
from bot.managed import ManagedResource, StateReader
from bot.state import ResourceRecord

logger = logging.getLogger(__name__)


class ManagedByTerraform(DeleteRefused):
    """The resource is in a Terraform state now: deleting it by hand would break that configuration."""

    def __init__(self, managed: ManagedResource) -> None:
        super().__init__(f"Terraform manages it now, as {managed.address} in {managed.state}; delete it there")
        self.managed = managed


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
        account_id=record.account_id,
    )


def check_unmanaged(reader: StateReader, req: DeleteRequest) -> None:
    """Re-read every Terraform state now (changed ones only) and refuse if one holds this resource."""
    managed = reader.load().find(req.tf_type, req.import_id, req.arn, req.account_id or None)
    if managed is not None:
        raise ManagedByTerraform(managed)
    if reader.errors:
        # A state that cannot be read might hold the resource: deleting on a guess is not safe.
        raise DeleteRefused(f"a Terraform state could not be read ({reader.errors[0]}), so tfsync cannot be sure "
                            "Terraform does not manage it")


def execute(clients: Clients, reader: StateReader, req: DeleteRequest) -> DeleteOutcome:
    """The managed check, then the type's executor; DeleteRefused, DeleteFailed or AlreadyGone when it cannot."""
    executor = DELETE.get(req.tf_type)
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
