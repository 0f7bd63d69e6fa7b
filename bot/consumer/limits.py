"""DynamoDB's limits, met before anything is stored, and the dedupe markers' keys.

CloudTrail records come from outside and a forged or broken one can hold anything, up to the 1 MiB a record may
take; DynamoDB refuses a key over 2,048 bytes and an item over 400 KB. What a platform team expects of each case:

- an eventID over MAX_ID_BYTES is stored as `sha256:<hex of it>` (in the markers' keys, the record's event ids and
  the audit): still one stable id per event, so redeliveries are recognised, and a key DynamoDB takes;
- the text fields shown to people (name, ARN, console URL, actor, suggested name, event name and time) are cut to
  MAX_FIELD_BYTES with a mark, and tags are dropped, last first, until the detection fits DETECTION_ITEM_BYTES:
  the resource is still recorded and shown, the cut is logged with its reason, and the tags of a real resource
  (AWS allows 50 of at most 384 characters) are never touched;
- an import ID, account or region over MAX_IDENTITY_BYTES names no AWS resource (an ARN, the longest identifier,
  is at most 2,048 characters): the resource is not recorded, and the message carries it as a problem, logged
  once and left to the dead-letter queue like any malformed input.

Dedupe markers: an event's work is remembered under two keys, `event:<id>` and `event:<id>#<digest>`, the digest
being of what identifies the call (source, name, time, region, account, request). A redelivery, by any path,
finds the second and is skipped. A different event that reuses an eventID finds only the first: it is processed
all the same, and a warning names the id.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

from bot.events import CloudTrailRecord
from bot.state.repository import Detection

# DynamoDB's limits: a partition key, and an item (names and values, UTF-8).
MAX_KEY_BYTES = 2048
MAX_ITEM_BYTES = 400 * 1024
# What a detection may take of its item; the rest is room for what later writes add (the Slack thread, the adopt
# job and its error, the ignore, more sightings).
DETECTION_ITEM_BYTES = 300 * 1024
# An eventID longer than this is hashed: "event:" + id + "#" + digest stays far under MAX_KEY_BYTES.
MAX_ID_BYTES = 1024
MAX_FIELD_BYTES = 8 * 1024
MAX_IDENTITY_BYTES = 2048
DIGEST_CHARS = 12
_CUT_MARK = " … [cut]"
# Attribute names, numbers, dates and flags of a new record: a generous round figure.
_FIXED_ITEM_BYTES = 2048


def _size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def stored_event_id(event_id: str) -> str:
    """The eventID as tfsync stores it: itself, or its SHA-256 when it is too long for a key."""
    if _size(event_id) <= MAX_ID_BYTES:
        return event_id
    return "sha256:" + hashlib.sha256(event_id.encode("utf-8", "surrogatepass")).hexdigest()


def content_digest(record: CloudTrailRecord) -> str:
    """A short digest of what identifies the API call, the same whichever path (EventBridge, log file) it came by."""
    identity = [record.event_source, record.event_name, record.event_time, record.aws_region, record.account_id,
                record.request]
    text = json.dumps(identity, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:DIGEST_CHARS]


@dataclass(frozen=True, slots=True)
class Markers:
    """The two dedupe keys of one event: its id, and its id with its content's digest."""

    id_key: str
    content_key: str


def markers(record: CloudTrailRecord) -> Markers | None:
    """The event's dedupe keys; None for a record without an eventID (it is never deduplicated)."""
    if not record.event_id:
        return None
    id_key = f"event:{stored_event_id(record.event_id)}"
    return Markers(id_key, f"{id_key}#{content_digest(record)}")


def _cut(text: str, limit: int = MAX_FIELD_BYTES) -> str:
    if _size(text) <= limit:
        return text
    keep = limit - _size(_CUT_MARK)
    return text.encode("utf-8", "surrogatepass")[:keep].decode("utf-8", "ignore") + _CUT_MARK


@dataclass(slots=True)
class Fitted:
    """What to store (None when nothing can be), why it differs from what came in, and why not when it cannot."""

    detection: Detection | None
    notes: list[str] = field(default_factory=list)
    problem: str | None = None


