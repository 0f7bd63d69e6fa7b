"""Every input shape tfsync reads, built from real corpus records, and every malformed input's exact error."""

from __future__ import annotations

import copy
import gzip
import json
from typing import Any

import pytest

from bot.classify import Classifier
from bot.config import DEFAULT_MAX_LOG_FILE_BYTES, DEFAULT_MAX_MESSAGE_BYTES
from bot.errors import InputError
from bot.events import CloudTrailRecord, Envelope, LogFileRef, ServiceEvent, parse_body, parse_document
from tests.conftest import corpus_record
from tests.shapes import (
    LOG_BUCKET,
    cloudtrail_delivery,
    codebuild_state_change,
    digest_key,
    dumps,
    eventbridge,
    log_file,
    log_key,
    s3_event,
    sns,
)

MSG = DEFAULT_MAX_MESSAGE_BYTES
BUCKET_FILE = "s3__CreateBucket__2.json"  # custodian-create-bucket-v4, by a root user at the console
READ_FILE = "ec2__DescribeInstances__1.json"
FAILED_FILE = "iam__CreateUser__5.json"


def only_error(envelope: Envelope) -> str:
    assert not envelope.records and not envelope.log_files and not envelope.service_events, envelope
    [error] = envelope.errors
    return str(error)


def assert_bucket_record(record: CloudTrailRecord, source: str) -> None:
    assert record.source == source
    assert record.event_name == "CreateBucket"
    assert record.event_source == "s3.amazonaws.com"
    assert record.event_id == "c4fa3db1-2303-40e4-bde0-3b7246bdbf0b"
    assert record.aws_region == "us-west-2"
    assert record.account_id == "619193117841"
    assert record.raw == corpus_record(BUCKET_FILE)


# --- shapes that carry records ------------------------------------------------------------------------------------


def test_eventbridge_event():
    envelope = parse_body(dumps(eventbridge(corpus_record(BUCKET_FILE))), "msg-1", MSG)
    assert not envelope.errors and not envelope.notes
    [record] = envelope.records
    assert_bucket_record(record, "msg-1")
    [result] = Classifier().classify_envelope(envelope)
    assert result.verdict == "detected"
    assert [(r.tf_type, r.import_id, r.region) for r in result.resources] == [
        ("aws_s3_bucket", "custodian-create-bucket-v4", "us-west-2")
    ]


def test_eventbridge_event_in_sns_notification():
    body = dumps(sns(json.dumps(eventbridge(corpus_record(BUCKET_FILE))), message_id="m-42"))
    envelope = parse_body(body, "msg-2", MSG)
    assert not envelope.errors
    [record] = envelope.records
    assert_bucket_record(record, "msg-2 (SNS m-42)")
    [result] = Classifier().classify_envelope(envelope)
    assert (result.verdict, result.source) == ("detected", "msg-2 (SNS m-42)")


def test_sns_message_already_decoded_is_read_too():
    # Some relays (and raw SNS-to-Lambda tests) put the message in as an object rather than a string.
    doc = sns("{}")
    doc["Message"] = eventbridge(corpus_record(BUCKET_FILE))
    [record] = parse_document(doc, "msg", MSG).records
    assert record.event_name == "CreateBucket"


def test_bare_record():
    envelope = parse_body(dumps(corpus_record(BUCKET_FILE)), "bare.json", MSG)
    assert not envelope.errors
    [record] = envelope.records
    assert_bucket_record(record, "bare.json")


def test_bare_record_pretty_printed_from_the_corpus_file_bytes():
    from tests.conftest import CORPUS

    envelope = parse_body((CORPUS / BUCKET_FILE).read_bytes(), BUCKET_FILE, MSG)
    [record] = envelope.records
    assert_bucket_record(record, BUCKET_FILE)


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_log_file(compress):
    records = [corpus_record(BUCKET_FILE), corpus_record(READ_FILE), corpus_record(FAILED_FILE)]
    envelope = parse_body(log_file(records, compress=compress), "trail.json.gz", DEFAULT_MAX_LOG_FILE_BYTES)
    assert not envelope.errors
    assert [r.source for r in envelope.records] == [f"trail.json.gz#Records[{i}]" for i in range(3)]
    assert [r.event_name for r in envelope.records] == ["CreateBucket", "DescribeInstances", "CreateUser"]
    results = Classifier().classify_envelope(envelope)
    assert [(r.verdict, r.reason_code) for r in results] == [
        ("detected", None),
        ("ignored", "read-only"),
        ("ignored", "failed-call"),
    ]


