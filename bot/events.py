"""Envelopes: every shape a CloudTrail record reaches tfsync in, unwrapped into typed records.

Pure: bytes in, records, S3 log-file pointers, service events and errors out. Nothing here does I/O; fetching a
log file that a notification points at is the caller's job (see `bot.logfiles`).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from bot.errors import InputError

CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail"
# EventBridge detail-types tfsync consumes that are not CloudTrail records; later stages route them by kind.
SERVICE_DETAIL_TYPES = {
    "CodeBuild Build State Change": "codebuild-state",
    "CodeBuild Build Phase Change": "codebuild-phase",
}
# Other CloudTrail-derived detail-types carry no API call tfsync acts on; they are skipped with a note.
SKIPPED_DETAIL_TYPES = frozenset(
    {
        "AWS Console Sign In via CloudTrail",
        "AWS Service Event via CloudTrail",
        "AWS Insight via CloudTrail",
        "AWS Console Action via CloudTrail",
    }
)
_MAX_NESTING = 4
_GZIP_MAGIC = b"\x1f\x8b"
_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class LogFileRef:
    """A CloudTrail log file in S3 that a notification points at."""

    bucket: str
    key: str
    source: str

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


@dataclass(frozen=True, slots=True)
class ServiceEvent:
    """A non-CloudTrail EventBridge event tfsync consumes (CodeBuild state changes)."""

    kind: str
    detail: dict[str, Any]
    event: dict[str, Any]
    source: str


class CloudTrailRecord:
    """One CloudTrail record, with the fields every stage reads pulled out once and type-checked."""

    __slots__ = (
        "account_id",
        "aws_region",
        "error_code",
        "event_id",
        "event_name",
        "event_source",
        "event_time",
        "event_type",
        "raw",
        "read_only",
        "request",
        "response",
        "source",
        "user_agent",
        "user_identity",
    )

    def __init__(self, raw: dict[str, Any], source: str) -> None:
        # Every record of the stream passes here, most of them read-only noise: each field takes the inline
        # well-typed path, and only a field that fails it goes through the helper that explains the problem.
        self.raw = raw
        self.source = source
        get = raw.get
        v = get("eventSource")
        self.event_source = v if type(v) is str and v else _require_str(raw, "eventSource", source)
        v = get("eventName")
        self.event_name = v if type(v) is str and v else _require_str(raw, "eventName", source)
        v = get("eventID")
        self.event_id = v if type(v) is str else _optional_str(raw, "eventID", source)
        v = get("eventTime")
        self.event_time = v if type(v) is str else _optional_str(raw, "eventTime", source)
        v = get("eventType")
        self.event_type = v if type(v) is str else _optional_str(raw, "eventType", source)
        v = get("awsRegion")
        self.aws_region = v if type(v) is str else _optional_str(raw, "awsRegion", source)
        v = get("errorCode")
        self.error_code = v if type(v) is str else _optional_str(raw, "errorCode", source)
        v = get("userAgent")
        self.user_agent = v if type(v) is str else _optional_str(raw, "userAgent", source)
        v = get("userIdentity")
        self.user_identity = v if type(v) is dict else _optional_dict(raw, "userIdentity", source)
        v = get("requestParameters")
        self.request = v if type(v) is dict else _optional_dict(raw, "requestParameters", source)
        v = get("responseElements")
        self.response = v if type(v) is dict else _optional_dict(raw, "responseElements", source)
        read_only = get("readOnly")
        if isinstance(read_only, str):  # some producers stringify booleans
            read_only = read_only.lower() == "true"
        self.read_only = read_only if isinstance(read_only, bool) else None
        account = raw.get("recipientAccountId") or self.user_identity.get("accountId")
        self.account_id = account if isinstance(account, str) else ""

    def __repr__(self) -> str:
        return f"CloudTrailRecord({self.event_source} {self.event_name} {self.event_id} from {self.source})"


@dataclass(slots=True)
class Envelope:
    """What one input held."""

    source: str
    records: list[CloudTrailRecord] = field(default_factory=list)
    log_files: list[LogFileRef] = field(default_factory=list)
    service_events: list[ServiceEvent] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def extend(self, other: Envelope) -> None:
        self.records.extend(other.records)
        self.log_files.extend(other.log_files)
        self.service_events.extend(other.service_events)
        self.errors.extend(other.errors)
        self.notes.extend(other.notes)


def _type_name(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def _require_str(raw: dict[str, Any], key: str, source: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        what = "is missing" if value is None else f"must be a non-empty string, got {_type_name(value)}"
        raise InputError(source, f"CloudTrail record field {key!r} {what}")
    return value


def _optional_str(raw: dict[str, Any], key: str, source: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(source, f"CloudTrail record field {key!r} must be a string, got {_type_name(value)}")
    return value


def _optional_dict(raw: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(source, f"CloudTrail record field {key!r} must be an object, got {_type_name(value)}")
    return value


def gunzip(data: bytes, source: str, max_bytes: int) -> bytes:
    """Decompress gzip data, refusing truncated streams and anything that inflates past max_bytes."""
    inflater = zlib.decompressobj(wbits=47)  # 32 + 15: gzip or zlib header, auto-detected
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise InputError(source, f"corrupt gzip data ({exc})") from None
    if len(out) > max_bytes:
        raise InputError(source, f"gzip data inflates past the {max_bytes}-byte limit")
    if not inflater.eof:
        raise InputError(source, "truncated gzip data: the stream ends before its end marker")
    return out


def load_json(data: bytes | str, source: str, max_bytes: int) -> Any:
    """Parse JSON (gunzipping first when the bytes are gzip), with size limits and errors naming the input."""
    size = len(data)
    if size > max_bytes:
        raise InputError(source, f"body is {size} bytes, over the {max_bytes}-byte limit")
    if isinstance(data, (bytes, bytearray)):
        if data[:2] == _GZIP_MAGIC:
            data = gunzip(data, source, max_bytes)
        if data[:3] == _UTF8_BOM:
            data = data[3:]
        try:
            # Decoded here, strictly: json.loads(bytes) would also take UTF-16/32 and encoded lone surrogates.
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(source, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    else:
        text = data
    # Only a body that starts with whitespace can be all whitespace; strip() would copy every large body.
    if not text or (text[0] in " \t\r\n" and not text.strip(" \t\r\n")):
        raise InputError(source, "body is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise InputError(source, "JSON is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer literal past Python's digit limit
        raise InputError(source, f"not JSON tfsync can read: {exc}") from None


def parse_body(data: bytes | str, source: str, max_bytes: int) -> Envelope:
    """Read one input (a queue message body or a file) in any shape tfsync accepts. Never raises."""
    envelope = Envelope(source)
    try:
        document = load_json(data, source, max_bytes)
    except InputError as exc:
        envelope.errors.append(exc)
        return envelope
    # The real-time path is almost all EventBridge CloudTrail events: read those without the general dispatch.
    if type(document) is dict and document.get("detail-type") == CLOUDTRAIL_DETAIL_TYPE:
        detail = document.get("detail")
        if type(detail) is dict:
            try:
                envelope.records.append(CloudTrailRecord(detail, source))
            except InputError as exc:
                envelope.errors.append(exc)
            return envelope
    _walk(document, source, envelope, depth=0, max_bytes=max_bytes)
    return envelope


def parse_document(document: Any, source: str, max_bytes: int) -> Envelope:
    """Like parse_body, for JSON that is already decoded."""
    envelope = Envelope(source)
    _walk(document, source, envelope, depth=0, max_bytes=max_bytes)
    return envelope


def _walk(doc: Any, source: str, out: Envelope, depth: int, max_bytes: int) -> None:
    try:
        _dispatch(doc, source, out, depth, max_bytes)
    except InputError as exc:
        out.errors.append(exc)
    except RecursionError:
        out.errors.append(InputError(source, "input is nested too deeply"))


def _dispatch(doc: Any, source: str, out: Envelope, depth: int, max_bytes: int) -> None:
    if depth > _MAX_NESTING:
        raise InputError(source, f"envelopes nested more than {_MAX_NESTING} deep")
    if not isinstance(doc, dict):
        raise InputError(source, f"expected a JSON object, got {_type_name(doc)}")

    if "detail-type" in doc:
        _eventbridge(doc, source, out)
    elif doc.get("Type") == "Notification" and "Message" in doc:
        _sns(doc, source, out, depth, max_bytes)
    elif "Records" in doc:
        _records(doc["Records"], source, out)
    elif "s3Bucket" in doc or "s3ObjectKey" in doc:
        _cloudtrail_notification(doc, source, out)
    elif "eventSource" in doc or "eventName" in doc or "eventVersion" in doc:
        out.records.append(CloudTrailRecord(doc, source))
    elif doc.get("Event") == "s3:TestEvent":
        out.notes.append(f"{source}: S3 test event, nothing to read")
    elif doc.get("Type") == "SubscriptionConfirmation":
        out.notes.append(f"{source}: SNS subscription confirmation, nothing to read")
    else:
        keys = ", ".join(sorted(str(k) for k in doc)[:8]) or "none"
        raise InputError(
            source,
            "not a shape tfsync reads (EventBridge event, SNS notification, CloudTrail record or log file, "
            f"CloudTrail or S3 notification); top-level keys: {keys}",
        )


def _eventbridge(doc: dict[str, Any], source: str, out: Envelope) -> None:
    detail_type = doc.get("detail-type")
    if not isinstance(detail_type, str):
        raise InputError(source, f"EventBridge 'detail-type' must be a string, got {_type_name(detail_type)}")
    detail = doc.get("detail")
    if detail_type == CLOUDTRAIL_DETAIL_TYPE:
        if not isinstance(detail, dict):
            raise InputError(source, f"EventBridge 'detail' must be an object, got {_type_name(detail)}")
        out.records.append(CloudTrailRecord(detail, source))
    elif detail_type in SERVICE_DETAIL_TYPES:
        if not isinstance(detail, dict):
            raise InputError(source, f"EventBridge 'detail' must be an object, got {_type_name(detail)}")
        out.service_events.append(ServiceEvent(SERVICE_DETAIL_TYPES[detail_type], detail, doc, source))
    elif detail_type in SKIPPED_DETAIL_TYPES:
        out.notes.append(f"{source}: EventBridge {detail_type!r} carries no API call to act on")
    else:
        raise InputError(source, f"EventBridge detail-type {detail_type!r} is not one tfsync reads")


def _sns(doc: dict[str, Any], source: str, out: Envelope, depth: int, max_bytes: int) -> None:
    message = doc["Message"]
    message_id = doc.get("MessageId")
    inner_source = f"{source} (SNS {message_id})" if isinstance(message_id, str) else f"{source} (SNS)"
    if isinstance(message, str):
        try:
            inner = load_json(message, inner_source, max_bytes)
        except InputError as exc:
            raise InputError(inner_source, f"SNS Message: {exc.problem}") from None
    elif isinstance(message, dict):
        inner = message
    else:
        raise InputError(source, f"SNS 'Message' must be a JSON string, got {_type_name(message)}")
    _walk(inner, inner_source, out, depth + 1, max_bytes)


def _records(records: Any, source: str, out: Envelope) -> None:
    if not isinstance(records, list):
        raise InputError(source, f"'Records' must be an array, got {_type_name(records)}")
    if not records:
        out.notes.append(f"{source}: 'Records' is empty, nothing to read")
    for index, item in enumerate(records):
        read_records_item(item, f"{source}#Records[{index}]", out)


def read_records_item(item: Any, source: str, out: Envelope) -> None:
    """One item of a `Records` array: a CloudTrail record, or an S3 event notification naming a log file.

    Also for readers that take the array apart themselves, one item at a time (`bot.logfiles`).
    """
    if isinstance(item, dict) and item.get("eventSource") == "aws:s3" and "s3" in item:
        try:
            _s3_notification(item, source, out)
        except InputError as exc:
            out.errors.append(exc)
        return
    if not isinstance(item, dict):
        out.errors.append(InputError(source, f"expected a CloudTrail record object, got {_type_name(item)}"))
        return
    try:
        out.records.append(CloudTrailRecord(item, source))
    except InputError as exc:
        out.errors.append(exc)


def _cloudtrail_notification(doc: dict[str, Any], source: str, out: Envelope) -> None:
    bucket = doc.get("s3Bucket")
    keys = doc.get("s3ObjectKey")
    if not isinstance(bucket, str) or not bucket:
        raise InputError(source, "CloudTrail notification 's3Bucket' must be a non-empty string")
    if isinstance(keys, str):
        keys = [keys]
    if not isinstance(keys, list) or not keys:
        raise InputError(source, "CloudTrail notification 's3ObjectKey' must be a non-empty array of keys")
    for index, key in enumerate(keys):
        if not isinstance(key, str) or not key:
            out.errors.append(InputError(f"{source}#s3ObjectKey[{index}]", "key must be a non-empty string"))
            continue
        _log_file(bucket, key, source, out)


def _s3_notification(item: dict[str, Any], source: str, out: Envelope) -> None:
    s3 = item.get("s3")
    bucket = s3.get("bucket", {}).get("name") if isinstance(s3, dict) and isinstance(s3.get("bucket"), dict) else None
    obj = s3.get("object") if isinstance(s3, dict) else None
    key = obj.get("key") if isinstance(obj, dict) else None
    if not isinstance(bucket, str) or not bucket or not isinstance(key, str) or not key:
        raise InputError(source, "S3 notification lacks s3.bucket.name or s3.object.key")
    event_name = item.get("eventName")
    if isinstance(event_name, str) and not event_name.startswith("ObjectCreated"):
        out.notes.append(f"{source}: S3 {event_name} is not a new log file")
        return
    _log_file(bucket, unquote_plus(key), source, out)


def _log_file(bucket: str, key: str, source: str, out: Envelope) -> None:
    if "/CloudTrail-Digest/" in key or key.startswith("CloudTrail-Digest/"):
        out.notes.append(f"{source}: s3://{bucket}/{key} is a CloudTrail digest file, skipped (it holds no records)")
        return
    if not key.endswith((".json.gz", ".json")):
        out.notes.append(f"{source}: s3://{bucket}/{key} is not a CloudTrail log file, skipped")
        return
    out.log_files.append(LogFileRef(bucket, key, source))
