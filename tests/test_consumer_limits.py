"""One message at a time through MessageHandler, against moto: DynamoDB's limits met with a reason, dedupe by
eventID and content, bounded concurrent writes in per-resource order, and ignore rules that apply at once."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.classify import Classifier
from bot.config import Settings
from bot.consumer import ClassifierSource, ConsumerStats, MessageHandler, Outcome, RecordStore, handling, limits
from bot.events import CloudTrailRecord
from bot.memory import MemoryBudget
from bot.notifier import RecordChange
from bot.state import Detection, IgnoreRuleRecord, StateRepository, generation, resource_id
from bot.state.tables import ResourceModel
from tests.consumer_events import create_bucket_record, delete_bucket_record, event_id, eventbridge, put_log_file

ACCOUNT, REGION = "999999999999", "ap-northeast-1"  # the corpus record's


class Notifier:
    def __init__(self) -> None:
        self.changes: list[RecordChange] = []

    async def notify(self, change: RecordChange) -> bool:
        self.changes.append(change)
        return True


def message(body: str, n: int = 1) -> dict[str, Any]:
    return {"MessageId": f"m-{n}", "ReceiptHandle": f"r-{n}", "Body": body}


@pytest.fixture
def settings(state_env: dict[str, str]) -> Settings:
    return Settings.from_env(state_env)


@pytest.fixture
def make_handler(settings: Settings, aws_client: Callable[..., Any]) -> Callable[..., MessageHandler]:
    def make(store: Any = None, classifiers: ClassifierSource | None = None) -> MessageHandler:
        repo = StateRepository(settings)
        stats = ConsumerStats()
        store = store or RecordStore(repo, Notifier(), stats, lambda: datetime.now(UTC), 60.0)
        classifiers = classifiers or ClassifierSource.fixed(settings, Classifier())
        return MessageHandler(settings, repo, aws_client("s3"), classifiers, store, stats, budget=MemoryBudget())

    return make


def stored() -> dict[str, Any]:
    return {item.import_id: item for item in ResourceModel.scan()}


# Oversize and odd records ------------------------------------------------------------------------------------------


async def test_an_eventid_too_long_for_a_key_is_stored_hashed_and_still_deduplicated(make_handler, caplog):
    long_id = "e" * 3000
    body = eventbridge(create_bucket_record("tfsync-long-id", long_id))
    handler = make_handler()
    with caplog.at_level(logging.WARNING, logger="bot.consumer"):
        assert await handler.handle(message(body, 1)) is Outcome.DONE
        assert await handler.handle(message(body, 2)) is Outcome.DONE  # a redelivery, under another message id

    record = stored()["tfsync-long-id"]
    hashed = limits.stored_event_id(long_id)
    assert hashed.startswith("sha256:") and record.event_id == hashed and set(record.event_ids) == {hashed}
    assert handler.stats.records_created == 1 and handler.stats.events_skipped == 1
    assert any(f"eventID of 3000 bytes is over {limits.MAX_ID_BYTES}" in r.getMessage() for r in caplog.records)
    assert not any(r.exc_info for r in caplog.records)


async def test_a_tag_set_too_large_for_an_item_is_cut_with_a_reason_and_the_resource_recorded(make_handler, caplog):
    record = create_bucket_record("tfsync-many-tags", event_id(1, "tags"))
    tags = [{"Key": f"key-{n:05d}", "Value": "v" * 100} for n in range(4000)]  # some 480 KB of tags
    record["requestParameters"]["CreateBucketConfiguration"]["Tags"] = tags
    handler = make_handler()
    with caplog.at_level(logging.WARNING, logger="bot.consumer"):
        assert await handler.handle(message(eventbridge(record))) is Outcome.DONE

    item = stored()["tfsync-many-tags"]
    kept = item.tags.as_dict()
    assert 0 < len(kept) < len(tags)
    assert list(kept) == [t["Key"] for t in tags[: len(kept)]]  # the first ones, whole
    assert len(json.dumps(item.serialize())) < limits.MAX_ITEM_BYTES
    assert any("4000 tags of" in r.getMessage() and f"kept the first {len(kept)}" in r.getMessage()
               for r in caplog.records)
    assert not any(r.exc_info for r in caplog.records)


async def test_an_import_id_longer_than_any_aws_identifier_is_a_problem_not_a_traceback(make_handler, caplog):
    odd = create_bucket_record("b" * 5000, event_id(1, "odd"))
    handler = make_handler()
    with caplog.at_level(logging.WARNING, logger="bot.consumer"):
        assert await handler.handle(message(eventbridge(odd))) is Outcome.MALFORMED
    assert stored() == {}
    [line] = [r.getMessage() for r in caplog.records if "is malformed" in r.getMessage()]
    assert "the import ID is 5000 bytes, longer than any AWS identifier (2048): not recorded" in line


def test_fitting_leaves_a_normal_detection_alone_and_cuts_long_fields() -> None:
    record = CloudTrailRecord(create_bucket_record("tfsync-normal", event_id(1)), "t")
    (resource,) = Classifier().classify(record).resources
    detection = Detection(resource, record.event_id, record.event_name, record.event_time)
    fitted = limits.fit_detection(detection)
    assert fitted.detection == detection and fitted.notes == [] and fitted.problem is None
    from dataclasses import replace

    long_actor = replace(detection, resource=replace(resource, actor="a" * 20_000))
    cut = limits.fit_detection(long_actor)
    assert cut.detection is not None and len(cut.detection.resource.actor.encode()) <= limits.MAX_FIELD_BYTES
    assert cut.detection.resource.actor.endswith("[cut]") and cut.notes == ["actor of 20000 bytes cut to 8192"]
    assert cut.detection.resource_id == detection.resource_id  # identity is never cut


def test_a_delete_records_long_actor_and_id_are_cut_for_the_audit() -> None:
    raw = delete_bucket_record("tfsync-x", "d" * 2000, at=5)
    raw["userIdentity"]["arn"] = "arn:" + "x" * 10_000
    fitted, notes = limits.fit_record(CloudTrailRecord(raw, "t"))
    assert fitted.event_id == limits.stored_event_id("d" * 2000)
    assert len(fitted.user_identity["arn"].encode()) <= limits.MAX_FIELD_BYTES
    assert len(notes) == 2


# Dedupe by eventID and content -------------------------------------------------------------------------------------


async def test_two_events_sharing_an_eventid_are_both_stored_with_a_warning(make_handler, caplog):
    common = event_id(1, "common")
    first = eventbridge(create_bucket_record("tfsync-first", common))
    second = eventbridge(create_bucket_record("tfsync-second", common))
    handler = make_handler()
    with caplog.at_level(logging.WARNING, logger="bot.consumer"):
        assert await handler.handle(message(first, 1)) is Outcome.DONE
        assert await handler.handle(message(second, 2)) is Outcome.DONE
        assert await handler.handle(message(first, 3)) is Outcome.DONE  # a genuine redelivery
    assert set(stored()) == {"tfsync-first", "tfsync-second"}
    warnings = [r.getMessage() for r in caplog.records if "seen with other content" in r.getMessage()]
    assert len(warnings) == 1 and common in warnings[0]
    assert handler.stats.events_skipped == 1 and handler.stats.records_created == 2


async def test_a_collision_inside_one_log_file_and_an_identical_copy(make_handler, aws_client, caplog):
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="trail-logs")
    common = event_id(2, "common")
    a, b = create_bucket_record("tfsync-in-file-a", common), create_bucket_record("tfsync-in-file-b", common)
    body = put_log_file(s3, "trail-logs", "AWSLogs/x/CloudTrail/r/2026/01/01/f.json.gz", [a, b, a])
    handler = make_handler()
    with caplog.at_level(logging.WARNING, logger="bot.consumer"):
        assert await handler.handle(message(body)) is Outcome.DONE
    assert set(stored()) == {"tfsync-in-file-a", "tfsync-in-file-b"}
    assert sum("seen with other content" in r.getMessage() for r in caplog.records) == 1
    assert handler.stats.events_skipped == 1  # the identical copy


def test_the_digest_is_of_the_call_not_of_the_delivery() -> None:
    raw = create_bucket_record("tfsync-d", event_id(1))
    copy = dict(raw, userAgent="another agent", additionalEventData={"x": 1}, responseElements={"y": 2})
    other = create_bucket_record("tfsync-e", event_id(1))
    digest = limits.content_digest(CloudTrailRecord(raw, "a"))
    assert limits.content_digest(CloudTrailRecord(copy, "b")) == digest
    assert limits.content_digest(CloudTrailRecord(other, "c")) != digest
    markers = limits.markers(CloudTrailRecord(raw, "a"))
    assert markers is not None and markers.id_key == f"event:{event_id(1)}"
    assert markers.content_key == f"event:{event_id(1)}#{digest}"


# Bounded concurrent writes -----------------------------------------------------------------------------------------


class CountingStore:
    """Stands in for RecordStore: counts writes in flight, in all and per resource, and their order."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.most = 0
        self.per_resource: dict[str, int] = defaultdict(int)
        self.overlaps: list[str] = []
        self.calls: list[tuple[str, str]] = []

    async def _write(self, rids: set[str], what: str) -> bool:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        for rid in rids:
            self.per_resource[rid] += 1
            if self.per_resource[rid] > 1:
                self.overlaps.append(rid)
            self.calls.append((rid, what))
        for _ in range(5):  # yield to every other write that can start
            await asyncio.sleep(0)
        for rid in rids:
            self.per_resource[rid] -= 1
        self.in_flight -= 1
        return True

    async def store(self, detection: Detection, owner: str) -> bool:
        return await self._write({detection.resource_id}, "create")

    async def mark_gone(self, rids: Any, record: CloudTrailRecord, owner: str) -> bool:
        return await self._write(set(rids), "delete")


