"""The consumer against moto over HTTP: each event handled once in effect, whatever SQS and the replicas do."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from time import monotonic
from typing import Any

import pytest

from bot.classify import Classifier
from bot.config import Settings
from bot.consumer import ClassifierSource, Consumer, delete_candidates
from bot.events import CloudTrailRecord
from bot.notifier import RecordChange
from bot.state import Detection, StateRepository, Status, resource_id
from bot.state.tables import AuditModel, DedupeModel, ResourceModel
from tests.conftest import MAX_RECEIVE_COUNT
from tests.consumer_events import (
    create_bucket_record,
    delete_bucket_record,
    event_id,
    eventbridge,
    noise_record,
    put_log_file,
    send_all,
)

ACCOUNT = "999999999999"  # the corpus record's account
REGION = "ap-northeast-1"  # and region


class RecordingNotifier:
    """Keeps every change; can fail the first call for chosen resources, or be slow."""

    def __init__(self, fail_once: set[str] | None = None, delay: float = 0.0) -> None:
        self.changes: list[RecordChange] = []
        self.failures: list[str] = []
        self.fail_once = set(fail_once or ())
        self.delay = delay

    async def notify(self, change: RecordChange) -> bool:
        if self.delay:
            await asyncio.sleep(self.delay)
        name = change.record.import_id
        if name in self.fail_once:
            self.fail_once.discard(name)
            self.failures.append(name)
            raise RuntimeError(f"notifier down for {name}")
        self.changes.append(change)
        return True


def settings_for(env: dict[str, str], queue_url: str, **extra: str) -> Settings:
    return Settings.from_env(
        {
            **env,
            "TFSYNC_QUEUE_URL": queue_url,
            "TFSYNC_VISIBILITY_TIMEOUT": "3",
            "TFSYNC_RECEIVE_WAIT_SECONDS": "1",
            "TFSYNC_SHUTDOWN_SECONDS": "1",
            **extra,
        }
    )


@pytest.fixture
def make_consumer(aws_client: Callable[..., Any]) -> Iterator[Callable[..., Consumer]]:
    """Consumers made inside the test's event loop, whose AWS calls share a pool big enough for two replicas."""
    executor = ThreadPoolExecutor(max_workers=32)

    def make(settings: Settings, notifier: Any) -> Consumer:
        asyncio.get_running_loop().set_default_executor(executor)
        return Consumer(
            settings,
            StateRepository(settings),
            aws_client("sqs"),
            aws_client("s3"),
            ClassifierSource.fixed(settings, Classifier()),
            notifier,
        )

    yield make
    executor.shutdown(wait=True)


@contextlib.asynccontextmanager
async def running(consumers: list[Consumer]) -> AsyncIterator[None]:
    stop = asyncio.Event()
    tasks = [asyncio.create_task(c.run(stop)) for c in consumers]
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks)


async def drained(sqs: Any, queue_url: str, within: float = 60) -> None:
    """Wait until the queue has stayed empty (nothing visible, nothing in flight) for a moment."""
    deadline = monotonic() + within
    quiet = 0
    while quiet < 3:
        assert monotonic() < deadline, "the queue did not drain in time"
        await asyncio.sleep(0.2)
        attributes = (
            await asyncio.to_thread(
                sqs.get_queue_attributes,
                QueueUrl=queue_url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )
        )["Attributes"]
        quiet = quiet + 1 if all(int(v) == 0 for v in attributes.values()) else 0


async def run_until_drained(consumers: list[Consumer], sqs: Any, queue_url: str) -> None:
    async with running(consumers):
        await drained(sqs, queue_url)


def all_records() -> list[Any]:
    return list(ResourceModel.scan())


