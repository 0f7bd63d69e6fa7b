"""From a CloudTrail record to a verdict: detected (with the resources it made), ignored, unsupported or error."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, Literal

from bot.catalog import BY_EVENT, CATALOG, CatalogEntry, ExtractError, Found
from bot.catalog._arn import account_in
from bot.catalog.base import NotACreation, OtherType, name_tag, suggest_tf_name
from bot.errors import InputError
from bot.events import CloudTrailRecord, Envelope
from bot.filters import actor_of, is_create_event, record_filter
from bot.managed import ManagedIndex
from bot.resource import Resource
from bot.rules import IgnoreRule, first_match

logger = logging.getLogger(__name__)

VerdictName = Literal["detected", "ignored", "unsupported", "error"]


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


# Each field's own slot setter. A frozen dataclass's __init__ sets every field through object.__setattr__, which made
# building a verdict the costliest step of classifying a read-only record; the setters do the same in a third of it.
_VERDICT_FIELDS = ("source", "verdict", "reason_code", "reason", "event_id", "event_name", "event_source", "event_time",
                   "resources", "record")
if tuple(f.name for f in fields(Classification)) != _VERDICT_FIELDS:
    raise RuntimeError("classify: _verdict must set every field of Classification")
(_set_source, _set_verdict, _set_reason_code, _set_reason, _set_event_id, _set_event_name, _set_event_source,
 _set_event_time, _set_resources, _set_record) = (getattr(Classification, name).__set__ for name in _VERDICT_FIELDS)


def _verdict(
    record: CloudTrailRecord, name: VerdictName, code: str | None, reason: str | None, resources: Any = ()
) -> Classification:
    result = object.__new__(Classification)
    _set_source(result, record.source)
    _set_verdict(result, name)
    _set_reason_code(result, code)
    _set_reason(result, reason)
    _set_event_id(result, record.event_id or None)
    _set_event_name(result, record.event_name)
    _set_event_source(result, record.event_source)
    _set_event_time(result, record.event_time or None)
    _set_resources(result, tuple(resources))
    _set_record(result, record)
    return result


def error(exc: InputError) -> Classification:
    return Classification(source=exc.source, verdict="error", reason_code="malformed", reason=exc.problem)


def _uncatalogued(record: CloudTrailRecord) -> Classification:
    """The verdict on a call no catalog entry reads: a creation of a type tfsync does not cover, or no creation."""
    if is_create_event(record.event_name):
        return _verdict(
            record,
            "unsupported",
            "unsupported",
            f"unsupported: no catalog entry for {record.event_source} {record.event_name}",
        )
    return _verdict(record, "ignored", "not-a-create", f"not-a-create: {record.event_name} creates nothing")


def _unresolved(record: CloudTrailRecord, entry: CatalogEntry, exc: Exception) -> Classification:
    """The verdict on a call its catalog entry could not resolve into resources, by what the entry raised."""
    if isinstance(exc, NotACreation):
        return _verdict(record, "ignored", "not-a-create", f"not-a-create: {exc}")
    if isinstance(exc, OtherType):
        return _verdict(
            record,
            "unsupported",
            "unsupported",
            f"unsupported: {record.event_name} made a {exc.tf_type} ({exc.why}), which the catalog does not cover",
        )
    if isinstance(exc, ExtractError):
        return _verdict(record, "error", "incomplete", f"incomplete: {entry.tf_type}: {exc}")
    # One entry failing on an odd record must not stop the stream; it is reported and logged loudly.
    logger.error("catalog entry %s failed on %r", entry.tf_type, record, exc_info=exc)
    return _verdict(
        record, "error", "internal-error", f"internal-error: {entry.tf_type} could not read the record ({exc!r})"
    )


def _foreign_account(record: CloudTrailRecord, resources: Sequence[Resource]) -> str | None:
    """Why a record is not believed, when a resource's ARN or import ID names an account other than the one that
    recorded the event (recipientAccountId): every action on a resource runs in its record's account, so a forged
    or mixed-up event would otherwise aim a delete or an adoption at a resource it does not describe. A caller in
    another account is no reason: the resource lives where the event was recorded."""
    for resource in resources:
        for what, value in (("ARN", resource.arn), ("import ID", resource.import_id)):
            named = account_in(value or "")
            if named and named != record.account_id:
                return (f"account-mismatch: the event was recorded in account {record.account_id or 'unknown'}, "
                        f"but the {resource.tf_type}'s {what} {value} is in account {named}; tfsync acts on a "
                        "resource only in the account that recorded its creation")
    return None


def _resolve(entry: CatalogEntry, record: CloudTrailRecord) -> tuple[CatalogEntry, list[Found]]:
    """The entry that made the record's resources, and what it found. A record of another type the catalog covers
    goes to that type's entry (handed over); an import ID the record lacks is left for the entry's lookup."""
    try:
        found = entry.resolve(record)
    except OtherType as exc:
        other = CATALOG.get(exc.tf_type)
        if other is None or other.handed_over_by != entry.tf_type:
            raise
        entry, found = other, other.resolve(record)
    if entry.lookup is None and any(not f.import_id for f in found):
        raise ExtractError("the record has no import ID, and the catalog knows no call that finds it")
    return entry, found


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
        entry = BY_EVENT.get((record.event_source, record.event_name))
        if entry is None:
            return _uncatalogued(record)
        try:
            entry, found = _resolve(entry, record)
        except Exception as exc:
            return _unresolved(record, entry, exc)
        if not found:
            return _verdict(
                record, "unsupported", "unsupported", f"unsupported: {record.event_name} made no {entry.tf_type}"
            )
        resources = [self._resource(entry, record, f) for f in found]
        foreign = _foreign_account(record, resources)
        if foreign is not None:
            return _verdict(record, "error", "account-mismatch", foreign)
        return self.screen(record, resources)

    def screen(self, record: CloudTrailRecord, resources: Sequence[Resource]) -> Classification:
        """Detected with the resources neither in a Terraform state nor ignored by a rule; ignored when none is left.
        The consumer screens again once a lookup has found an import ID the record lacked (bot/resolution.py)."""
        kept: list[Resource] = []
        reasons: list[tuple[str, str]] = []
        now = self.clock()
        for resource in resources:
            reason = self._why_ignored(resource, now)
            if reason is None:
                kept.append(resource)
            else:
                reasons.append(reason)
        if kept:
            return _verdict(record, "detected", None, None, kept)
        code = reasons[0][0] if len({c for c, _ in reasons}) == 1 else "mixed"
        return _verdict(record, "ignored", code, "; ".join(r for _, r in reasons), resources)

    def _why_ignored(self, resource: Resource, now: datetime) -> tuple[str, str] | None:
        """(reason code, reason) when the resource is managed by Terraform or an ignore rule covers it."""
        managed = self.managed.find(resource.tf_type, resource.import_id, resource.arn, resource.account_id)
        if managed is not None:
            return "managed", f"managed: {managed.address} in {managed.state}"
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
            return "ignore-rule", f"ignore-rule: {rule.describe()}"
        return None

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
            resolve=entry.lookup.call if entry.lookup is not None and not found.import_id else "",
        )