def fit_record(record: CloudTrailRecord) -> tuple[CloudTrailRecord, list[str]]:
    """The record with its eventID as stored and its actor and time cut to size (for deletions), and why."""
    notes: list[str] = []
    raw = record.raw
    changes: dict[str, object] = {}
    if record.event_id and (stored := stored_event_id(record.event_id)) != record.event_id:
        changes["eventID"] = stored
        notes.append(f"eventID of {_size(record.event_id)} bytes is over {MAX_ID_BYTES}: stored as {stored}")
    if _size(record.event_time) > MAX_FIELD_BYTES:
        changes["eventTime"] = _cut(record.event_time)
        notes.append(f"eventTime of {_size(record.event_time)} bytes cut to {MAX_FIELD_BYTES}")
    identity = record.user_identity
    long_names = [k for k, v in identity.items() if isinstance(v, str) and _size(v) > MAX_FIELD_BYTES]
    if long_names:
        changes["userIdentity"] = {k: _cut(v) if k in long_names else v for k, v in identity.items()}
        notes.append(f"userIdentity {', '.join(sorted(long_names))} cut to {MAX_FIELD_BYTES} bytes")
    if not changes:
        return record, notes
    return CloudTrailRecord({**raw, **changes}, record.source), notes


def item_bytes(detection: Detection) -> int:
    """The size DynamoDB counts for the record a new detection creates (bot/state/repository.py _create_sync)."""
    r = detection.resource
    texts = (detection.resource_id, r.account_id, r.region, r.tf_type, r.import_id, r.name, r.arn, r.console_url,
             r.actor, r.actor, r.suggested_name, detection.event_id, detection.event_id, detection.event_name,
             detection.event_time)
    return _FIXED_ITEM_BYTES + sum(map(_size, texts)) + tags_bytes(r.tags)


def tags_bytes(tags: dict[str, str]) -> int:
    # A map: 3 bytes, and per entry its key, its value and a byte of its own.
    return 3 + sum(_size(key) + _size(value) + 1 for key, value in tags.items())


def fit_detection(detection: Detection) -> Fitted:
    """The detection cut to fit one DynamoDB item, or the problem that keeps it from being stored at all."""
    r = detection.resource
    for what, value in (("import ID", r.import_id), ("account", r.account_id), ("region", r.region)):
        if _size(value) > MAX_IDENTITY_BYTES:
            return Fitted(None, problem=(
                f"{r.tf_type}: the {what} is {_size(value)} bytes, longer than any AWS identifier "
                f"({MAX_IDENTITY_BYTES}): not recorded"
            ))
    notes: list[str] = []
    cut_fields: dict[str, Any] = {}
    for name in ("name", "arn", "console_url", "actor", "suggested_name"):
        value = getattr(r, name)
        if _size(value) > MAX_FIELD_BYTES:
            cut_fields[name] = _cut(value)
            notes.append(f"{name} of {_size(value)} bytes cut to {MAX_FIELD_BYTES}")
    event_name, event_time = detection.event_name, detection.event_time
    if _size(event_name) > MAX_FIELD_BYTES or _size(event_time) > MAX_FIELD_BYTES:
        event_name, event_time = _cut(event_name), _cut(event_time)
        notes.append(f"event name or time cut to {MAX_FIELD_BYTES} bytes")
    event_id = stored_event_id(detection.event_id) if detection.event_id else ""
    if event_id != detection.event_id:
        notes.append(f"eventID of {_size(detection.event_id)} bytes is over {MAX_ID_BYTES}: stored as {event_id}")
    fitted = replace(detection, resource=replace(r, **cut_fields), event_id=event_id, event_name=event_name,
                     event_time=event_time)
    over = item_bytes(fitted) - DETECTION_ITEM_BYTES
    if over > 0:
        room = tags_bytes(r.tags) - over
        kept: dict[str, str] = {}
        used = 3
        for key, value in r.tags.items():
            cost = _size(key) + _size(value) + 1
            if used + cost > room:
                break
            kept[key] = value
            used += cost
        notes.append(
            f"{len(r.tags)} tags of {tags_bytes(r.tags)} bytes would make the record larger than DynamoDB allows: "
            f"kept the first {len(kept)}"
        )
        fitted = replace(fitted, resource=replace(fitted.resource, tags=kept))
    return Fitted(fitted, notes)

