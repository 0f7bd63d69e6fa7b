"""The status machine of a resource record: which status may follow which."""

from __future__ import annotations

from enum import StrEnum

from bot.state.errors import IllegalTransition


class Status(StrEnum):
    DETECTED = "detected"
    ADOPTING = "adopting"
    ADOPTED = "adopted"
    ADOPT_FAILED = "adopt_failed"
    DELETING = "deleting"
    DELETED = "deleted"
    DELETE_FAILED = "delete_failed"
    IGNORED = "ignored"
    GONE = "gone"  # deleted outside tfsync


_EDGES: dict[Status, frozenset[Status]] = {
    Status.DETECTED: frozenset({Status.ADOPTING, Status.DELETING, Status.IGNORED}),
    Status.ADOPTING: frozenset({Status.ADOPTED, Status.ADOPT_FAILED}),
    Status.ADOPT_FAILED: frozenset({Status.ADOPTING}),
    Status.DELETING: frozenset({Status.DELETED, Status.DELETE_FAILED}),
    # A failed delete may be retried, like a failed adopt.
    Status.DELETE_FAILED: frozenset({Status.DELETING}),
    Status.IGNORED: frozenset({Status.DETECTED}),
    Status.ADOPTED: frozenset(),
    # A resource deleted and then created again under the same identity is a new detection of the same record.
    Status.DELETED: frozenset({Status.DETECTED}),
    Status.GONE: frozenset({Status.DETECTED}),
}
# Every status but gone itself may become gone: AWS is the truth about whether a resource still exists.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    status: edges | ({Status.GONE} if status is not Status.GONE else frozenset()) for status, edges in _EDGES.items()
}
# Statuses that still want a person's attention or have work running; the Slack surfaces list these.
OPEN_STATUSES = (Status.DETECTED, Status.ADOPTING, Status.ADOPT_FAILED, Status.DELETING, Status.DELETE_FAILED)


def parse_status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise ValueError(f"unknown status {value!r}; one of {', '.join(s.value for s in Status)}") from None


def check_transition(resource_id: str, from_status: str, to_status: str) -> tuple[Status, Status]:
    """Both statuses, typed, when the machine allows the step; IllegalTransition otherwise."""
    source, target = parse_status(from_status), parse_status(to_status)
    if target not in TRANSITIONS[source]:
        raise IllegalTransition(resource_id, source, target)
    return source, target