def test_log_file_with_utf8_bom_is_read():
    data = b"\xef\xbb\xbf" + log_file([corpus_record(BUCKET_FILE)], compress=False)
    [record] = parse_body(data, "bom.json", MSG).records
    assert record.event_name == "CreateBucket"


def test_empty_log_file_says_so():
    envelope = parse_body(log_file([]), "empty.json.gz", MSG)
    assert not envelope.records and not envelope.errors
    assert envelope.notes == ["empty.json.gz: 'Records' is empty, nothing to read"]


def test_cloudtrail_delivery_notification_in_sns():
    keys = [log_key(), log_key(region="eu-west-1", stamp="20240501T1210Z")]
    envelope = parse_body(dumps(sns(cloudtrail_delivery(keys), message_id="n-1")), "msg-3", MSG)
    assert not envelope.errors and not envelope.records
    assert envelope.log_files == [LogFileRef(LOG_BUCKET, key, "msg-3 (SNS n-1)") for key in keys]
    assert envelope.log_files[0].uri == f"s3://{LOG_BUCKET}/{keys[0]}"


def test_cloudtrail_delivery_notification_bare():
    envelope = parse_body(dumps(cloudtrail_delivery([log_key()])), "msg", MSG)
    assert envelope.log_files == [LogFileRef(LOG_BUCKET, log_key(), "msg")]


def test_s3_event_notification_decodes_the_key():
    key = "team logs/AWSLogs/123456789012/CloudTrail/us-east-1/2024/05/01/f=1+2.json.gz"
    doc = s3_event(key)
    assert doc["Records"][0]["s3"]["object"]["key"] == (
        "team+logs/AWSLogs/123456789012/CloudTrail/us-east-1/2024/05/01/f%3D1%2B2.json.gz"
    )
    envelope = parse_body(dumps(doc), "msg-4", MSG)
    assert not envelope.errors and not envelope.records
    assert envelope.log_files == [LogFileRef(LOG_BUCKET, key, "msg-4#Records[0]")]


def test_s3_event_notification_through_sns():
    envelope = parse_body(dumps(sns(s3_event(log_key()), message_id="s-9")), "msg", MSG)
    assert envelope.log_files == [LogFileRef(LOG_BUCKET, log_key(), "msg (SNS s-9)#Records[0]")]


def test_s3_event_for_a_deleted_object_is_noted_not_fetched():
    envelope = parse_body(dumps(s3_event(log_key(), event_name="ObjectRemoved:Delete")), "msg", MSG)
    assert not envelope.log_files and not envelope.errors
    assert envelope.notes == ["msg#Records[0]: S3 ObjectRemoved:Delete is not a new log file"]


def test_digest_files_are_skipped_with_a_note():
    digest = digest_key()
    envelope = parse_body(dumps(cloudtrail_delivery([digest, log_key()])), "msg", MSG)
    assert envelope.log_files == [LogFileRef(LOG_BUCKET, log_key(), "msg")]
    skipped = f"s3://{LOG_BUCKET}/{digest} is a CloudTrail digest file, skipped (it holds no records)"
    assert envelope.notes == [f"msg: {skipped}"]
    envelope = parse_body(dumps(s3_event(digest)), "msg", MSG)
    assert not envelope.log_files and not envelope.errors
    assert envelope.notes == [f"msg#Records[0]: {skipped}"]


def test_codebuild_state_change_is_a_service_event():
    event = codebuild_state_change("FAILED")
    envelope = parse_body(dumps(event), "msg-5", MSG)
    assert not envelope.records and not envelope.errors
    assert envelope.service_events == [ServiceEvent("codebuild-state", event["detail"], event, "msg-5")]
    phase = dict(event, **{"detail-type": "CodeBuild Build Phase Change"})
    [service] = parse_body(dumps(sns(phase)), "msg-6", MSG).service_events
    assert service.kind == "codebuild-phase"


