"""What the state layer hands out: frozen snapshots of stored items, and the short id of a resource."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from bot.rules import IgnoreRule
from bot.state.status import OPEN_STATUSES
from bot.state.tables import AuditModel, IgnoreRuleModel, ResourceModel

RESOURCE_ID_PREFIX = "r-"
_ID_CHARS = 12  # 60 bits of SHA-256: a collision needs ~10^9 resources, and one is still detected, never merged
IGNORE_SCOPES = ("resource", "type", "actor", "name", "tag")


def resource_id(account_id: str, region: str, tf_type: str, import_id: str) -> str:
    """The short, stable id of a resource identity, e.g. `r-k3v9q2mzt7ab`."""
    identity = "\x1f".join((account_id, region, tf_type, import_id)).encode()
    digest = base64.b32encode(hashlib.sha256(identity).digest()).decode().lower()
    return RESOURCE_ID_PREFIX + digest[:_ID_CHARS]


@dataclass(frozen=True, slots=True)
class ResourceRecord:
    """A resource record as stored; change it through the repository, never by hand."""

    resource_id: str
    account_id: str
    region: str
    tf_type: str
    import_id: str
    status: str
    version: int
    detected_at: datetime
    status_changed_at: datetime
    created_at: datetime
    unresolved: str | None = None
    name: str = ""
    arn: str = ""
    console_url: str = ""
    actor: str = ""
    suggested_name: str = ""
    loses_data: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)
    event_id: str = ""
    event_name: str = ""
    event_time: str = ""
    event_ids: frozenset[str] = frozenset()
    source: str = "event"
    scan_id: str | None = None
    facts: tuple[tuple[str, str], ...] = ()
    status_changed_by: str = ""
    status_event_time: datetime | None = None
    slack_channel: str | None = None
    slack_thread_ts: str | None = None
    slack_message_ts: str | None = None
    slack_shown_version: int | None = None
    slack_post_token: str | None = None
    tf_name: str | None = None
    target_module: str | None = None
    tf_file: str | None = None
    job_runner: str | None = None
    job_id: str | None = None
    job_build_id: str | None = None
    job_result: str | None = None
    job_link: str | None = None
    job_error: str | None = None
    lease_owner: str | None = None
    lease_until: datetime | None = None
    ignore_scope: str | None = None
    ignore_until: datetime | None = None
    ignore_rule_id: str | None = None
    notify_version: int | None = None
    notify_kind: str | None = None
    notify_owner: str | None = None
    notify_due: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @classmethod
    def from_model(cls, item: ResourceModel) -> ResourceRecord:
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = getattr(item, f.name)
            if f.name == "tags":
                value = {str(k): str(v) for k, v in (value.as_dict() if hasattr(value, "as_dict") else value).items()}
            elif f.name == "event_ids":
                value = frozenset(value or ())
            elif f.name == "facts":
                value = tuple(_fact(fact) for fact in value or ())
            elif f.name == "source":
                value = value or "event"
            elif f.name in ("version", "notify_version", "slack_shown_version") and value is not None:
                value = int(value)
            values[f.name] = value
        return cls(**values)


# Fields a transition or an annotation may set besides the status: what people chose and what jobs reported.
DETAIL_FIELDS = frozenset(
    {
        "slack_channel", "slack_thread_ts", "slack_message_ts", "slack_shown_version", "slack_post_token",
        "lease_owner", "lease_until", "tf_name", "target_module", "tf_file", "job_runner", "job_id",
        "job_build_id", "job_result", "job_link", "job_error", "ignore_scope", "ignore_until", "ignore_rule_id",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class AuditEntry:
    resource_id: str
    version: int
    at: datetime
    actor: str
    from_status: str
    to_status: str
    reason: str = ""
    event_id: str | None = None

    @classmethod
    def from_model(cls, item: AuditModel) -> AuditEntry:
        return cls(
            resource_id=item.resource_id,
            version=int(item.version),
            at=item.at,
            actor=item.actor,
            from_status=item.from_status,
            to_status=item.to_status,
            reason=item.reason,
            event_id=item.event_id,
        )


@dataclass(frozen=True, slots=True)
class IgnoreRuleRecord:
    """A stored ignore rule. Scope `resource` matches one resource by account, region, type and exact name."""

    rule_id: str
    scope: str
    created_by: str
    created_at: datetime
    resource_id: str | None = None
    account_id: str | None = None
    region: str | None = None
    tf_type: str | None = None
    name_pattern: str | None = None
    actor: str | None = None
    tag: str | None = None
    reason: str = ""
    expires_at: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at

    def to_rule(self) -> IgnoreRule:
        """The detection filters' form of this rule."""
        return IgnoreRule(
            id=self.rule_id,
            account_id=self.account_id,
            region=self.region,
            tf_type=self.tf_type,
            name_pattern=self.name_pattern,
            actor=self.actor,
            tag=self.tag,
            expires_at=self.expires_at,
            created_by=self.created_by,
            reason=self.reason or None,
        )

    @classmethod
    def from_model(cls, item: IgnoreRuleModel) -> IgnoreRuleRecord:
        return cls(**{f.name: getattr(item, f.name) for f in fields(cls)})


FACT_SEPARATOR = "\x1f"


def stored_fact(label: str, value: str) -> str:
    """A size fact as the record stores it (bot/state/tables.py)."""
    return f"{label}{FACT_SEPARATOR}{value}"


def _fact(stored: str) -> tuple[str, str]:
    label, _, value = str(stored).partition(FACT_SEPARATOR)
    return label, value


def exact_name_pattern(name: str) -> str:
    """A shell-style pattern matching exactly `name`, even when it holds `*`, `?` or `[`."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)
