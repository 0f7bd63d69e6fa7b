"""Property tests: no input, however odd, raises out of the envelope parser or the classifier."""

from __future__ import annotations

import gzip
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.classify import Classifier
from bot.events import Envelope, parse_body, parse_document
from tests.conftest import CORPUS, corpus_record, corpus_records
from tests.shapes import cloudtrail_delivery, eventbridge, s3_event, sns

MAX = 1 << 20
VERDICTS = {"detected", "ignored", "unsupported", "error"}
PROPERTY = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Keys and values that steer arbitrary documents into every branch of the dispatcher, not just "unknown shape".
SHAPE_KEYS = (
    "Records", "detail-type", "detail", "Type", "Message", "MessageId", "s3Bucket", "s3ObjectKey", "eventSource",
    "eventName", "eventVersion", "eventID", "readOnly", "errorCode", "userIdentity", "requestParameters",
    "responseElements", "awsRegion", "s3", "bucket", "object", "key", "name", "Event", "arn", "invokedBy",
)  # fmt: skip
SHAPE_VALUES = (
    "AWS API Call via CloudTrail", "CodeBuild Build State Change", "AWS Console Sign In via CloudTrail",
    "Notification", "SubscriptionConfirmation", "aws:s3", "ObjectCreated:Put", "s3:TestEvent", "s3.amazonaws.com",
    "CreateBucket", "RunInstances", "DescribeInstances", "AwsApiCall", "a.json.gz", "x/CloudTrail-Digest/y.json.gz",
    "true", "cloudformation.amazonaws.com", "AWSService",
)  # fmt: skip

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(SHAPE_VALUES)
)
keys = st.sampled_from(SHAPE_KEYS) | st.text(max_size=10)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=6),
    max_leaves=30,
)


def check(envelope: Envelope) -> None:
    """The envelope classifies without raising, and every result is well-formed and printable."""
    for result in Classifier().classify_envelope(envelope):
        assert result.verdict in VERDICTS
        assert (result.reason is None) == (result.verdict == "detected"), result
        if result.reason_code == "internal-error":
            # The one finished catalog entry must read any record without failing; others are still being written.
            assert "aws_s3_bucket" not in (result.reason or ""), result.reason
        json.dumps(result.as_dict())


@PROPERTY
@given(json_values)
def test_arbitrary_json_never_raises(value: Any):
    body = json.dumps(value).encode()
    check(parse_body(body, "prop", MAX))
    check(parse_document(value, "prop", MAX))
    # The same document reached through an SNS notification.
    check(parse_body(json.dumps(sns(json.dumps(value))).encode(), "prop", MAX))


@PROPERTY
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(data: bytes):
    check(parse_body(data, "prop", MAX))
    check(parse_body(b"\x1f\x8b" + data, "prop", MAX))  # claims to be gzip


@PROPERTY
@given(st.binary(max_size=200), st.integers(min_value=0, max_value=300))
def test_gzip_of_arbitrary_bytes_and_cut_streams_never_raise(data: bytes, cut: int):
    packed = gzip.compress(data)
    check(parse_body(packed, "prop", MAX))
    check(parse_body(packed[:cut], "prop", MAX))
    check(parse_body(packed, "prop", 16))  # tiny limit: inflation past the limit is an error, not a crash


CORPUS_FILES = sorted(row["file"] for row in corpus_records())
WRAPPERS = ("bare", "eventbridge", "sns-eventbridge", "log-file", "log-file-gz")


def _slots(doc: Any) -> list[tuple[Any, Any]]:
    """Every (container, key-or-index) pair inside a document, depth first."""
    found: list[tuple[Any, Any]] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in items:
            found.append((node, key))
            stack.append(child)
    return found


def _mutate(data: st.DataObject, doc: Any, max_ops: int) -> None:
    for _ in range(data.draw(st.integers(min_value=0, max_value=max_ops), label="ops")):
        slots = _slots(doc)
        if not slots:
            return
        container, key = data.draw(st.sampled_from(slots), label="slot")
        if data.draw(st.booleans(), label="delete"):
            if isinstance(container, dict):
                del container[key]
            else:
                container.pop(key)
        else:
            container[key] = data.draw(json_values, label="value")