def test_skipped_cloudtrail_detail_types_are_noted():
    doc = eventbridge(corpus_record(BUCKET_FILE), detail_type="AWS Console Sign In via CloudTrail")
    envelope = parse_body(dumps(doc), "msg", MSG)
    assert not envelope.records and not envelope.errors
    assert envelope.notes == ["msg: EventBridge 'AWS Console Sign In via CloudTrail' carries no API call to act on"]


def test_s3_test_event_and_subscription_confirmation_are_noted():
    test_event = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2024-05-01T12:00:00.000Z",
                  "Bucket": LOG_BUCKET, "RequestId": "5582815E1AEA5ADF", "HostId": "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3e"}
    assert parse_body(dumps(test_event), "m", MSG).notes == ["m: S3 test event, nothing to read"]
    confirm = dict(sns("You have chosen to subscribe to the topic"), Type="SubscriptionConfirmation", Token="2336")
    del confirm["Message"]
    assert parse_body(dumps(confirm), "m", MSG).notes == ["m: SNS subscription confirmation, nothing to read"]


def test_str_body_is_read_like_bytes():
    [record] = parse_body(json.dumps(eventbridge(corpus_record(BUCKET_FILE))), "s", MSG).records
    assert record.event_name == "CreateBucket"


# --- malformed inputs: each with its own error naming the input and the problem ----------------------------------


def test_not_json():
    assert only_error(parse_body(b"CreateBucket custodian", "msg-7", MSG)) == (
        "msg-7: not JSON: Expecting value at line 1 column 1"
    )
    assert only_error(parse_body(b'{"Records": [}', "msg-7", MSG)) == (
        "msg-7: not JSON: Expecting value at line 1 column 14"
    )


def test_not_utf8():
    body = dumps(corpus_record(BUCKET_FILE)).replace(b"custodian", b"cust\xf6dian")
    at = body.index(b"\xf6")
    assert only_error(parse_body(body, "msg-8", MSG)) == f"msg-8: not UTF-8 text (invalid start byte at byte {at})"
    # json.loads(bytes) would read these as UTF-16 or with a lone surrogate; tfsync reads UTF-8 only.
    assert "not UTF-8 text" in only_error(parse_body("{}".encode("utf-16"), "u16", MSG))
    assert "not UTF-8 text" in only_error(parse_body(b'"\xed\xa0\x80"', "sur", MSG))


@pytest.mark.parametrize(
    ("body", "kind"),
    [(b"[]", "an array"), (b'"CreateBucket"', "a string"), (b"42", "a number"), (b"true", "a boolean"),
     (b"null", "null")],
)
def test_wrong_top_level_type(body, kind):
    assert only_error(parse_body(body, "msg-9", MSG)) == f"msg-9: expected a JSON object, got {kind}"


def test_unknown_shape():
    assert only_error(parse_body(b'{"hello": 1, "Action": "x"}', "msg-10", MSG)) == (
        "msg-10: not a shape tfsync reads (EventBridge event, SNS notification, CloudTrail record or log file, "
        "CloudTrail or S3 notification); top-level keys: Action, hello"
    )
    assert only_error(parse_body(b"{}", "msg-10", MSG)).endswith("top-level keys: none")


def test_empty_body():
    assert only_error(parse_body(b"", "msg-11", MSG)) == "msg-11: body is empty"
    assert only_error(parse_body(b" \n\t", "msg-11", MSG)) == "msg-11: body is empty"


@pytest.mark.parametrize("cut", [8, 40, 4], ids=["header-only", "mid-stream", "trailer"])
def test_truncated_gzip(cut):
    data = log_file([corpus_record(BUCKET_FILE), corpus_record(READ_FILE)])
    error = only_error(parse_body(data[:cut] if cut != 4 else data[:-cut], "trail.json.gz", MSG))
    assert error == "trail.json.gz: truncated gzip data: the stream ends before its end marker"


def test_corrupt_gzip():
    data = bytearray(log_file([corpus_record(BUCKET_FILE)]))
    data[12:20] = b"\xff" * 8
    assert only_error(parse_body(bytes(data), "bad.json.gz", MSG)).startswith("bad.json.gz: corrupt gzip data (")


