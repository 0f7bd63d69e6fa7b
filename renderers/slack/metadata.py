"""The typed, versioned `private_metadata` of tfsync's modals: which resource a modal acts on, and from where.

Compact JSON with one-letter keys and a version number, e.g. `{"v":1,"r":"r-k3v9q2mzt7ab","c":"C0123","t":"1.2"}`.
`<`, `>` and `&` are written as `\\u003c` escapes, so the string holds no markup whatever a future field carries.

A Delete form that asks for a typed confirmation also carries the phrase (`p`): the submission is then checked
against the form itself, with no state read, so the answer (errors under the input) can go back in the ack.
Slack stores private_metadata with the view and only the app can write it, so the phrase cannot be forged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from renderers.slack.limits import PRIVATE_METADATA
from renderers.slack.text import is_channel_id
from renderers.slack.viewdata import check_short_id

VERSION = 1
_THREAD_TS = re.compile(r"\d{1,12}\.\d{1,9}\Z")
_KEYS = {"v", "r", "c", "t", "n", "p"}
# The longest confirmation phrase carried: names longer than a person can type are confirmed by the short id.
PHRASE_MAX = 200


def is_thread_ts(value: str | None) -> bool:
    """A Slack message ts, like `1700000000.000100`."""
    return bool(value) and bool(_THREAD_TS.match(value or ""))


class MetadataError(ValueError):
    """private_metadata that tfsync did not write, or wrote in a version this code does not read."""


@dataclass(frozen=True, slots=True)
class ModalMetadata:
    resource_id: str  # the short id
    channel_id: str | None = None  # the resource's thread, to reply in
    thread_ts: str | None = None
    record_version: int | None = None  # the record version the modal was opened on
    confirm_phrase: str | None = None  # what a Delete form asks the person to type, when it asks

    def __post_init__(self) -> None:
        check_short_id(self.resource_id)
        if self.channel_id is not None and not is_channel_id(self.channel_id):
            raise ValueError(f"channel id {self.channel_id[:40]!r} is not a Slack channel id")
        if self.thread_ts is not None and not is_thread_ts(self.thread_ts):
            raise ValueError(f"thread ts {self.thread_ts[:40]!r} is not a Slack message ts")
        if self.record_version is not None and (
            isinstance(self.record_version, bool) or not isinstance(self.record_version, int)
            or not 0 <= self.record_version < 2**53
        ):
            raise ValueError(f"record version {self.record_version!r} is not a non-negative integer")
        if self.confirm_phrase is not None and not (
            isinstance(self.confirm_phrase, str) and 0 < len(self.confirm_phrase) <= PHRASE_MAX
        ):
            raise ValueError(f"confirmation phrase is not 1-{PHRASE_MAX} characters")


def encode(metadata: ModalMetadata) -> str:
    document: dict[str, Any] = {"v": VERSION, "r": metadata.resource_id}
    if metadata.channel_id is not None:
        document["c"] = metadata.channel_id
    if metadata.thread_ts is not None:
        document["t"] = metadata.thread_ts
    if metadata.record_version is not None:
        document["n"] = metadata.record_version
    if metadata.confirm_phrase is not None:
        document["p"] = metadata.confirm_phrase
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    if len(text) > PRIVATE_METADATA:  # the field checks above keep it far below; this is the contract
        raise ValueError("private_metadata would exceed Slack's limit")
    return text


def parse(text: str | None) -> ModalMetadata:
    """The metadata a tfsync modal carries; MetadataError for anything else."""
    document = _document(text)
    resource_id, channel_id, thread_ts, record_version, phrase = (document.get(k) for k in ("r", "c", "t", "n", "p"))
    if not isinstance(resource_id, str):
        raise MetadataError("private_metadata names no resource")
    for name, value in (("channel", channel_id), ("thread", thread_ts), ("phrase", phrase)):
        if value is not None and not isinstance(value, str):
            raise MetadataError(f"private_metadata {name} is not a string")
    try:
        return ModalMetadata(resource_id, channel_id, thread_ts, record_version, phrase)
    except ValueError as exc:
        raise MetadataError(f"private_metadata: {exc}") from None


def _document(text: str | None) -> dict[str, Any]:
    """The JSON object of metadata this version wrote, its fields not yet checked; MetadataError otherwise."""
    if not text:
        raise MetadataError("the view carries no private_metadata")
    if len(text) > PRIVATE_METADATA:
        raise MetadataError("private_metadata is longer than Slack allows")
    try:
        document = json.loads(text)
    except ValueError:
        raise MetadataError("private_metadata is not JSON") from None
    if not isinstance(document, dict):
        raise MetadataError("private_metadata is not a JSON object")
    version = document.get("v")
    if version != VERSION or isinstance(version, bool):
        raise MetadataError(f"private_metadata version {version!r} is not {VERSION}")
    unknown = set(document) - _KEYS
    if unknown:
        raise MetadataError(f"private_metadata has unknown keys {sorted(unknown)}")
    return document