async def test_redelivery_x3_of_100_events_makes_100_records_and_100_notifications(
    state_env: dict[str, str], queue_with_dlq: tuple[str, str], aws_client: Callable[..., Any], make_consumer: Any
) -> None:
    queue_url, dlq_url = queue_with_dlq
    sqs = aws_client("sqs")
    bodies = [eventbridge(create_bucket_record(f"tfsync-redelivery-{n:03d}", event_id(n))) for n in range(100)]
    copies = bodies * 3
    random.Random(4).shuffle(copies)
    send_all(sqs, queue_url, copies)
    # Nothing here is meant to time out: a visibility timeout long enough for a loaded machine keeps each message to
    # one receive, so every copy is deleted exactly once (the copies are what is under test, not redelivery).
    settings = settings_for(state_env, queue_url, TFSYNC_VISIBILITY_TIMEOUT="30")
    notifier = RecordingNotifier()
    # Two replicas on one queue, so copies of one event also race each other.
    replicas = [make_consumer(settings, notifier), make_consumer(settings, notifier)]

    await run_until_drained(replicas, sqs, queue_url)

    records = all_records()
    assert len(records) == 100
    assert sorted(r.import_id for r in records) == [f"tfsync-redelivery-{n:03d}" for n in range(100)]
    assert all(r.status == "detected" and r.version == 1 and r.notify_version is None for r in records)
    assert len(notifier.changes) == 100
    assert Counter(c.record.resource_id for c in notifier.changes) == Counter({r.resource_id: 1 for r in records})
    assert {c.kind for c in notifier.changes} == {"created"}
    assert sum(1 for _ in AuditModel.scan()) == 100
    assert sum(c.stats.deleted for c in replicas) == 300
    assert sum(c.stats.records_created for c in replicas) == 100
    assert sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"
    ]["ApproximateNumberOfMessages"] == "0"


async def test_same_event_by_eventbridge_and_log_file_and_a_second_trail_make_one_record(
    state_env: dict[str, str], queue_with_dlq: tuple[str, str], aws_client: Callable[..., Any], make_consumer: Any
) -> None:
    queue_url, _ = queue_with_dlq
    sqs, s3 = aws_client("sqs"), aws_client("s3")
    s3.create_bucket(Bucket="trail-logs")
    record = create_bucket_record("tfsync-two-paths", event_id(1, "paths"))
    second_trail = create_bucket_record("tfsync-two-paths", event_id(2, "paths"))  # another trail, another eventID
    log_file = put_log_file(
        s3, "trail-logs", f"AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/2026/01/01/x.json.gz", [record, noise_record(0)]
    )
    send_all(sqs, queue_url, [eventbridge(record), log_file, eventbridge(second_trail)])
    notifier = RecordingNotifier()

    await run_until_drained([make_consumer(settings_for(state_env, queue_url), notifier)], sqs, queue_url)

    (stored,) = all_records()
    assert stored.import_id == "tfsync-two-paths"
    assert set(stored.event_ids) == {event_id(1, "paths"), event_id(2, "paths")}
    assert stored.version == 1
    assert [c.kind for c in notifier.changes] == ["created"]


async def test_a_failed_notification_is_retried_after_redelivery_and_delivered_once(
    state_env: dict[str, str], queue_with_dlq: tuple[str, str], aws_client: Callable[..., Any], make_consumer: Any
) -> None:
    queue_url, _ = queue_with_dlq
    sqs = aws_client("sqs")
    bodies = [eventbridge(create_bucket_record(f"tfsync-retry-{n}", event_id(n, "retry"))) for n in range(5)]
    send_all(sqs, queue_url, bodies)
    notifier = RecordingNotifier(fail_once={"tfsync-retry-2"})
    consumer = make_consumer(settings_for(state_env, queue_url, TFSYNC_VISIBILITY_TIMEOUT="2"), notifier)

    await run_until_drained([consumer], sqs, queue_url)

    assert notifier.failures == ["tfsync-retry-2"]
    assert sorted(c.record.import_id for c in notifier.changes) == [f"tfsync-retry-{n}" for n in range(5)]
    assert len(all_records()) == 5
    assert consumer.stats.failed == 1
    assert all(r.notify_version is None for r in all_records())