def test_gzip_bomb_past_the_limit():
    inflated = b'{"Records": [' + b" " * (4 * MSG) + b"]}"
    bomb = gzip.compress(inflated)
    assert len(bomb) < MSG // 100
    assert only_error(parse_body(bomb, "bomb.json.gz", MSG)) == (
        f"bomb.json.gz: gzip data inflates past the {MSG}-byte limit"
    )


def test_body_over_the_message_limit():
    record = corpus_record(BUCKET_FILE)
    record["requestParameters"]["padding"] = "x" * (10 * 1024 * 1024)
    body = dumps(eventbridge(record))
    assert only_error(parse_body(body, "msg-12", MSG)) == (
        f"msg-12: body is {len(body)} bytes, over the {MSG}-byte limit"
    )


def test_missing_event_name():
    record = corpus_record(BUCKET_FILE)
    del record["eventName"]
    assert only_error(parse_body(dumps(eventbridge(record)), "msg-13", MSG)) == (
        "msg-13: CloudTrail record field 'eventName' is missing"
    )
    assert only_error(parse_body(dumps(record), "bare", MSG)) == "bare: CloudTrail record field 'eventName' is missing"


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("eventName", 7, "'eventName' must be a non-empty string, got a number"),
        ("eventName", "", "'eventName' must be a non-empty string, got a string"),
        ("eventSource", ["s3.amazonaws.com"], "'eventSource' must be a non-empty string, got an array"),
        ("eventID", {"id": 1}, "'eventID' must be a string, got an object"),
        ("awsRegion", 1.5, "'awsRegion' must be a string, got a number"),
        ("errorCode", False, "'errorCode' must be a string, got a boolean"),
        ("userAgent", 3, "'userAgent' must be a string, got a number"),
        ("userIdentity", "root", "'userIdentity' must be an object, got a string"),
        ("requestParameters", ["bucketName"], "'requestParameters' must be an object, got an array"),
        ("responseElements", "ok", "'responseElements' must be an object, got a string"),
    ],
)
def test_wrong_field_types(field, value, problem):
    record = corpus_record(BUCKET_FILE)
    record[field] = value
    assert only_error(parse_body(dumps(eventbridge(record)), "msg-14", MSG)) == (
        f"msg-14: CloudTrail record field {problem}"
    )


def test_eventbridge_detail_of_wrong_type():
    doc = eventbridge(corpus_record(BUCKET_FILE))
    doc["detail"] = json.dumps(doc["detail"])
    assert only_error(parse_body(dumps(doc), "m", MSG)) == "m: EventBridge 'detail' must be an object, got a string"
    doc["detail-type"] = 5
    assert only_error(parse_body(dumps(doc), "m", MSG)) == "m: EventBridge 'detail-type' must be a string, got a number"


def test_records_not_a_list():
    assert only_error(parse_body(dumps({"Records": corpus_record(BUCKET_FILE)}), "trail.json", MSG)) == (
        "trail.json: 'Records' must be an array, got an object"
    )


def test_one_bad_record_among_good_ones():
    bad = corpus_record(BUCKET_FILE)
    bad["eventSource"] = None
    records = [corpus_record(BUCKET_FILE), bad, "CreateBucket", corpus_record(READ_FILE)]
    envelope = parse_body(log_file(records), "trail.json.gz", MSG)
    assert [r.source for r in envelope.records] == ["trail.json.gz#Records[0]", "trail.json.gz#Records[3]"]
    assert [str(e) for e in envelope.errors] == [
        "trail.json.gz#Records[1]: CloudTrail record field 'eventSource' is missing",
        "trail.json.gz#Records[2]: expected a CloudTrail record object, got a string",
    ]
    results = Classifier().classify_envelope(envelope)
    assert [(r.source, r.verdict) for r in results] == [
        ("trail.json.gz#Records[0]", "detected"),
        ("trail.json.gz#Records[3]", "ignored"),
        ("trail.json.gz#Records[1]", "error"),
        ("trail.json.gz#Records[2]", "error"),
    ]
    assert results[2].reason == "CloudTrail record field 'eventSource' is missing"


def test_sns_message_not_json():
    envelope = parse_body(dumps(sns("CreateBucket custodian-create-bucket-v4", message_id="m-1")), "msg-15", MSG)
    assert only_error(envelope) == "msg-15 (SNS m-1): SNS Message: not JSON: Expecting value at line 1 column 1"


