"""User ignore rules: scope (account, region, type, name pattern, actor, tag) and expiry."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from bot.errors import ConfigError


class IgnoreScope(StrEnum):
    """What an ignore made from one resource covers."""

    RESOURCE = "resource"
    TYPE = "type"
    ACTOR = "actor"
    NAME = "name"  # a name pattern


RULE_FIELDS = ("account_id", "region", "tf_type", "name_pattern", "actor", "tag")


@dataclass(frozen=True, slots=True)
class IgnoreRule:
    """Every field that is set must match; patterns are shell-style (`*`, `?`), names case-insensitive."""

    id: str
    account_id: str | None = None
    region: str | None = None
    tf_type: str | None = None
    name_pattern: str | None = None
    actor: str | None = None
    tag: str | None = None  # "key" (any value) or "key=value-pattern"
    expires_at: datetime | None = None
    created_by: str | None = None
    reason: str | None = None

    def active(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at

    def matches(
        self,
        *,
        account_id: str,
        region: str,
        tf_type: str,
        name: str,
        actor: str,
        tags: Mapping[str, str],
    ) -> bool:
        if self.account_id is not None and self.account_id != account_id:
            return False
        if self.region is not None and not fnmatchcase(region, self.region):
            return False
        if self.tf_type is not None and self.tf_type != tf_type:
            return False
        if self.name_pattern is not None and not fnmatchcase(name.lower(), self.name_pattern.lower()):
            return False
        if self.actor is not None and not fnmatchcase(actor.lower(), self.actor.lower()):
            return False
        if self.tag is not None:
            key, sep, pattern = self.tag.partition("=")
            if key not in tags or (sep and not fnmatchcase(tags[key], pattern)):
                return False
        return True

    def describe(self) -> str:
        scope = ", ".join(f"{f}={getattr(self, f)}" for f in RULE_FIELDS if getattr(self, f) is not None)
        return f"rule {self.id} ({scope or 'everything'})"


def _parse_time(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expires_at must be an ISO 8601 string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"{where}: expires_at {value!r} is not an ISO 8601 time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def rule_from_dict(raw: Any, where: str) -> IgnoreRule:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: a rule must be an object")
    unknown = set(raw) - {*RULE_FIELDS, "id", "expires_at", "created_by", "reason"}
    if unknown:
        raise ConfigError(f"{where}: unknown rule fields {sorted(unknown)}")
    values: dict[str, Any] = {}
    for name in (*RULE_FIELDS, "created_by", "reason"):
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{where}: {name} must be a string")
        # An empty scope field would only match resources lacking that value: almost surely a mistake.
        if value == "" and name in RULE_FIELDS:
            raise ConfigError(f"{where}: {name} is empty; leave it out to match any value")
        values[name] = value
    if not any(values[name] for name in RULE_FIELDS):
        raise ConfigError(f"{where}: a rule needs at least one of {', '.join(RULE_FIELDS)}")
    if values["tag"] is not None and values["tag"].startswith("="):
        raise ConfigError(f"{where}: tag {values['tag']!r} has no key; write key or key=value-pattern")
    rule_id = raw.get("id")
    if rule_id is not None and (not isinstance(rule_id, str) or not rule_id):
        raise ConfigError(f"{where}: id must be a non-empty string")
    return IgnoreRule(
        id=rule_id if isinstance(rule_id, str) and rule_id else where,
        expires_at=_parse_time(raw.get("expires_at"), where),
        **values,
    )


def load_rules(path: Path) -> tuple[IgnoreRule, ...]:
    """Rules from a JSON file: a list of rules, or {"rules": [...]}."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"ignore rules {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise ConfigError(f"ignore rules {path}: not JSON ({exc})") from None
    items = document.get("rules") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise ConfigError(f"ignore rules {path}: expected a list of rules or {{\"rules\": [...]}}")
    return tuple(rule_from_dict(item, f"{path.name}[{i}]") for i, item in enumerate(items))


def first_match(rules: Iterable[IgnoreRule], now: datetime, **resource: Any) -> IgnoreRule | None:
    for rule in rules:
        if rule.active(now) and rule.matches(**resource):
            return rule
    return None