async def test_deletion_outside_tfsync_marks_the_record_gone_once_and_a_recreation_reopens_it(
    state_env: dict[str, str], queue_with_dlq: tuple[str, str], aws_client: Callable[..., Any], make_consumer: Any
) -> None:
    queue_url, _ = queue_with_dlq
    sqs = aws_client("sqs")
    settings = settings_for(state_env, queue_url)
    notifier = RecordingNotifier()
    consumer = make_consumer(settings, notifier)
    created = create_bucket_record("tfsync-short-lived", event_id(1, "gone"), at=10)
    deleted = delete_bucket_record("tfsync-short-lived", event_id(2, "gone"), at=20)
    rid = resource_id(ACCOUNT, REGION, "aws_s3_bucket", "tfsync-short-lived")
    async with running([consumer]):
        send_all(sqs, queue_url, [eventbridge(created)])
        await drained(sqs, queue_url)
        send_all(sqs, queue_url, [eventbridge(deleted), eventbridge(deleted)])
        await drained(sqs, queue_url)

        (stored,) = all_records()
        assert stored.status == Status.GONE and stored.version == 2
        assert [c.kind for c in notifier.changes] == ["created", "gone"]
        history = await StateRepository(settings).history(rid)
        assert [(h.from_status, h.to_status) for h in history] == [("", "detected"), ("detected", "gone")]
        assert history[1].actor.endswith("user/test001@test.com")

        # An older creation arriving late (a log file hours after) changes nothing; a new creation reopens.
        late = create_bucket_record("tfsync-short-lived", event_id(9, "gone"), at=5)
        send_all(sqs, queue_url, [eventbridge(late)])
        await drained(sqs, queue_url)
        assert (await StateRepository(settings).get(rid)).status == Status.GONE
        recreated = create_bucket_record("tfsync-short-lived", event_id(3, "gone"), at=30)
        send_all(sqs, queue_url, [eventbridge(recreated)])
        await drained(sqs, queue_url)

    (stored,) = all_records()
    assert stored.status == Status.DETECTED and stored.version == 3 and stored.event_id == event_id(3, "gone")
    assert [c.kind for c in notifier.changes] == ["created", "gone", "reopened"]


async def test_malformed_bodies_reach_the_dlq_after_max_receives_with_the_reason_logged_once(
    state_env: dict[str, str],
    queue_with_dlq: tuple[str, str],
    aws_client: Callable[..., Any],
    make_consumer: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue_url, dlq_url = queue_with_dlq
    sqs = aws_client("sqs")
    no_bucket = create_bucket_record("x", event_id(1, "bad"))
    del no_bucket["requestParameters"]["bucketName"]
    no_source = create_bucket_record("y", event_id(2, "bad"))
    del no_source["eventSource"]
    malformed = [
        "this is not JSON",
        json.dumps({"Message": "hello", "Subject": "not an envelope tfsync reads"}),
        eventbridge(no_bucket),  # a CreateBucket without the bucket name: the identity is missing
        json.dumps({"detail-type": "AWS API Call via CloudTrail", "detail": no_source, "source": "aws.s3"}),
    ]
    good = [eventbridge(create_bucket_record(f"tfsync-good-{n}", event_id(n, "good"))) for n in range(3)]
    send_all(sqs, queue_url, malformed + good)
    notifier = RecordingNotifier()
    consumer = make_consumer(settings_for(state_env, queue_url), notifier)

    with caplog.at_level(logging.WARNING, logger="bot.consumer"):
        await run_until_drained([consumer], sqs, queue_url)

    dead = []
    while batch := sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages"):
        dead += batch
        sqs.delete_message_batch(
            QueueUrl=dlq_url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)]
        )
    assert sorted(m["Body"] for m in dead) == sorted(malformed)
    assert consumer.stats.malformed == len(malformed)
    lines = [r.getMessage() for r in caplog.records if "is malformed" in r.getMessage()]
    assert len(lines) == len(malformed)
    for message in dead:
        assert sum(message["MessageId"] in line for line in lines) == 1
    assert any("bucketName" in line for line in lines)
    assert any("not JSON" in line for line in lines)
    # Each was received MAX_RECEIVE_COUNT times, then moved; the good ones once.
    assert consumer.stats.received == len(malformed) * MAX_RECEIVE_COUNT + len(good)
    assert sorted(r.import_id for r in all_records()) == [f"tfsync-good-{n}" for n in range(3)]


async def test_visibility_is_extended_while_a_slow_notifier_runs(
    state_env: dict[str, str], queue_with_dlq: tuple[str, str], aws_client: Callable[..., Any], make_consumer: Any
) -> None:
    queue_url, _ = queue_with_dlq
    sqs = aws_client("sqs")
    send_all(sqs, queue_url, [eventbridge(create_bucket_record("tfsync-slow", event_id(1, "slow")))])
    settings = settings_for(state_env, queue_url, TFSYNC_VISIBILITY_TIMEOUT="2")
    notifier = RecordingNotifier(delay=3.5)  # well past the 2 s visibility timeout
    first, second = make_consumer(settings, notifier), make_consumer(settings, notifier)

    await run_until_drained([first, second], sqs, queue_url)

    assert first.stats.received + second.stats.received == 1
    assert len(notifier.changes) == 1
    assert first.stats.deleted + second.stats.deleted == 1


