"""CloudTrail log files in (moto) S3, reached through CloudTrail's SNS delivery notice and S3 event notifications."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.classify import Classifier
from bot.events import LogFileRef, parse_body
from bot.logfiles import expand, fetch_log_file
from tests.conftest import CORPUS, corpus_record, corpus_records
from tests.shapes import LOG_BUCKET, cloudtrail_delivery, digest_key, dumps, log_file, log_key, s3_event, sns

MSG = 1 << 20
LIMIT = 64 << 20
FILES = sorted(row["file"] for row in corpus_records())


@pytest.fixture
def s3(aws_client):
    client = aws_client("s3")
    client.create_bucket(Bucket=LOG_BUCKET)
    return client


def upload(s3: Any, key: str, data: bytes) -> None:
    s3.put_object(Bucket=LOG_BUCKET, Key=key, Body=data, ContentType="application/json", ContentEncoding="gzip")


def direct(name: str):
    """The verdict a corpus file gets on its own, to compare the log-file path against."""
    [result] = Classifier().classify_envelope(parse_body((CORPUS / name).read_bytes(), name, MSG))
    return result


def summary(result) -> tuple:
    return (result.event_id, result.event_name, result.verdict, result.reason_code,
            [(r.tf_type, r.import_id) for r in result.resources])


@pytest.mark.parametrize("via", ["sns-delivery", "s3-event", "s3-event-in-sns"])
def test_every_record_of_a_log_file_is_classified(s3, via):
    key = log_key()
    upload(s3, key, log_file([corpus_record(name) for name in FILES]))
    notice = {
        "sns-delivery": sns(cloudtrail_delivery([key]), message_id="cc3a0b6e-1f0e-5c5e-9bd5-5ad1f5b7d0e4"),
        "s3-event": s3_event(key),
        "s3-event-in-sns": sns(s3_event(key), message_id="cc3a0b6e-1f0e-5c5e-9bd5-5ad1f5b7d0e4"),
    }[via]
    envelope = parse_body(dumps(notice), "sqs-message-1", MSG)
    assert [ref.uri for ref in envelope.log_files] == [f"s3://{LOG_BUCKET}/{key}"]

    expanded = expand(envelope, s3, LIMIT)
    assert expanded.errors == [] and expanded.log_files == []
    assert len(expanded.records) == len(FILES)
    results = Classifier().classify_envelope(expanded)
    assert [r.source for r in results] == [f"s3://{LOG_BUCKET}/{key}#Records[{i}]" for i in range(len(FILES))]
    # Each record gets the verdict it gets when read on its own.
    assert [summary(r) for r in results] == [summary(direct(name)) for name in FILES]
    by_event = {r.event_id: r for r in results}
    bucket = by_event[corpus_record("s3__CreateBucket__4.json")["eventID"]]
    assert bucket.verdict == "detected"
    assert [(r.tf_type, r.import_id) for r in bucket.resources] == [("aws_s3_bucket", "bucket-test-iad")]
    assert by_event[corpus_record("ec2__DescribeInstances__1.json")["eventID"]].reason_code == "read-only"
    assert by_event[corpus_record("s3__CreateBucket__5.json")["eventID"]].reason_code == "terraform"


def test_several_keys_in_one_delivery_notice(s3):
    first, second = log_key(stamp="20240501T1205Z"), log_key(region="eu-west-1", stamp="20240501T1210Z")
    upload(s3, first, log_file([corpus_record("s3__CreateBucket__1.json")]))
    two = [corpus_record("s3__CreateBucket__2.json"), corpus_record("sts__GetCallerIdentity__1.json")]
    upload(s3, second, log_file(two))
    envelope = expand(parse_body(dumps(sns(cloudtrail_delivery([first, second]))), "m", MSG), s3, LIMIT)
    assert [r.source for r in envelope.records] == [
        f"s3://{LOG_BUCKET}/{first}#Records[0]",
        f"s3://{LOG_BUCKET}/{second}#Records[0]",
        f"s3://{LOG_BUCKET}/{second}#Records[1]",
    ]


def test_plain_json_log_file(s3):
    key = log_key().removesuffix(".gz")
    upload(s3, key, log_file([corpus_record("s3__CreateBucket__3.json")], compress=False))
    [result] = Classifier().classify_envelope(expand(parse_body(dumps(s3_event(key)), "m", MSG), s3, LIMIT))
    assert [(r.tf_type, r.import_id) for r in result.resources] == [("aws_s3_bucket", "cloudtrailwatcher-000000000000")]


def test_missing_object_is_an_error_naming_it(s3):
    good, absent = log_key(stamp="20240501T1205Z"), log_key(stamp="20240501T1300Z")
    upload(s3, good, log_file([corpus_record("s3__CreateBucket__1.json")]))
    envelope = parse_body(dumps(sns(cloudtrail_delivery([absent, good]), message_id="n-7")), "sqs-message-2", MSG)
    expanded = expand(envelope, s3, LIMIT)
    assert [str(e) for e in expanded.errors] == [
        f"s3://{LOG_BUCKET}/{absent}: cannot fetch the log file (NoSuchKey), named by sqs-message-2 (SNS n-7)"
    ]
    # The other file in the same notice is still read.
    results = Classifier().classify_envelope(expanded)
    assert [(r.verdict, r.source) for r in results] == [
        ("detected", f"s3://{LOG_BUCKET}/{good}#Records[0]"),
        ("error", f"s3://{LOG_BUCKET}/{absent}"),
    ]
    assert results[1].reason == "cannot fetch the log file (NoSuchKey), named by sqs-message-2 (SNS n-7)"


def test_missing_bucket_is_an_error_naming_it(s3):
    ref = LogFileRef("no-such-trail-bucket", log_key(), "m")
    [error] = fetch_log_file(s3, ref, LIMIT).errors
    assert str(error) == f"s3://no-such-trail-bucket/{log_key()}: cannot fetch the log file (NoSuchBucket), named by m"


def test_truncated_gzip_object(s3):
    key = log_key()
    data = log_file([corpus_record(name) for name in FILES[:20]])
    upload(s3, key, data[: len(data) // 2])
    expanded = expand(parse_body(dumps(s3_event(key)), "m", MSG), s3, LIMIT)
    assert expanded.records == []
    assert [str(e) for e in expanded.errors] == [
        f"s3://{LOG_BUCKET}/{key}: truncated gzip data: the stream ends before its end marker"
    ]


def test_log_file_over_the_limit(s3):
    key = log_key()
    data = log_file([corpus_record(name) for name in FILES])
    upload(s3, key, data)
    [error] = expand(parse_body(dumps(s3_event(key)), "m", MSG), s3, 4096).errors
    assert str(error) == f"s3://{LOG_BUCKET}/{key}: log file is {len(data)} bytes, over the 4096-byte limit"
    # Under the limit compressed, past it inflated: the gzip limit applies.
    [error] = expand(parse_body(dumps(s3_event(key)), "m", MSG), s3, len(data) + 10).errors
    assert str(error) == f"s3://{LOG_BUCKET}/{key}: gzip data inflates past the {len(data) + 10}-byte limit"


def test_object_that_is_not_a_log_file(s3):
    key = log_key()
    upload(s3, key, json.dumps(cloudtrail_delivery([log_key(stamp="20240501T1300Z")])).encode())
    expanded = expand(parse_body(dumps(s3_event(key)), "m", MSG), s3, LIMIT)
    assert [str(e) for e in expanded.errors] == [
        f"s3://{LOG_BUCKET}/{key}: a log file must hold CloudTrail records, not notifications"
    ]
    assert expanded.log_files == []


def test_digest_in_a_notice_is_noted_and_not_fetched(s3):
    envelope = parse_body(dumps(s3_event(digest_key())), "m", MSG)
    expanded = expand(envelope, s3, LIMIT)
    assert expanded is envelope and not expanded.errors and not expanded.records
    assert len(expanded.notes) == 1 and "digest" in expanded.notes[0]


# Streaming: the same records and errors as reading the whole file, with bounded buffers --------------------------

RECORDS = [corpus_record(name) for name in FILES]


@pytest.fixture
def tiny_pieces(monkeypatch):
    """Read from S3 and inflate a few bytes at a time, so every token of the file straddles some boundary."""
    import bot.logfiles as logfiles

    monkeypatch.setattr(logfiles, "CHUNK_BYTES", 7)
    monkeypatch.setattr(logfiles, "INFLATE_BYTES", 13)


def whole(data: bytes, key: str):
    """What reading the file at once says of it (the reference the stream must agree with)."""
    return parse_body(data, f"s3://{LOG_BUCKET}/{key}", LIMIT)


def read(s3, key: str, **kwargs):
    return fetch_log_file(s3, LogFileRef(LOG_BUCKET, key, "m"), LIMIT, **kwargs)


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("indent", [None, 2])
def test_streamed_records_are_the_whole_files_at_any_boundary(s3, tiny_pieces, compress, indent):
    key = log_key() if compress else log_key().removesuffix(".gz")
    text = json.dumps({"Records": RECORDS[:40]}, indent=indent).encode()
    data = log_file(RECORDS[:40], compress=False) if indent is None else text
    if compress:
        import gzip

        data = gzip.compress(b"\xef\xbb\xbf" + data)  # with a byte-order mark, as some writers add
    upload(s3, key, data)
    streamed = read(s3, key)
    reference = whole(data, key)
    assert streamed.errors == reference.errors == []
    assert [(r.source, r.raw) for r in streamed.records] == [(r.source, r.raw) for r in reference.records]
    assert len(streamed.records) == 40


@pytest.mark.parametrize(
    "text",
    [
        '{"Records": [{"eventSource": "s3.amazonaws.com", "eventName": "X"} {"eventName": "Y"}]}',  # no comma
        '{"Records": [{"eventSource": "s3.amazonaws.com", "eventName": "X"},\n  {"eventName": tru}]}',
        '{"Records": [{"eventSource": "s3.amazonaws.com", "eventName": "X"}]} trailing',
        '{"Records": [{"eventSource": "s3.amazonaws.com",\n"eventName": "X"}',  # cut short
        '{"Records": [{"eventSource": "s3.amazonaws.com", "eventName": "unterminated}]}',
        '{"Records": [1, 2,]}',
        '{"Records" [1]}',
        '{"Records": [1], 5: 6}',
        '[{"eventSource": "s3.amazonaws.com", "eventName": "X"}]',
        '{"Records": "not an array"}',
        '{"Records": []}',
        "   \n ",
        "not JSON at all",
    ],
)
def test_malformed_files_get_the_errors_the_whole_file_reader_gives(s3, tiny_pieces, text):
    key = log_key().removesuffix(".gz")
    upload(s3, key, text.encode())
    streamed = read(s3, key)
    reference = whole(text.encode(), key)
    assert [str(e) for e in streamed.errors] == [str(e) for e in reference.errors]
    assert streamed.notes == reference.notes
    assert [r.raw for r in streamed.records] == [r.raw for r in reference.records]


def test_per_record_problems_are_kept_beside_the_good_records(s3, tiny_pieces):
    key = log_key()
    records = [RECORDS[0], 5, {"eventName": "NoSource"}, RECORDS[1]]
    data = log_file(records)
    upload(s3, key, data)
    streamed = read(s3, key)
    assert [str(e) for e in streamed.errors] == [str(e) for e in whole(data, key).errors]
    assert len(streamed.errors) == 2 and len(streamed.records) == 2


def test_a_record_over_the_per_record_limit_ends_the_read_naming_it(s3, tiny_pieces):
    key = log_key()
    giant = dict(RECORDS[0], requestParameters={"blob": "x" * 5000})
    upload(s3, key, log_file([RECORDS[0], RECORDS[1], giant]))
    envelope = read(s3, key, record_limit=4096)
    assert envelope.records == []  # a file read only in part is not read at all
    assert [str(e) for e in envelope.errors] == [
        f"s3://{LOG_BUCKET}/{key}: Records[2] is over the 4096-byte limit for one record"
    ]


def test_nesting_too_deep_is_an_error_not_a_crash(s3):
    key = log_key()
    upload(s3, key, b'{"Records": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}")
    [error] = read(s3, key).errors
    assert str(error) == f"s3://{LOG_BUCKET}/{key}: JSON is nested too deeply"


def test_too_many_malformed_records_end_the_read(s3):
    from bot.logfiles import MAX_ITEM_ERRORS

    key = log_key()
    upload(s3, key, log_file([{}] * (MAX_ITEM_ERRORS + 1) + [RECORDS[0]]))
    envelope = read(s3, key)
    assert envelope.records == []
    assert [str(e) for e in envelope.errors] == [
        f"s3://{LOG_BUCKET}/{key}: more than {MAX_ITEM_ERRORS} records are malformed: not a CloudTrail log file, "
        "read no further"
    ]


def test_only_the_records_kept_stay_and_each_is_charged_to_the_budget(s3):
    from bot.memory import MemoryBudget, record_cost

    key = log_key()
    upload(s3, key, log_file(RECORDS))
    budget = MemoryBudget()
    reservation = budget.reservation()
    envelope = read(s3, key, keep=lambda record: record.event_name == "CreateBucket", reservation=reservation)
    creates = [r for r in RECORDS if r["eventName"] == "CreateBucket"]
    assert [r.raw for r in envelope.records] == creates and len(creates) >= 5
    sizes = [len(json.dumps(r)) for r in creates]  # log_file writes each record as json.dumps does
    assert reservation.held == budget.used == sum(map(record_cost, sizes))
    reservation.release()
    assert budget.used == 0


def test_a_file_that_would_hold_more_than_the_budget_is_an_error_and_gives_its_share_back(s3):
    from bot.memory import MemoryBudget, record_cost

    key = log_key()
    upload(s3, key, log_file(RECORDS))
    budget = MemoryBudget(total=3 * record_cost(len(json.dumps(RECORDS[0]))))
    reservation = budget.reservation()
    assert reservation.take(100)  # held for an earlier file of the same message
    envelope = read(s3, key, reservation=reservation)
    assert envelope.records == []
    [error] = envelope.errors
    assert "need more memory than is left" in str(error) and str(error).startswith(f"s3://{LOG_BUCKET}/{key}: ")
    assert reservation.held == budget.used == 100


def test_corrupt_and_non_utf8_data_are_errors(s3):
    import gzip

    corrupt, latin = log_key(stamp="20240501T1205Z"), log_key(stamp="20240501T1210Z").removesuffix(".gz")
    data = bytearray(gzip.compress(json.dumps({"Records": RECORDS[:5]}).encode()))
    data[30:40] = b"\xff" * 10
    upload(s3, corrupt, bytes(data))
    upload(s3, latin, '{"Records": [{"eventName": "caf\u00e9"}]}'.encode("latin-1"))
    assert str(read(s3, corrupt).errors[0]).startswith(f"s3://{LOG_BUCKET}/{corrupt}: corrupt gzip data (")
    assert [str(e) for e in read(s3, latin).errors] == [str(e) for e in whole(
        '{"Records": [{"eventName": "caf\u00e9"}]}'.encode("latin-1"), latin).errors]


def test_the_collector_is_paused_while_a_file_is_parsed_and_back_after(s3):
    import gc

    key = log_key()
    upload(s3, key, log_file(RECORDS[:3]))
    states = []
    read(s3, key, keep=lambda record: states.append(gc.isenabled()) or True)
    assert states == [False, False, False]
    assert gc.isenabled()


# Records read in runs: msgspec reads all the records up to a boundary at once; a cut it accepts must be a true
# boundary between records, and anything it refuses is read again record by record with the exact errors --------


def compact(records: list[Any]) -> bytes:
    """A log file as CloudTrail writes it before gzip: compact, every record starting with its eventVersion."""
    return json.dumps({"Records": records}, separators=(",", ":")).encode()


def trapped(count: int) -> list[dict[str, Any]]:
    """Records whose insides look like record boundaries: the boundary text in strings, arrays of objects."""
    records = []
    for index, record in enumerate(RECORDS[:count]):
        record = json.loads(json.dumps(record))
        record["requestParameters"] = {
            "note": '},{"eventVersion":"1.08","eventName":"Fake"}',
            "items": [{"eventVersion": "1.08", "n": index}, {"eventVersion": "1.09"}],
        }
        records.append(record)
    return records


@pytest.fixture
def small_runs(monkeypatch):
    """Runs of a few records, so many cuts fall inside strings and arrays of objects."""
    import bot.logfiles as logfiles

    monkeypatch.setattr(logfiles, "BATCH_CHARS", 5000)


@pytest.mark.parametrize("shape", ["compact", "spaced", "indented"])
@pytest.mark.parametrize("charged", [False, True])
def test_records_read_in_runs_are_the_whole_files(s3, small_runs, monkeypatch, shape, charged):
    import bot.logfiles as logfiles
    from bot.memory import MemoryBudget

    in_runs: list[Any] = []
    read_items = logfiles._Reader._items

    def spy(self: Any, items: list[Any], sizes: Any, index: int) -> None:
        in_runs.extend(items)
        read_items(self, items, sizes, index)

    monkeypatch.setattr(logfiles._Reader, "_items", spy)
    records = trapped(40)
    data = {"compact": compact(records), "spaced": log_file(records, compress=False),
            "indented": json.dumps({"Records": records}, indent=2).encode()}[shape]
    key = log_key().removesuffix(".gz")
    upload(s3, key, data)
    reservation = MemoryBudget().reservation() if charged else None
    streamed = read(s3, key, reservation=reservation)
    reference = whole(data, key)
    assert streamed.errors == reference.errors == []
    assert [(r.source, r.raw) for r in streamed.records] == [(r.source, r.raw) for r in reference.records]
    assert len(streamed.records) == 40
    assert 0 < len(in_runs) < 40  # some cuts held, some fell inside a record and were read one by one


def test_each_record_read_in_a_run_is_charged_by_its_own_text(s3):
    from bot.memory import MemoryBudget, record_cost

    key = log_key()
    upload(s3, key, compact(RECORDS))
    reservation = MemoryBudget().reservation()
    envelope = read(s3, key, keep=lambda record: record.event_name == "CreateBucket", reservation=reservation)
    creates = [r for r in RECORDS if r["eventName"] == "CreateBucket"]
    assert [r.raw for r in envelope.records] == creates
    sizes = [len(json.dumps(r, separators=(",", ":"))) for r in creates]
    assert reservation.held == sum(map(record_cost, sizes))


def test_a_file_whose_every_cut_fails_is_still_read_whole(s3, small_runs):
    # Each record ends with the boundary text in a string, so the last boundary of every run is a false one.
    records = []
    for record in RECORDS[:30]:
        record = json.loads(json.dumps(record))
        record["zz"] = '},{"eventVersion":"1.08"}'
        records.append(record)
    key = log_key()
    data = compact(records)
    upload(s3, key, data)
    streamed = read(s3, key)
    assert [(r.source, r.raw) for r in streamed.records] == [(r.source, r.raw) for r in whole(data, key).records]
    assert len(streamed.records) == 30


def test_records_only_the_standard_library_reads_are_read_as_it_reads_them(s3, small_runs):
    records = [json.loads(json.dumps(r)) for r in RECORDS[:20]]
    records[7]["requestParameters"] = {"ratio": float("nan"), "big": 2**70, "odd": "\ud800"}
    key = log_key()
    data = json.dumps({"Records": records}, separators=(",", ":")).encode("utf-8", "surrogatepass")
    upload(s3, key, data)
    streamed, reference = read(s3, key), whole(data, key)
    assert streamed.errors == reference.errors == []
    assert repr([r.raw for r in streamed.records]) == repr([r.raw for r in reference.records])


def test_a_compact_record_over_the_limit_ends_the_read_naming_it(s3):
    key = log_key()
    giant = dict(RECORDS[0], requestParameters={"blob": "x" * 5000})
    upload(s3, key, compact([RECORDS[0], RECORDS[1], giant, RECORDS[2]]))
    envelope = read(s3, key, record_limit=4096)
    assert envelope.records == []
    assert [str(e) for e in envelope.errors] == [
        f"s3://{LOG_BUCKET}/{key}: Records[2] is over the 4096-byte limit for one record"
    ]


def test_malformed_records_in_a_compact_file_are_kept_beside_the_good_ones(s3):
    key = log_key()
    records = [RECORDS[0], 5, {"eventName": "NoSource"}, RECORDS[1], {"eventSource": "s3.amazonaws.com",
                                                                      "eventName": "X", "userIdentity": "root"}]
    data = compact(records)
    upload(s3, key, data)
    streamed = read(s3, key)
    assert [str(e) for e in streamed.errors] == [str(e) for e in whole(data, key).errors]
    assert len(streamed.errors) == 3 and [r.source for r in streamed.records] == [
        f"s3://{LOG_BUCKET}/{key}#Records[0]", f"s3://{LOG_BUCKET}/{key}#Records[3]"
    ]


def test_records_read_in_part_from_a_run_are_the_records_read_whole(s3):
    from tests.test_events import FIELD_VALUES, FIELDS, RECORD_ATTRS

    records: list[Any] = []
    for field in FIELDS:
        for value in FIELD_VALUES:
            record = json.loads(json.dumps(RECORDS[len(records) % len(RECORDS)]))
            record[field] = value
            records.append(record)
    key = log_key()
    data = compact(records)
    upload(s3, key, data)
    seen: list[Any] = []

    def keep(record: Any) -> bool:
        seen.append((record.source, {name: getattr(record, name) for name in RECORD_ATTRS}))
        return False

    streamed, reference = read(s3, key, keep=keep), whole(data, key)
    assert [str(e) for e in streamed.errors] == [str(e) for e in reference.errors]
    assert seen == [(r.source, {name: getattr(r, name) for name in RECORD_ATTRS}) for r in reference.records]
    assert len(seen) + len(streamed.errors) == len(records)
