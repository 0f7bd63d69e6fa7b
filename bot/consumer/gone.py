"""Deletion of a known resource outside tfsync: which records a delete call may have removed.

The catalog entries name their delete events, but resolve() reads only creations. Instead of a parser per delete
event, every string in the delete call's request and response (and the last part of every ARN among them) is a
candidate import ID; the candidates' record ids are looked up in one batch, and each record found becomes `gone`.
A delete call names the resources it deletes by the same identifiers their import IDs are made of (bucket name,
instance id, ARN), which this covers without per-type code; composite import IDs made of two request fields would
need a helper of their own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import chain
from typing import Any

from bot.catalog import CatalogEntry, entries
from bot.events import CloudTrailRecord
from bot.filters import record_filter
from bot.state.records import resource_id

# Filter verdicts meaning a delete call is not someone deleting the resource outside tfsync: it failed, or it is
# tfsync's own delete executor (which records `deleted` itself).
_NOT_AN_OUTSIDE_DELETE = frozenset({"failed-call", "not-an-api-call", "tfsync-role", "read-only"})
_MAX_CANDIDATES = 64
_MAX_DEPTH = 5
_MAX_CANDIDATE_LENGTH = 2048


def _delete_events() -> Mapping[tuple[str, str], tuple[CatalogEntry, ...]]:
    table: dict[tuple[str, str], list[CatalogEntry]] = {}
    for entry in entries():
        for event_name in entry.delete_events:
            table.setdefault((entry.event_source, event_name), []).append(entry)
    return {key: tuple(value) for key, value in table.items()}


DELETE_EVENTS = _delete_events()


def is_delete_call(record: CloudTrailRecord) -> bool:
    """Whether the record is a call the catalog names as deleting a resource of some type."""
    return (record.event_source, record.event_name) in DELETE_EVENTS


def _strings(value: Any, depth: int) -> Iterator[str]:
    """Every string in a request or response, depth first, and for an ARN also its last parts."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        yield value
        if value.startswith("arn:"):
            resource = value.split(":", 5)[-1]
            yield resource.rsplit("/", 1)[-1]
            yield resource.rsplit(":", 1)[-1]
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, depth + 1)


def delete_candidates(record: CloudTrailRecord) -> list[str]:
    """Every identifier a delete call names: strings of its request and response, and the tails of ARNs."""
    found: dict[str, None] = {}
    for candidate in chain(_strings(record.request, 0), _strings(record.response, 0)):
        if candidate and len(candidate) <= _MAX_CANDIDATE_LENGTH:
            found.setdefault(candidate)
        if len(found) >= _MAX_CANDIDATES:
            break
    return list(found)


def gone_record_ids(record: CloudTrailRecord, own_roles: Sequence[str]) -> set[str] | None:
    """The ids of the records a delete call may have removed; None when it is not someone deleting outside tfsync."""
    verdict = record_filter(record, own_roles)
    if verdict is not None and verdict.code in _NOT_AN_OUTSIDE_DELETE:
        return None
    candidates = delete_candidates(record)
    return {
        resource_id(record.account_id, record.aws_region, entry.tf_type, candidate)
        for entry in DELETE_EVENTS[(record.event_source, record.event_name)]
        for candidate in candidates
    }