@PROPERTY
@given(st.data())
def test_mutated_real_records_never_raise(data: st.DataObject):
    name = data.draw(st.sampled_from(CORPUS_FILES), label="file")
    record = corpus_record(name)
    _mutate(data, record, max_ops=4)
    wrapper = data.draw(st.sampled_from(WRAPPERS), label="wrapper")
    doc: Any
    if wrapper == "bare":
        doc = record
    elif wrapper == "eventbridge":
        doc = eventbridge(record)
    elif wrapper == "sns-eventbridge":
        doc = sns(json.dumps(eventbridge(record)))
    else:
        doc = {"Records": [corpus_record(CORPUS_FILES[0]), record]}
    _mutate(data, doc, max_ops=2)  # the envelope's own fields too
    body = json.dumps(doc).encode()
    if wrapper == "log-file-gz":
        body = gzip.compress(body)
    if data.draw(st.booleans(), label="truncate"):
        body = body[: data.draw(st.integers(min_value=0, max_value=len(body)), label="cut")]
    check(parse_body(body, name, MAX))


@PROPERTY
@given(st.data())
def test_mutated_notifications_never_raise(data: st.DataObject):
    key = "AWSLogs/123456789012/CloudTrail/us-east-1/2024/05/01/123456789012_CloudTrail_us-east-1_x.json.gz"
    doc = data.draw(st.sampled_from([cloudtrail_delivery([key]), s3_event(key), sns(cloudtrail_delivery([key]))]))
    doc = json.loads(json.dumps(doc))
    _mutate(data, doc, max_ops=3)
    envelope = parse_body(json.dumps(doc).encode(), "prop", MAX)
    for ref in envelope.log_files:
        assert ref.bucket and ref.key and ref.uri.startswith("s3://")
    check(envelope)


def test_corpus_files_are_all_readable_unmutated():
    # The mutation tests start from these; each must parse cleanly or a mutation failure would mean nothing.
    for name in CORPUS_FILES:
        envelope = parse_body((CORPUS / name).read_bytes(), name, MAX)
        assert len(envelope.records) == 1 and not envelope.errors, name


# The reader is msgspec, with json.loads reading again what msgspec refuses: together they must read exactly what
# json.loads reads, to the same values, and refuse exactly what it refuses.
numbers = st.integers(min_value=-(2**80), max_value=2**80) | st.floats(allow_nan=True, allow_infinity=True)
texts = st.text(max_size=12) | st.sampled_from(["\ud800", "\udc00x", "\x00", "\u00e9", "\U0001f600"])
odd_values = st.recursive(
    st.none() | st.booleans() | numbers | texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=20,
)
NEAR_JSON = '{}[]",:0123456789.eE+-truefalsnNaIiy \\\n\t/u'


def _standard(data: bytes) -> str:
    """repr of what json.loads makes of strict UTF-8 data (a byte-order mark dropped), or "error"."""
    try:
        return repr(json.loads(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")))
    except (ValueError, RecursionError):
        return "error"


def _ours(data: bytes) -> str:
    from bot.errors import InputError
    from bot.events import load_json

    try:
        return repr(load_json(data, "prop", MAX))
    except InputError:
        return "error"


@PROPERTY
@given(odd_values, st.sampled_from([None, 1]), st.booleans())
def test_json_reads_to_the_values_json_loads_gives(value: Any, indent: int | None, ascii_only: bool):
    data = json.dumps(value, indent=indent, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    assert _ours(data) == _standard(data)


@PROPERTY
@given(st.binary(max_size=60) | st.text(alphabet=NEAR_JSON, max_size=40).map(str.encode))
def test_near_json_is_read_or_refused_as_json_loads_does(data: bytes):
    if data[:2] != b"\x1f\x8b":  # gzip is inflated first, a step json.loads does not take
        assert _ours(data) == _standard(data)
