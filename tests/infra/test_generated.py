"""The generated Terraform locals agree with the catalog: EventBridge patterns, IAM read and delete actions."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from bot.catalog import CATALOG, DELETE, entries
from bot.catalog.base import CatalogEntry
from bot.events import CLOUDTRAIL_DETAIL_TYPE, SERVICE_DETAIL_TYPES
from infra import generate
from tests.conftest import CORPUS, corpus_record, corpus_records
from tests.infra.hcl import INFRA


def _committed(relative: str) -> dict[str, Any]:
    return json.loads((INFRA / relative).read_text(encoding="utf-8"))["locals"]


def _pairs(pattern: dict[str, Any]) -> set[tuple[str, str]]:
    clauses = pattern.get("$or", [pattern])
    return {
        (source, name)
        for clause in clauses
        for source in clause["detail"]["eventSource"]
        for name in clause["detail"]["eventName"]
    }


def _catalog_pairs() -> set[tuple[str, str]]:
    return {(e.event_source, name) for e in entries() for name in e.create_events}


def test_generated_files_are_current() -> None:
    stale = generate.stale()
    assert not stale, f"stale generated files {[str(p) for p in stale]}: run `python -m infra.generate` and commit"


def test_committed_patterns_match_exactly_the_catalog_create_events() -> None:
    patterns = _committed("modules/detection/catalog.tf.json")["catalog_event_patterns"]
    matched: set[tuple[str, str]] = set()
    for pattern in patterns.values():
        assert pattern["detail-type"] == [CLOUDTRAIL_DETAIL_TYPE]
        assert len(json.dumps(pattern, separators=(",", ":"))) <= generate.MAX_PATTERN_CHARS
        matched |= _pairs(pattern)
    assert matched == _catalog_pairs()


def test_codebuild_rule_matches_the_detail_types_the_bot_reads() -> None:
    committed = _committed("modules/detection/catalog.tf.json")["codebuild_detail_types"]
    # The reconciliation's detail-type is the bot's own schedule's, not CodeBuild's.
    assert set(committed) == {t for t, kind in SERVICE_DETAIL_TYPES.items() if kind.startswith("codebuild")}
    assert SERVICE_DETAIL_TYPES["tfsync Reconciliation"] == "reconcile"
    main_tf = (INFRA / "modules/detection/main.tf").read_text(encoding="utf-8")
    assert "detail-type = local.codebuild_detail_types" in main_tf


def test_a_large_catalog_is_split_into_patterns_within_the_size_limit() -> None:
    by_source = {
        f"service{i}.amazonaws.com": [f"CreateSomethingRatherLong{j}" for j in range(i * 7)] for i in range(1, 12)
    }
    by_source["huge.amazonaws.com"] = [f"CreateThing{j:04d}" for j in range(400)]
    patterns = generate.event_patterns(by_source, limit=2048)
    assert len(patterns) > 2
    matched: set[tuple[str, str]] = set()
    for pattern in patterns:
        assert len(json.dumps(pattern, separators=(",", ":"))) <= 2048
        matched |= _pairs(pattern)
    assert matched == {(s, n) for s, names in by_source.items() for n in names}


def test_one_clause_per_source_keeps_names_to_their_own_service() -> None:
    patterns = generate.event_patterns({"a.amazonaws.com": ["CreateX"], "b.amazonaws.com": ["CreateY"]})
    assert len(patterns) == 1
    assert _pairs(patterns[0]) == {("a.amazonaws.com", "CreateX"), ("b.amazonaws.com", "CreateY")}


def _entry(source: str, creates: tuple[str, ...], deletes: tuple[str, ...]) -> CatalogEntry:
    return CatalogEntry(
        tf_type="aws_example",
        service="example",
        event_source=source,
        create_events=creates,
        delete_events=deletes,
        resolve=lambda record: [],
        import_id_format="id",
        loses_data=False,
    )


def test_iam_actions_drop_api_versions_and_map_prefixes() -> None:
    assert generate.iam_action("lambda.amazonaws.com", "DeleteFunction20150331") == "lambda:DeleteFunction"
    assert generate.iam_action("lambda.amazonaws.com", "UpdateFunctionCode20150331v2") == "lambda:UpdateFunctionCode"
    assert (
        generate.iam_action("cloudfront.amazonaws.com", "DeleteDistribution2020_05_31")
        == "cloudfront:DeleteDistribution"
    )
    assert generate.iam_action("monitoring.amazonaws.com", "DeleteAlarms") == "cloudwatch:DeleteAlarms"
    assert generate.iam_action("ec2.amazonaws.com", "TerminateInstances") == "ec2:TerminateInstances"
    entry = _entry("lambda.amazonaws.com", ("CreateFunction20150331",), ("DeleteFunction20150331",))
    assert generate.delete_actions([entry], {}) == {"aws_example": ["lambda:DeleteFunction"]}
    assert generate.delete_actions([_entry("s3.amazonaws.com", ("CreateBucket",), ())], {}) == {}


def test_roles_read_every_catalog_service_and_delete_only_catalog_actions() -> None:
    catalog = list(entries())
    prefixes = {generate.iam_prefix(e.event_source) for e in catalog} | {generate.TAGGING_PREFIX}
    for module in ("adopter", "bot_runtime"):
        local = _committed(f"modules/{module}/catalog.tf.json")
        assert {a.split(":")[0] for a in local["catalog_read_actions"]} == prefixes
        assert all(a.split(":")[1] in ("Describe*", "Get*", "List*") for a in local["catalog_read_actions"])
        # Every data read a Get* grant reaches for these services is denied (outside tfsync's own resources).
        expected_denied = {a for p in prefixes for a in generate.DATA_READ_ACTIONS.get(p, ())}
        assert set(local["catalog_data_read_actions"]) == expected_denied
    delete = _committed("modules/bot_runtime/catalog.tf.json")["catalog_delete_actions"]
    assert {e.tf_type for e in catalog if e.delete_events} <= set(delete)
    for entry in catalog:
        for name in entry.delete_events:
            assert generate.iam_action(entry.event_source, name) in delete[entry.tf_type]


def test_every_type_has_its_describe_and_delete_calls_recorded() -> None:
    recording = generate.load_recording()
    assert set(recording) == set(CATALOG)
    local = _committed("modules/bot_runtime/catalog.tf.json")
    readable = {action.split(":")[0] for action in local["catalog_read_actions"]}
    for tf_type, phases in recording.items():
        # A type Slack never deletes (its executor refuses, calling nothing) has no delete calls.
        refused = hasattr(DELETE[tf_type], "refuses")
        assert phases.get("describe") and (refused or phases.get("delete")), tf_type
        changing = generate.type_changing_actions(tf_type, phases.get("delete", ()))
        assert changing <= set(local["catalog_delete_actions"].get(tf_type, ())), tf_type
        assert {call.split(":")[0] for phase in phases.values() for call in phase} <= readable, tf_type


def test_recorded_calls_become_the_iam_actions_they_need() -> None:
    emptying = ["s3:ListObjectVersions", "s3:DeleteObjects", "s3:DeleteBucket", "s3:HeadBucket"]
    assert generate.changing_actions(emptying) == {"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket"}
    assert generate.changing_actions(["apigateway:GetRestApi", "apigateway:DeleteRestApi"]) == {"apigateway:DELETE"}
    assert generate.call_actions("s3:HeadBucket") == ("s3:ListBucket",)
    assert generate.call_actions("rds:DeleteDBInstance") == ("rds:DeleteDBInstance", "rds:CreateDBSnapshot")
    assert generate.call_name("monitoring", "DeleteAlarms") == "cloudwatch:DeleteAlarms"
    assert generate.call_name("elasticloadbalancing", "DeleteLoadBalancer") == "elasticloadbalancing:DeleteLoadBalancer"
    entry = _entry("s3.amazonaws.com", ("CreateBucket",), ("DeleteBucket",))
    recording = {"aws_example": {"delete": emptying, "describe": ["s3:GetBucketTagging", "sts:GetCallerIdentity"]}}
    assert generate.delete_actions([entry], recording) == {
        "aws_example": ["s3:DeleteBucket", "s3:DeleteObject", "s3:DeleteObjectVersion"]
    }
    # A reader's call to another service is granted that service's reads too.
    assert generate.read_prefixes([entry], recording) == ["s3", "sts", "tag"]


def test_a_reader_that_writes_or_reads_denied_data_stops_the_generation() -> None:
    entry = _entry("s3.amazonaws.com", ("CreateBucket",), ())
    with pytest.raises(ValueError, match=r"describe changes something .* readers and listers only read"):
        generate.read_actions([entry], {"aws_example": {"describe": ["s3:PutBucketTagging"]}})
    with pytest.raises(ValueError, match="scan changes something"):
        generate.read_actions([entry], {"aws_example": {"scan": ["s3:DeleteBucket"]}})
    with pytest.raises(ValueError, match="reads data the roles deny: s3:GetObject"):
        generate.read_actions([entry], {"aws_example": {"describe": ["s3:GetObject"]}})


def test_the_recorder_sees_every_call_and_what_the_recording_lacks(aws_client: Any) -> None:
    from tests.aws_calls import CallRecorder

    recorder = CallRecorder(aws_client)
    s3 = recorder.factory("aws_s3_bucket", "describe")("s3", "us-east-1")
    s3.create_bucket(Bucket="recorded")
    s3.get_bucket_versioning(Bucket="recorded")
    aws_client("s3").list_buckets()  # a client the recorder did not make is not recorded
    assert recorder.calls == {("aws_s3_bucket", "describe"): {"s3:CreateBucket", "s3:GetBucketVersioning"}}
    recording = {"aws_s3_bucket": {"describe": ["s3:GetBucketVersioning"]}}
    assert recorder.missing(recording) == {("aws_s3_bucket", "describe"): ["s3:CreateBucket"]}


@pytest.fixture
def delivery(aws_endpoint: str, aws_client: Any) -> Any:
    """The committed patterns as EventBridge rules (moto) feeding one SQS queue; yields a function that puts
    events and returns the (eventSource, eventName) pairs that reached the queue."""
    events = aws_client("events")
    sqs = aws_client("sqs")
    queue_url = sqs.create_queue(QueueName="tfsync-test-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for key, pattern in _committed("modules/detection/catalog.tf.json")["catalog_event_patterns"].items():
        events.put_rule(Name=f"tfsync-cloudtrail-{key}", EventPattern=json.dumps(pattern, separators=(",", ":")))
        events.put_targets(Rule=f"tfsync-cloudtrail-{key}", Targets=[{"Id": "queue", "Arn": queue_arn}])

    def put(records: list[dict[str, Any]]) -> set[tuple[str, str]]:
        for start in range(0, len(records), 10):
            batch = records[start : start + 10]
            entries_ = [
                {
                    "Source": "aws." + generate.iam_prefix(r["eventSource"]),
                    "DetailType": CLOUDTRAIL_DETAIL_TYPE,
                    "Detail": json.dumps(r),
                }
                for r in batch
            ]
            assert events.put_events(Entries=entries_)["FailedEntryCount"] == 0
        got: set[tuple[str, str]] = set()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                break
            for message in messages:
                detail = json.loads(message["Body"])["detail"]
                got.add((detail["eventSource"], detail["eventName"]))
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return got

    return put


def test_eventbridge_delivers_the_corpus_creates_of_catalog_types_and_nothing_else(delivery: Any) -> None:
    records = [corpus_record(row["file"]) for row in corpus_records() if (CORPUS / row["file"]).is_file()]
    records = [r for r in records if isinstance(r.get("eventSource"), str) and isinstance(r.get("eventName"), str)]
    expected = {(r["eventSource"], r["eventName"]) for r in records} & _catalog_pairs()
    assert expected, "the corpus holds creates of catalog types"
    got = delivery(records)
    assert got == expected


def test_eventbridge_keeps_an_event_name_to_its_own_service(delivery: Any) -> None:
    (source, name), *_ = sorted(_catalog_pairs())
    other = next(s for s, _ in sorted(_catalog_pairs()) if s != source and (s, name) not in _catalog_pairs())
    got = delivery([{"eventSource": other, "eventName": name}, {"eventSource": source, "eventName": name}])
    assert got == {(source, name)}
