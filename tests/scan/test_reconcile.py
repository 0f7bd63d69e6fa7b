"""The scheduled reconciliation: infra/'s EventBridge schedule puts a constant event on the queue, the consumer hands
it to the scans, and a reconciliation scan records what no creation event reported (source `reconcile`), once per
resource; the in-process timer does the same for a bot without the schedule."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app import service_event_handler
from bot.accounts import AccountAccess
from bot.backlog import ScanDefaults, ScanOutcome, ScanService, run_reconciler
from bot.classify import Classifier
from bot.config import Settings
from bot.consumer import ClassifierSource, Consumer
from bot.events import SERVICE_DETAIL_TYPES, parse_body
from bot.runners import RecordingReporter
from bot.scan import Scanner
from bot.state import StateRepository, Status
from tests.codegen.helpers import ACCOUNT
from tests.paths import ROOT
from tests.runners.helpers import decisions_for
from tests.runners.test_local import _runner
from tests.test_consumer import drained, running, settings_for

Aws = Callable[..., Any]
DETECTION = ROOT / "infra" / "modules" / "detection" / "main.tf"


def schedule_event() -> dict[str, Any]:
    """The event the detection module's reconcile target sends, read from its `input`."""
    block = DETECTION.read_text(encoding="utf-8").split('resource "aws_cloudwatch_event_target" "reconcile"')[1]
    detail_type = re.search(r'"detail-type" = "([^"]+)"', block)
    source = re.search(r'source\s+= "([^"]+)"', block)
    assert detail_type and source, "the reconcile target's input names its detail-type and source"
    return {"version": "0", "source": source.group(1), "detail-type": detail_type.group(1), "detail": {}}


class Told:
    def __init__(self) -> None:
        self.outcomes: list[ScanOutcome] = []
        self.told = asyncio.Event()

    async def scan_recorded(self, outcome: ScanOutcome) -> None:
        self.outcomes.append(outcome)
        self.told.set()


def scans(env: dict[str, str], repo: StateRepository, observer: Told) -> ScanService:
    settings = Settings.from_env({**env, "TFSYNC_ACCOUNT_ID": ACCOUNT})
    scanner = Scanner(AccountAccess(settings).scan_client)
    return ScanService(scanner, repo, ScanDefaults(("us-east-1",), lambda: (ACCOUNT,), ("aws_s3_bucket",)),
                       observer=observer)


def test_the_schedules_event_is_the_reconciliation() -> None:
    [event] = parse_body(json.dumps(schedule_event()), "sqs:m-1", 1 << 20).service_events
    assert event.kind == "reconcile" == SERVICE_DETAIL_TYPES[event.event["detail-type"]]


async def test_the_queued_schedule_event_runs_a_reconciliation_scan(
        state_env: dict[str, str], queue_with_dlq: tuple[str, str], aws_client: Aws, tmp_path: Path) -> None:
    queue_url, _ = queue_with_dlq
    aws_client("s3").create_bucket(Bucket="no-event-ever-came")
    repo = StateRepository(Settings.from_env(state_env))
    told = Told()
    service = scans(state_env, repo, told)
    decisions = decisions_for(repo, _runner(tmp_path / "none.git", "http://unused"), RecordingReporter())
    settings = settings_for(state_env, queue_url)
    consumer = Consumer(settings, repo, aws_client("sqs"), aws_client("s3"),
                        ClassifierSource.fixed(settings, Classifier()), _Quiet(),
                        service_events=service_event_handler(decisions, service))
    sqs = aws_client("sqs")
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(schedule_event()))
    async with running([consumer]):
        await drained(sqs, queue_url)
        await asyncio.wait_for(told.told.wait(), 60)
    await service.drain()
    [outcome] = told.outcomes
    assert outcome.source == "reconcile" and outcome.requested_by == "schedule"
    [record] = outcome.new
    assert (record.name, record.source, record.status) == ("no-event-ever-came", "reconcile", Status.DETECTED.value)
    assert [e.reason for e in await repo.history(record.resource_id)] == ["found by the scheduled reconciliation"]


async def test_the_timer_reconciles_every_period_until_stopped(state_env: dict[str, str], aws_client: Aws) -> None:
    aws_client("s3").create_bucket(Bucket="found-on-the-timer")
    repo = StateRepository(Settings.from_env(state_env))
    told = Told()
    stop = asyncio.Event()
    task = asyncio.create_task(run_reconciler(scans(state_env, repo, told), stop, 0.2))
    await asyncio.wait_for(told.told.wait(), 30)
    stop.set()
    await asyncio.wait_for(task, 30)
    assert told.outcomes[0].source == "reconcile"
    assert [r.name for r in told.outcomes[0].new] == ["found-on-the-timer"]
    assert all(o.new == [] for o in told.outcomes[1:]), "a resource is recorded once, however often it is found"


class _Quiet:
    async def notify(self, change: Any) -> bool:
        return True