async def test_a_log_files_detections_are_stored_concurrently_and_each_resource_in_order(make_handler, aws_client):
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="trail-logs")
    creates = [create_bucket_record(f"tfsync-many-{n:03d}", event_id(n, "many"), at=n) for n in range(40)]
    # The same bucket made, deleted and made again: these three must run one after the other, in this order.
    again = [create_bucket_record("tfsync-many-000", event_id(1, "again"), at=100),
             delete_bucket_record("tfsync-many-000", event_id(2, "again"), at=101),
             create_bucket_record("tfsync-many-000", event_id(3, "again"), at=102)]
    body = put_log_file(s3, "trail-logs", "AWSLogs/x/CloudTrail/r/2026/01/01/many.json.gz", creates + again)
    store = CountingStore()
    handler = make_handler(store=store)

    assert await handler.handle(message(body)) is Outcome.DONE

    assert store.most == handling.STORE_CONCURRENCY
    assert store.overlaps == []
    rid = resource_id(ACCOUNT, REGION, "aws_s3_bucket", "tfsync-many-000")
    assert [what for r, what in store.calls if r == rid] == ["create", "create", "delete", "create"]
    assert len([c for c in store.calls if c[1] == "create"]) == 42


# A new ignore rule applies to the very next message ----------------------------------------------------------------