def test_sns_message_of_wrong_type():
    doc = sns("{}")
    doc["Message"] = 12
    assert only_error(parse_document(doc, "m", MSG)) == "m: SNS 'Message' must be a JSON string, got a number"


def test_json_nested_too_deeply():
    body = b'{"Records": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    assert only_error(parse_body(body, "deep.json", MSG)) == "deep.json: JSON is nested too deeply"


def test_envelopes_nested_too_deeply():
    doc: dict = eventbridge(corpus_record(BUCKET_FILE))
    for _ in range(5):
        doc = sns(json.dumps(doc), message_id="x")
    error = only_error(parse_body(dumps(doc), "msg-16", MSG))
    assert error == f"msg-16{' (SNS x)' * 5}: envelopes nested more than 4 deep"
    # Four levels still read.
    doc = eventbridge(corpus_record(BUCKET_FILE))
    for _ in range(4):
        doc = sns(json.dumps(doc), message_id="x")
    assert len(parse_body(dumps(doc), "msg", MSG).records) == 1


def test_unknown_eventbridge_detail_type():
    doc = eventbridge(corpus_record(BUCKET_FILE), detail_type="EC2 Instance State-change Notification")
    assert only_error(parse_body(dumps(doc), "msg-17", MSG)) == (
        "msg-17: EventBridge detail-type 'EC2 Instance State-change Notification' is not one tfsync reads"
    )


def test_integer_past_python_digit_limit_is_an_error_not_a_crash():
    record = corpus_record(BUCKET_FILE)
    body = dumps(record).replace(b'"eventVersion": "1.03"', b'"eventVersion": ' + b"9" * 5000)
    error = only_error(parse_body(body, "big.json", MSG))
    assert error.startswith("big.json: not JSON tfsync can read: Exceeds the limit (4300 digits)")


def test_cloudtrail_delivery_with_bad_keys():
    assert only_error(parse_body(dumps({"s3Bucket": "", "s3ObjectKey": [log_key()]}), "m", MSG)) == (
        "m: CloudTrail notification 's3Bucket' must be a non-empty string"
    )
    assert only_error(parse_body(dumps({"s3Bucket": LOG_BUCKET, "s3ObjectKey": []}), "m", MSG)) == (
        "m: CloudTrail notification 's3ObjectKey' must be a non-empty array of keys"
    )
    envelope = parse_body(dumps({"s3Bucket": LOG_BUCKET, "s3ObjectKey": [log_key(), 7]}), "m", MSG)
    assert envelope.log_files == [LogFileRef(LOG_BUCKET, log_key(), "m")]
    assert [str(e) for e in envelope.errors] == ["m#s3ObjectKey[1]: key must be a non-empty string"]


def test_s3_event_without_bucket_or_key():
    doc = s3_event(log_key())
    del doc["Records"][0]["s3"]["object"]["key"]
    assert only_error(parse_body(dumps(doc), "m", MSG)) == (
        "m#Records[0]: S3 notification lacks s3.bucket.name or s3.object.key"
    )


def test_string_readonly_is_understood():
    record = copy.deepcopy(corpus_record(READ_FILE))
    record["readOnly"] = "true"
    [parsed] = parse_body(dumps(record), "m", MSG).records
    assert parsed.read_only is True
    record["readOnly"] = "false"
    [parsed] = parse_body(dumps(record), "m", MSG).records
    assert parsed.read_only is False


# msgspec reads every body first; what it refuses, json.loads reads again, so the values are json.loads's -------


