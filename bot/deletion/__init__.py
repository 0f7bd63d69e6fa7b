"""Deleting resources safely: one executor per catalog type, the managed-state re-check, errors in plain words."""

from __future__ import annotations

from bot.deletion.base import AlreadyGone, DeleteFailed, DeleteOutcome, DeleteRefused, DeleteRequest, plain_error
from bot.deletion.executors import REGISTRY
from bot.deletion.service import DeleteNotAllowed, Deleter, DeleteResult, ManagedByTerraform, check_unmanaged, execute

__all__ = [
    "REGISTRY",
    "AlreadyGone",
    "DeleteFailed",
    "DeleteNotAllowed",
    "DeleteOutcome",
    "DeleteRefused",
    "DeleteRequest",
    "DeleteResult",
    "Deleter",
    "ManagedByTerraform",
    "check_unmanaged",
    "execute",
    "plain_error",
]
