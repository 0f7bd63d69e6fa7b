"""Envelopes: every shape a CloudTrail record reaches tfsync in, unwrapped into typed records.

Pure: bytes in, records, S3 log-file pointers, service events and errors out. Nothing here does I/O; fetching a
log file that a notification points at is the caller's job (see `bot.logfiles`).
"""

from __future__ import annotations

import contextlib
import json
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

import msgspec

from bot.errors import InputError

CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail"
# EventBridge detail-types tfsync consumes that are not CloudTrail records; later stages route them by kind.
SERVICE_DETAIL_TYPES = {
    "CodeBuild Build State Change": "codebuild-state",
    "CodeBuild Build Phase Change": "codebuild-phase",
    # The scheduled reconciliation scan: infra/'s EventBridge schedule sends this constant event to the queue.
    "tfsync Reconciliation": "reconcile",
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
# One decoder for every body: msgspec's, which builds the same dicts, lists, strings and numbers as json.loads.
_DECODER = msgspec.json.Decoder()


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


# Records read before they are built -----------------------------------------------------------------------------
# Most records are read-only or failed calls, which the filters end on from a few fields. msgspec reads just those
# fields (and checks that the three objects are objects) without building the rest; the record's dicts are read
# from its text only when something asks for them, which for a read-only record is nothing.


class _Object(msgspec.Struct):
    """A JSON object whose content is not read here, only checked to be an object."""


class _Identity(msgspec.Struct):
    accountId: Any = None


class RecordFields(msgspec.Struct):
    """The fields of a CloudTrail record that CloudTrailRecord pulls out, typed as it requires them: a record that
    breaks a type here is refused by msgspec, and CloudTrailRecord reads it again to say what is wrong."""

    eventSource: str | None = None
    eventName: str | None = None
    eventID: str | None = None
    eventTime: str | None = None
    eventType: str | None = None
    awsRegion: str | None = None
    errorCode: str | None = None
    userAgent: str | None = None
    readOnly: Any = None
    recipientAccountId: Any = None
    userIdentity: _Identity | None = None
    requestParameters: _Object | None = None
    responseElements: _Object | None = None


class _CloudTrailEvent(msgspec.Struct, rename={"detail_type": "detail-type"}):
    """An EventBridge event, as far as the fast path needs it."""

    detail_type: Any = None
    detail: RecordFields | None = None


_FIELDS = msgspec.json.Decoder(RecordFields)
_EVENT = msgspec.json.Decoder(_CloudTrailEvent)
_SLOTS = {name: getattr(CloudTrailRecord, name) for name in CloudTrailRecord.__slots__}


class _ReadLater(CloudTrailRecord):
    """A CloudTrailRecord whose `raw`, `user_identity`, `request` and `response` are read from its text on first use.

    Built only when that text was read once already and every field passed the checks CloudTrailRecord makes, so
    reading it again gives the record CloudTrailRecord would have built, and cannot fail.
    """

    __slots__ = ("_detail", "_text")
    _detail: bool  # the text is an EventBridge event, the record its detail
    _text: Any

    def _load(self) -> None:
        text = self._text
        if text is None:
            return  # read already
        document = _read_again(text)
        raw = document["detail"] if self._detail else document
        for name, key in (("user_identity", "userIdentity"), ("request", "requestParameters"),
                          ("response", "responseElements")):
            value = raw.get(key)
            _SLOTS[name].__set__(self, value if type(value) is dict else {})
        _SLOTS["raw"].__set__(self, raw)
        # Let go of the text last: a thread that finds it gone finds the dicts set.
        self._text = None

    def _get(self, name: str) -> Any:
        slot = _SLOTS[name]
        try:
            return slot.__get__(self, CloudTrailRecord)
        except AttributeError:
            self._load()
            return slot.__get__(self, CloudTrailRecord)

    @property
    def raw(self) -> dict[str, Any]:
        return self._get("raw")

    @raw.setter
    def raw(self, value: dict[str, Any]) -> None:
        _SLOTS["raw"].__set__(self, value)

    @property
    def user_identity(self) -> dict[str, Any]:
        return self._get("user_identity")

    @user_identity.setter
    def user_identity(self, value: dict[str, Any]) -> None:
        _SLOTS["user_identity"].__set__(self, value)

    @property
    def request(self) -> dict[str, Any]:
        return self._get("request")

    @request.setter
    def request(self, value: dict[str, Any]) -> None:
        _SLOTS["request"].__set__(self, value)

    @property
    def response(self) -> dict[str, Any]:
        return self._get("response")

    @response.setter
    def response(self, value: dict[str, Any]) -> None:
        _SLOTS["response"].__set__(self, value)


def _read_again(text: Any) -> Any:
    """JSON that msgspec read once as far as the record's fields: the whole of it (as load_json reads it)."""
    try:
        return _DECODER.decode(text)
    except Exception:  # a value msgspec skipped but will not build (a number past a double): json.loads reads it
        return json.loads(text if isinstance(text, str) else bytes(text).decode("utf-8"))


def _read_later(fields: RecordFields, text: Any, detail: bool, source: str) -> CloudTrailRecord | None:
    """The record, its dicts left in `text` (the record, or an EventBridge event when `detail`), or None when it
    lacks its source or name: CloudTrailRecord then reads the record and says what is wrong."""
    if not fields.eventSource or not fields.eventName:
        return None  # missing, null or empty: CloudTrailRecord's to refuse
    record = _ReadLater.__new__(_ReadLater)
    record._text, record._detail = text, detail
    record.source, record.event_source, record.event_name = source, fields.eventSource, fields.eventName
    record.event_id, record.event_time = fields.eventID or "", fields.eventTime or ""
    record.event_type, record.aws_region = fields.eventType or "", fields.awsRegion or ""
    record.error_code, record.user_agent = fields.errorCode or "", fields.userAgent or ""
    read_only = fields.readOnly
    if isinstance(read_only, str):  # some producers stringify booleans
        read_only = read_only.lower() == "true"
    record.read_only = read_only if isinstance(read_only, bool) else None
    identity = fields.userIdentity
    account = fields.recipientAccountId or (identity.accountId if identity is not None else None)
    record.account_id = account if isinstance(account, str) else ""
    return record


def read_item(text: Any) -> Any:
    """One item of a `Records` array from its text: its RecordFields when it is an object whose fields have the
    types CloudTrailRecord takes, else the whole value. Raises what msgspec raises on what it cannot read."""
    try:
        return _FIELDS.decode(text)
    except msgspec.ValidationError:
        return _DECODER.decode(text)


def item_record(fields: RecordFields, text: Any, source: str) -> CloudTrailRecord:
    """The record of an item that read_item read as RecordFields; InputError as CloudTrailRecord raises it."""
    record = _read_later(fields, text, False, source)
    return record if record is not None else CloudTrailRecord(_read_again(text), source)


def read_whole(text: Any) -> Any:
    """The whole value of an item that read_item read as RecordFields."""
    return _read_again(text)


def materialize(record: CloudTrailRecord) -> CloudTrailRecord:
    """The record with everything read: one that is kept must not hold on to the text it came from."""
    if type(record) is _ReadLater:
        record.raw  # noqa: B018 - reading it reads the rest
    return record


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
    if isinstance(data, (bytes, bytearray)) and data[:2] == _GZIP_MAGIC:
        data = gunzip(data, source, max_bytes)
    # Whatever msgspec refuses, the standard library reads again: it decides, and explains what is wrong.
    with contextlib.suppress(Exception):
        return _DECODER.decode(data)
    return _load_json_stdlib(data, source)


def _load_json_stdlib(data: bytes | bytearray | str, source: str) -> Any:
    """The standard library's reading of a body msgspec refused: the value it takes, or the error that names why.

    msgspec reads JSON as strictly as json.loads and returns the same values, three to five times as fast. What it
    refuses is either malformed, and then this gives the error, or one of the few things json.loads also takes
    (NaN and Infinity, lone surrogate escapes, numbers past a double, a byte-order mark), and then this reads it.
    """
    if isinstance(data, (bytes, bytearray)):
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
    # The real-time path is almost all EventBridge CloudTrail events, most of them read-only: read the fields the
    # filters decide on, and leave the rest of the record in its text until something asks for it.
    if ((type(data) is bytes and data[:2] != _GZIP_MAGIC) or type(data) is str) and len(data) <= max_bytes:
        record = _eventbridge_record(data, source)
        if record is not None:
            envelope.records.append(record)
            return envelope
    try:
        document = load_json(data, source, max_bytes)
    except InputError as exc:
        envelope.errors.append(exc)
        return envelope
    # Read whole, EventBridge CloudTrail events still skip the general dispatch.
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


def _eventbridge_record(data: bytes | str, source: str) -> CloudTrailRecord | None:
    """The record of an EventBridge CloudTrail event, read as far as its filters need, or None for anything else
    (another shape, malformed JSON, a field CloudTrailRecord would refuse), which the general path then reads."""
    try:
        event = _EVENT.decode(data)
    except Exception:  # not this shape, or not JSON msgspec reads: the general path reads it and says why
        return None
    if event.detail_type != CLOUDTRAIL_DETAIL_TYPE or event.detail is None:
        return None
    return _read_later(event.detail, data, True, source)


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