@pytest.mark.parametrize(
    "text",
    [
        '{"a": NaN, "b": Infinity, "c": -Infinity}',  # json.loads takes these; msgspec does not
        '{"a": 1e400}',  # past a double: json.loads reads inf
        '{"a": "\\ud800", "b": "\\udc00\\ud800"}',  # lone surrogate escapes
        '{"a": 18446744073709551616, "b": -9223372036854775809}',  # past 64 bits, read exactly
        '{"a": 1, "a": 2}',  # the last of a repeated key
        '{"a": -0.0, "b": 2.5e-324, "c": 1E5, "d": "\\u0000\\u00e9\\ud83d\\ude00", "e": [true, false, null]}',
        "[" * 50 + "]" * 50,
    ],
)
def test_bodies_read_to_the_values_json_loads_gives(text):
    from bot.events import load_json

    expected = json.loads(text)
    for data in (text, text.encode(), b"\xef\xbb\xbf" + text.encode(), gzip.compress(text.encode())):
        value = load_json(data, "m", MSG)
        assert repr(value) == repr(expected)  # repr: NaN is not equal to itself


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'{"a": 1,}', "not JSON: Expecting property name enclosed in double quotes at line 1 column 9"),
        (b'{"a": "x\ny"}', "not JSON: Invalid control character at at line 1 column 9"),
        (b'{"a": 01}', "not JSON: Expecting ',' delimiter at line 1 column 8"),
        (b"{} {}", "not JSON: Extra data at line 1 column 4"),
        (b'{"a": "\xed\xa0\x80"}', "not UTF-8 text (invalid continuation byte at byte 7)"),
        (b"\xff\xfe{\x00}\x00", "not UTF-8 text (invalid start byte at byte 0)"),
        (b" \n\t", "body is empty"),
    ],
)
def test_what_msgspec_refuses_gets_the_standard_librarys_error(data, problem):
    assert only_error(parse_body(data, "m", MSG)) == f"m: {problem}"


def test_an_eventbridge_body_and_its_record_read_as_before():
    record = corpus_record(BUCKET_FILE)
    body = json.dumps(eventbridge(record), separators=(",", ":")).encode()
    [parsed] = parse_body(body, "m", MSG).records
    assert parsed.raw == record and parsed.source == "m"
    assert (parsed.event_name, parsed.event_source, parsed.account_id) == (
        record["eventName"], record["eventSource"], record["userIdentity"]["accountId"]
    )


# Records read as far as the filters need: every field as CloudTrailRecord reads it, the rest on first use --------

RECORD_ATTRS = ("source", "event_source", "event_name", "event_id", "event_time", "event_type", "aws_region",
                "error_code", "user_agent", "read_only", "account_id", "raw", "user_identity", "request", "response")
FIELD_VALUES = (None, 5, 0, "", "x", "TRUE", "false", [], {}, {"accountId": "111122223333"}, True, 1.5)
FIELDS = ("eventSource", "eventName", "eventID", "eventTime", "eventType", "awsRegion", "errorCode", "userAgent",
          "readOnly", "recipientAccountId", "userIdentity", "requestParameters", "responseElements")


def reference(detail: Any, source: str) -> Any:
    """What CloudTrailRecord makes of the detail read whole: its attributes, or its error."""
    try:
        record = CloudTrailRecord(detail, source)
    except InputError as exc:
        return str(exc)
    return {name: getattr(record, name) for name in RECORD_ATTRS}


def attributes(envelope: Envelope) -> Any:
    if envelope.errors:
        return only_error(envelope)
    [record] = envelope.records
    return {name: getattr(record, name) for name in RECORD_ATTRS}


@pytest.mark.parametrize("field", FIELDS)
def test_a_record_read_in_part_is_the_record_read_whole(field):
    for name in (BUCKET_FILE, READ_FILE):
        for value in (*FIELD_VALUES, "absent"):
            record = corpus_record(name)
            if value == "absent":
                record.pop(field, None)
            else:
                record[field] = value
            text = json.dumps(eventbridge(record), separators=(",", ":"))
            expected = reference(json.loads(text)["detail"], "m")
            for body in (text, text.encode()):  # SQS hands the consumer text; files and tests give bytes
                assert attributes(parse_body(body, "m", MSG)) == expected, (field, value, type(body))


@pytest.mark.parametrize("as_bytes", [True, False])
def test_a_record_read_in_part_reads_its_dicts_once_and_only_when_asked(as_bytes):
    text = json.dumps(eventbridge(corpus_record(READ_FILE)), separators=(",", ":"))
    body = text.encode() if as_bytes else text
    [record] = parse_body(body, "m", MSG).records
    assert type(record) is not CloudTrailRecord and isinstance(record, CloudTrailRecord)
    assert record._text is body  # nothing read past the filters' fields yet
    identity = record.user_identity
    assert record._text is None and identity is record.raw["userIdentity"]  # one reading, shared as before
    assert record.raw == corpus_record(READ_FILE)
