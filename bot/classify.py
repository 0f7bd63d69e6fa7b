"""From a CloudTrail record to a verdict: detected (with the resources it made), ignored, unsupported or error."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, Literal

from bot.catalog import BY_EVENT, CatalogEntry, ExtractError
from bot.catalog.base import NotACreation, OtherType, name_tag, suggest_tf_name
from bot.errors import InputError
from bot.events import CloudTrailRecord, Envelope
from bot.filters import actor_of, is_create_event, record_filter
from bot.managed import ManagedIndex
from bot.rules import IgnoreRule, first_match

logger = logging.getLogger(__name__)

VerdictName = Literal["detected", "ignored", "unsupported", "error"]


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource a person created, identified the way `terraform import` will find it."""

    tf_type: str
    import_id: str
    name: str
    arn: str
    region: str
    account_id: str
    actor: str
    console_url: str
    suggested_name: str
    loses_data: bool
    tags: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tf_type": self.tf_type,
            "import_id": self.import_id,
            "name": self.name,
            "arn": self.arn,
            "region": self.region,
            "account_id": self.account_id,
            "actor": self.actor,
            "console_url": self.console_url,
            "suggested_name": self.suggested_name,
            "loses_data": self.loses_data,
            "tags": self.tags,
        }


@dataclass(frozen=True, slots=True)
class Classification:
    source: str
    verdict: VerdictName
    reason_code: str | None = None
    reason: str | None = None
    event_id: str | None = None
    event_name: str | None = None
    event_source: str | None = None
    event_time: str | None = None
    resources: tuple[Resource, ...] = ()
    record: CloudTrailRecord | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "event_id": self.event_id,
            "event_name": self.event_name,
            "verdict": self.verdict,
            "reason": self.reason,
            "reason_code": self.reason_code,
            "resources": [r.as_dict() for r in self.resources],
        }


def _verdict(
    record: CloudTrailRecord, name: VerdictName, code: str | None, reason: str | None, resources: Any = ()
) -> Classification:
    return Classification(
        source=record.source,
        verdict=name,
        reason_code=code,
        reason=reason,
        event_id=record.event_id or None,
        event_name=record.event_name,
        event_source=record.event_source,
        event_time=record.event_time or None,
        resources=tuple(resources),
        record=record,
    )


def error(exc: InputError) -> Classification:
    return Classification(source=exc.source, verdict="error", reason_code="malformed", reason=exc.problem)


class Classifier:
    """Filters, catalog, managed-state check and ignore rules, applied in that order."""

    def __init__(
        self,
        *,
        own_roles: Sequence[str] = (),
        ignore_rules: Sequence[IgnoreRule] = (),
        managed: ManagedIndex | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.own_roles = tuple(own_roles)
        self.ignore_rules = tuple(ignore_rules)
        self.managed = managed or ManagedIndex()
        self.clock = clock

    def classify_envelope(self, envelope: Envelope) -> list[Classification]:
        """Every record and every error in an envelope, in input order of kind (records, then errors)."""
        results = [self.classify(record) for record in envelope.records]
        if envelope.errors:
            results.extend(error(exc) for exc in envelope.errors)
        return results

    def classify(self, record: CloudTrailRecord) -> Classification:
        filtered = record_filter(record, self.own_roles)
        if filtered is not None:  # most of the stream ends here, so nothing is set up before it
            return _verdict(record, "ignored", filtered.code, f"{filtered.code}: {filtered.detail}")
        verdict = partial(_verdict, record)

        entry = BY_EVENT.get((record.event_source, record.event_name))
        if entry is None:
            if is_create_event(record.event_name):
                return verdict(
                    "unsupported",
                    "unsupported",
                    f"unsupported: no catalog entry for {record.event_source} {record.event_name}",
                )
            return verdict("ignored", "not-a-create", f"not-a-create: {record.event_name} creates nothing")

        try:
            found = entry.resolve(record)
        except NotACreation as exc:
            return verdict("ignored", "not-a-create", f"not-a-create: {exc}")
        except OtherType as exc:
            return verdict(
                "unsupported",
                "unsupported",
                f"unsupported: {record.event_name} made a {exc.tf_type} ({exc.why}), which the catalog does not cover",
            )
        except ExtractError as exc:
            return verdict("error", "incomplete", f"incomplete: {entry.tf_type}: {exc}")
        except Exception as exc:
            # One entry failing on an odd record must not stop the stream; it is reported and logged loudly.
            logger.exception("catalog entry %s failed on %r", entry.tf_type, record)
            return verdict(
                "error", "internal-error", f"internal-error: {entry.tf_type} could not read the record ({exc!r})"
            )
        if not found:
            return verdict(
                "unsupported", "unsupported", f"unsupported: {record.event_name} made no {entry.tf_type}"
            )

        resources = [self._resource(entry, record, f) for f in found]
        kept, reasons = [], []
        now = self.clock()
        for resource in resources:
            managed = self.managed.find(resource.tf_type, resource.import_id, resource.arn)
            if managed is not None:
                reasons.append(("managed", f"managed: {managed.address} in {managed.state}"))
                continue
            rule = first_match(
                self.ignore_rules,
                now,
                account_id=resource.account_id,
                region=resource.region,
                tf_type=resource.tf_type,
                name=resource.name,
                actor=resource.actor,
                tags=resource.tags,
            )
            if rule is not None:
                reasons.append(("ignore-rule", f"ignore-rule: {rule.describe()}"))
                continue
            kept.append(resource)
        if kept:
            return verdict("detected", None, None, kept)
        code = reasons[0][0] if len({c for c, _ in reasons}) == 1 else "mixed"
        return verdict("ignored", code, "; ".join(r for _, r in reasons), resources)

    @staticmethod
    def _resource(entry: CatalogEntry, record: CloudTrailRecord, found: Any) -> Resource:
        return Resource(
            tf_type=entry.tf_type,
            import_id=found.import_id,
            name=found.name,
            arn=found.arn,
            region=record.aws_region,
            account_id=record.account_id,
            actor=actor_of(record),
            console_url=found.console_url,
            suggested_name=suggest_tf_name(
                name_tag(found.tags), found.name, found.import_id, fallback=entry.tf_type.removeprefix("aws_")
            ),
            loses_data=entry.loses_data if found.loses_data is None else found.loses_data,
            tags=dict(found.tags),
        )