async def test_read_only_noise_and_service_events_leave_no_records(
    state_env: dict[str, str], queue_with_dlq: tuple[str, str], aws_client: Callable[..., Any], make_consumer: Any
) -> None:
    queue_url, _ = queue_with_dlq
    sqs = aws_client("sqs")
    send_all(sqs, queue_url, [eventbridge(noise_record(n)) for n in range(8)])
    consumer = make_consumer(settings_for(state_env, queue_url), RecordingNotifier())

    await run_until_drained([consumer], sqs, queue_url)

    assert all_records() == []
    assert consumer.stats.deleted == 8
    # Noise costs no write at all: no record, no marker.
    assert list(DedupeModel.scan()) == []


LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web/50dc6c495c0c9188"


def test_delete_candidates_are_the_identifiers_a_delete_call_names() -> None:
    record = CloudTrailRecord(
        {
            "eventSource": "ec2.amazonaws.com",
            "eventName": "TerminateInstances",
            "requestParameters": {"instancesSet": {"items": [{"instanceId": "i-1"}, {"instanceId": "i-2"}]}},
            "responseElements": {"arn": LB_ARN},
        },
        "test",
    )
    candidates = delete_candidates(record)
    assert candidates[:2] == ["i-1", "i-2"]
    assert LB_ARN in candidates
    assert "50dc6c495c0c9188" in candidates


async def test_an_expired_ignore_goes_back_to_detected_and_is_notified(
    state_env: dict[str, str], make_consumer: Any
) -> None:
    settings = settings_for(state_env, "http://unused.invalid/queue")
    notifier = RecordingNotifier()
    consumer = make_consumer(settings, notifier)
    repo = consumer.repo
    for name, until in (("tfsync-ignore-expired", -1), ("tfsync-ignore-running", 3600)):
        record = create_bucket_record(name, event_id(len(name), "ignore"))
        (resource,) = Classifier().classify(CloudTrailRecord(record, "test")).resources
        rec = await repo.create_detected(Detection(resource, record["eventID"], "CreateBucket", record["eventTime"]),
                                         owner="m", notify_grace=1)
        await repo.transition(
            rec.resource_id, "ignored", expected_status="detected", expected_version=1, actor="U-carol",
            changes={"ignore_scope": "resource", "ignore_until": consumer.clock() + timedelta(seconds=until)},
        )  # fmt: skip

    assert await consumer.reactivate_expired_ignores() == 1

    states = {r.import_id: (r.status, r.ignore_until) for r in all_records()}
    assert states["tfsync-ignore-expired"] == ("detected", None)
    assert states["tfsync-ignore-running"][0] == "ignored"
    assert [(c.kind, c.record.import_id) for c in notifier.changes] == [("reactivated", "tfsync-ignore-expired")]


async def test_codebuild_events_go_to_the_service_event_handler_and_a_failure_is_redelivered(
    state_env: dict[str, str], queue_with_dlq: tuple[str, str], aws_client: Callable[..., Any], make_consumer: Any
) -> None:
    from tests.runners.codebuild_events import state_change

    queue_url, _ = queue_with_dlq
    sqs = aws_client("sqs")
    env = [{"name": "TFSYNC_RESOURCE_ID", "value": "r-abc", "type": "PLAINTEXT"}]
    body = state_change("tfsync-adopt:1234", "tfsync-adopt", "SUCCEEDED", env).decode()
    send_all(sqs, queue_url, [body])
    seen: list[Any] = []
    failures = [RuntimeError("runner busy")]

    async def handler(event: Any) -> None:
        seen.append(event)
        if failures:
            raise failures.pop()

    consumer = make_consumer(settings_for(state_env, queue_url), RecordingNotifier())
    consumer.service_events = handler

    await run_until_drained([consumer], sqs, queue_url)

    # The first hand-off failed, so the message came back and was handed over again, then deleted.
    assert [event.kind for event in seen] == ["codebuild-state", "codebuild-state"]
    assert seen[1].detail["build-status"] == "SUCCEEDED"
    assert consumer.stats.received == 2
    assert consumer.stats.deleted == 1
    assert all_records() == []
