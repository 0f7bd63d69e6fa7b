"""Resource state in DynamoDB: models, the status machine, and the async repository every caller goes through."""

from __future__ import annotations

from bot.state.errors import IllegalTransition, ResourceNotFound, StateError, TransitionConflict
from bot.state.records import AuditEntry, IgnoreRuleRecord, ResourceRecord, resource_id
from bot.state.repository import Detection, StateRepository
from bot.state.status import OPEN_STATUSES, TRANSITIONS, Status

__all__ = [
    "OPEN_STATUSES",
    "TRANSITIONS",
    "AuditEntry",
    "Detection",
    "IgnoreRuleRecord",
    "IllegalTransition",
    "ResourceNotFound",
    "ResourceRecord",
    "StateError",
    "StateRepository",
    "Status",
    "TransitionConflict",
    "resource_id",
]
