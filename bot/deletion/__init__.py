"""Deleting resources safely: one executor per catalog type, the managed-state re-check, errors in plain words."""

from __future__ import annotations

from bot.catalog import DELETE as REGISTRY
from bot.catalog._delete import AlreadyGone, DeleteFailed, DeleteOutcome, DeleteRefused, DeleteRequest, plain_error
from bot.deletion.safe import ManagedByTerraform, check_unmanaged, execute, request_of

__all__ = [
    "REGISTRY",
    "AlreadyGone",
    "DeleteFailed",
    "DeleteOutcome",
    "DeleteRefused",
    "DeleteRequest",
    "ManagedByTerraform",
    "check_unmanaged",
    "execute",
    "plain_error",
    "request_of",
]
