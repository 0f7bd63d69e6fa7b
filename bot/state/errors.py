"""Typed errors of the state layer: each names the resource and the statuses involved."""

from __future__ import annotations

from bot.errors import TfsyncError


class StateError(TfsyncError):
    """Resource state could not be read or changed as asked."""


class ResourceNotFound(StateError):
    """No record with this id."""

    def __init__(self, resource_id: str) -> None:
        super().__init__(f"resource {resource_id} is not known to tfsync")
        self.resource_id = resource_id


class IllegalTransition(StateError):
    """The status machine has no edge from one status to the other."""

    def __init__(self, resource_id: str, from_status: str, to_status: str) -> None:
        super().__init__(f"resource {resource_id}: cannot go from {from_status} to {to_status}")
        self.resource_id = resource_id
        self.from_status = from_status
        self.to_status = to_status


class TransitionConflict(StateError):
    """Someone else changed the record first: its status or version is no longer the one the caller saw."""

    def __init__(
        self,
        resource_id: str,
        to_status: str,
        expected_status: str,
        expected_version: int,
        current_status: str | None = None,
        current_version: int | None = None,
    ) -> None:
        now = f"it is now {current_status} v{current_version}" if current_status else "it changed"
        super().__init__(
            f"resource {resource_id}: cannot go to {to_status}: expected {expected_status} v{expected_version}, {now}"
        )
        self.resource_id = resource_id
        self.to_status = to_status
        self.expected_status = expected_status
        self.expected_version = expected_version
        self.current_status = current_status
        self.current_version = current_version


class ResourceIdCollision(StateError):
    """Two different resource identities hash to the same short id (astronomically unlikely, never silent)."""
