"""`python -m bot worker` as a real process against the moto server: SIGKILL at random points, SIGTERM."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.state.tables import AuditModel, ResourceModel
from tests.conftest import ROOT, create_queue_with_dlq
from tests.consumer_events import create_bucket_record, event_id, eventbridge, send_all

KILLS = 20
EVENTS_PER_ROUND = 6
DUPLICATES_PER_ROUND = 2
# More receives than there are kills, so that a message caught in every kill (a slow machine handles few messages
# in the moments before each kill) is never moved to the DLQ: this test is about the worker losing or repeating
# nothing, not about the redrive policy (tests/test_consumer.py covers that).
CHAOS_MAX_RECEIVES = KILLS + 5
_CREATED = re.compile(r"resource (r-[a-z2-7]+) created")


def worker_env(env: dict[str, str], queue_url: str, visibility: int) -> dict[str, str]:
    return {
        **os.environ,
        **env,
        "TFSYNC_QUEUE_URL": queue_url,
        "TFSYNC_VISIBILITY_TIMEOUT": str(visibility),
        "TFSYNC_RECEIVE_WAIT_SECONDS": "1",
        "TFSYNC_SHUTDOWN_SECONDS": str(visibility // 2),
        "TFSYNC_LOG_LEVEL": "INFO",
    }


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "bot", "worker"], cwd=ROOT, env=env, stdout=out, stderr=out)


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def queue_counts(sqs: Any, url: str) -> tuple[int, int]:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(attributes["ApproximateNumberOfMessagesNotVisible"])


def drain_and_stop(env: dict[str, str], sqs: Any, url: str, log: Path, timeout: float) -> int:
    """Run one worker until the queue stays empty, SIGTERM it, and return its exit code."""
    worker = start_worker(env, log)
    try:
        quiet, deadline = 0, time.monotonic() + timeout
        while quiet < 3:
            assert time.monotonic() < deadline, "the queue did not drain in time"
            time.sleep(0.2)
            quiet = quiet + 1 if queue_counts(sqs, url) == (0, 0) else 0
        worker.send_signal(signal.SIGTERM)
        return worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def test_sigkill_at_random_points_loses_and_duplicates_nothing(
    state_env: dict[str, str], aws_client: Callable[..., Any], tmp_path: Path
) -> None:
    sqs = aws_client("sqs")
    url, dlq_url = create_queue_with_dlq(sqs, "tfsync-chaos", CHAOS_MAX_RECEIVES)
    env = worker_env(state_env, url, visibility=2)
    log = tmp_path / "worker.log"
    rng = random.Random(1729)
    expected: set[str] = set()
    for round_ in range(KILLS):
        chunk = []
        for i in range(EVENTS_PER_ROUND):
            name = f"tfsync-chaos-{round_:02d}-{i:02d}"
            expected.add(name)
            chunk.append(eventbridge(create_bucket_record(name, event_id(round_ * 100 + i, "chaos"))))
        bodies = chunk + rng.sample(chunk, DUPLICATES_PER_ROUND)
        rng.shuffle(bodies)
        send_all(sqs, url, bodies)
        mark = log.stat().st_size if log.exists() else 0
        worker = start_worker(env, log)
        try:
            wait_for(lambda at=mark: b"consuming" in log.read_bytes()[at:], 15, "the worker to start consuming")
            time.sleep(rng.uniform(0.05, 0.4))
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        assert worker.returncode == -signal.SIGKILL

    assert drain_and_stop(env, sqs, url, log, timeout=60) == 0
    # First: a message parked in the DLQ would leave its record's notification pending, and say less.
    assert queue_counts(sqs, dlq_url) == (0, 0)

    records = list(ResourceModel.scan())
    assert len(records) == len(expected)
    assert {r.import_id for r in records} == expected
    assert all(r.version == 1 and r.status == "detected" for r in records)
    # Every change reached the notifier (pending cleared), and every record has its one creation audit entry.
    assert [r.import_id for r in records if r.notify_version is not None] == []
    audit = list(AuditModel.scan())
    assert sorted((a.resource_id, int(a.version)) for a in audit) == sorted((r.resource_id, 1) for r in records)
    notified = set(_CREATED.findall(log.read_text()))
    assert notified == {r.resource_id for r in records}


def test_sigterm_finishes_or_releases_in_flight_messages_and_exits_0_within_the_visibility_timeout(
    state_env: dict[str, str], aws_client: Callable[..., Any], tmp_path: Path
) -> None:
    visibility = 6
    sqs = aws_client("sqs")
    url, _ = create_queue_with_dlq(sqs, "tfsync-term", 5)
    env = worker_env(state_env, url, visibility=visibility)
    log = tmp_path / "worker.log"
    names = [f"tfsync-term-{i:02d}" for i in range(20)]
    send_all(sqs, url, [eventbridge(create_bucket_record(n, event_id(i, "term"))) for i, n in enumerate(names)])
    worker = start_worker(env, log)
    try:
        wait_for(lambda: queue_counts(sqs, url)[1] > 0, 15, "messages in flight")
        started = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        returncode = worker.wait(timeout=visibility)
        elapsed = time.monotonic() - started
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert returncode == 0
    assert elapsed < visibility
    # Nothing is left hidden: every message it held was finished (deleted) or released (visible again).
    assert queue_counts(sqs, url)[1] == 0
    assert "stopped:" in log.read_text()

    assert drain_and_stop(env, sqs, url, log, timeout=60) == 0
    assert sorted(r.import_id for r in ResourceModel.scan()) == names


def test_worker_without_a_queue_is_a_configuration_error(state_env: dict[str, str]) -> None:
    env = {k: v for k, v in {**os.environ, **state_env}.items() if k != "TFSYNC_QUEUE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "worker"], cwd=ROOT, env=env, capture_output=True, timeout=30, check=False
    )
    assert done.returncode == 2
    assert b"TFSYNC_QUEUE_URL" in done.stderr