async def test_a_rule_made_or_removed_elsewhere_applies_to_the_next_message(make_handler, settings):
    repo = StateRepository(settings)
    classifiers = ClassifierSource(settings, repo)
    await classifiers.refresh()
    handler = make_handler(classifiers=classifiers)
    rule = IgnoreRuleRecord(rule_id="r-1", scope="name", created_by="U1", created_at=datetime.now(UTC),
                            name_pattern="tfsync-rule-*")

    # Another replica stores the rule and bumps the generation; this one has not refreshed since.
    await repo.put_rule(rule)
    await generation.bump()
    assert await handler.handle(message(eventbridge(create_bucket_record("tfsync-rule-1", event_id(1, "r"))), 1)) \
        is Outcome.DONE
    assert stored() == {}

    await repo.delete_rule("r-1")
    await generation.bump()
    assert await handler.handle(message(eventbridge(create_bucket_record("tfsync-rule-2", event_id(2, "r"))), 2)) \
        is Outcome.DONE
    assert set(stored()) == {"tfsync-rule-2"}


async def test_the_generation_counts_bumps_and_is_read_only_when_rules_may_matter(settings, make_handler, monkeypatch):
    StateRepository(settings)
    assert await generation.current() == 0
    assert await generation.bump() == 1 and await generation.bump() == 2
    assert await generation.current() == 2
    classifiers = ClassifierSource(settings, StateRepository(settings))
    reads = []
    real = generation.current

    async def counted() -> int:
        reads.append(1)
        return await real()

    monkeypatch.setattr(generation, "current", counted)
    handler = make_handler(classifiers=classifiers)
    noise = create_bucket_record("x", event_id(1, "noise"))
    noise["eventName"], noise["readOnly"] = "ListBuckets", True
    assert await handler.handle(message(eventbridge(noise), 1)) is Outcome.DONE
    assert reads == []  # read-only noise never pays for it
    assert await handler.handle(message(eventbridge(create_bucket_record("tfsync-g", event_id(2, "g"))), 2)) \
        is Outcome.DONE
    assert reads == [1, 1]  # the check, then the rules' read at the generation it saw
    assert await handler.handle(message(eventbridge(create_bucket_record("tfsync-h", event_id(3, "g"))), 3)) \
        is Outcome.DONE
    assert reads == [1, 1, 1]  # unchanged: one GetItem, no rules read


async def test_messages_arriving_together_share_one_generation_read_but_never_an_older_one(settings, monkeypatch):
    classifiers = ClassifierSource(settings, StateRepository(settings))
    await classifiers.refresh()
    reads = []
    real = generation.current
    release, started = asyncio.Event(), asyncio.Event()

    async def slow() -> int:
        value = await real()  # read now, answered later: a read in flight
        reads.append(1)
        started.set()
        await release.wait()
        return value

    monkeypatch.setattr(generation, "current", slow)
    together = [asyncio.create_task(classifiers.ensure_current()) for _ in range(10)]
    await started.wait()  # the first read reached DynamoDB and is held there
    assert len(reads) == 1  # one read in flight; the other nine wait for the next, which they share
    # A rule written now comes after the read in flight began: nothing arriving now may take that read's answer.
    await generation.bump()
    later = asyncio.create_task(classifiers.ensure_current())
    await asyncio.sleep(0)  # it has asked, and waits behind the read in flight
    release.set()
    answers = await asyncio.gather(*together)
    assert answers[0] is False and answers[1:] == [True] * 9
    assert await later is True
    # The read in flight, the one the others shared, and the rules' read at the generation that one found.
    assert len(reads) == 3


async def test_a_log_file_that_can_never_be_read_is_malformed_and_one_that_cannot_be_fetched_is_retried(
    make_handler, aws_client, caplog,
):
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="trail-bombs")
    # Inflates far past the limit: reading it again on every delivery would only burn the same CPU again.
    s3.put_object(Bucket="trail-bombs", Key="AWSLogs/bomb.json.gz", Body=gzip.compress(b" " * (2 << 20)))
    bomb = json.dumps({"s3Bucket": "trail-bombs", "s3ObjectKey": ["AWSLogs/bomb.json.gz"]})
    missing = json.dumps({"s3Bucket": "trail-bombs", "s3ObjectKey": ["AWSLogs/not-there.json.gz"]})
    handler = make_handler()
    handler.settings = replace(handler.settings, max_log_file_bytes=1 << 20)
    with caplog.at_level(logging.WARNING, logger="bot.consumer"):
        assert await handler.handle(message(bomb, 1)) is Outcome.MALFORMED
    assert any("over the 1048576-byte limit" in r.getMessage() or "inflates past" in r.getMessage()
               for r in caplog.records)
    assert await handler.handle(message(missing, 2)) is Outcome.FAILED
