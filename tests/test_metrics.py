"""tfsync's metrics: every line is a CloudWatch embedded metric format (EMF) document, and the consumer, the
decisions and the Slack clients really emit them.

`emf_problems` checks a line against the EMF specification ("Specification: Embedded metric format", Amazon
CloudWatch User Guide): the whole log line is one JSON object; `_aws` holds `Timestamp` (milliseconds since the
epoch, at most two weeks old and two hours ahead) and `CloudWatchMetrics`, an array of metric directives, each with
exactly `Namespace`, `Dimensions` (an array of dimension sets, each an array of at most 30 dimension keys) and
`Metrics` (at most 100 definitions of `Name` and optional `Unit`, one of CloudWatch's units, and
`StorageResolution`, 1 or 60); every dimension key names a top-level member whose value is a string, and every
metric name a top-level member whose value is a number or an array of at most 100 numbers. A log event is at most
256 KB.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import math
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import pytest
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot import logs, metrics
from bot.classify import Classifier, Resource
from bot.config import Settings
from bot.consumer import ClassifierSource, Consumer
from bot.consumer.loop import queue_lag
from bot.decisions import AdoptChoice, DecisionService
from bot.metrics import Metrics
from bot.runners import AdoptJob, JobReporter, JobResult
from bot.runners.job import RESULT_MARKER, parse_result_line, result_from_line
from bot.state import Detection, StateRepository, Status
from sandbox.slack import SlackEmulator
from slack_adapters.client import ErrorCounter
from tests.consumer_events import create_bucket_record, event_id, eventbridge, noise_record, send_all
from tests.runners.codebuild_events import state_change
from tests.runners.helpers import NoRemover
from tests.slack.conftest import Harness, make_workspace, running
from tests.test_consumer import RecordingNotifier, run_until_drained, settings_for

UNITS = frozenset({
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits",
    "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second",
    "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
    "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
})  # fmt: skip
MAX_EVENT_BYTES = 256 * 1024
TWO_WEEKS_MS, TWO_HOURS_MS = 14 * 24 * 3600 * 1000, 2 * 3600 * 1000
# The values each dimension may take: a handful, never a resource's name.
DIMENSION_VALUES: dict[str, Callable[[str], bool]] = {
    "Verdict": lambda v: v in {"detected", "ignored", "managed", "unsupported", "error"},
    "Kind": lambda v: v in {"adopt", "delete", "ignore"},
    "Outcome": lambda v: v in {"started", "succeeded", "failed"},
    "Reason": lambda v: v in {"failed", "malformed"},
    "Error": lambda v: bool(v) and len(v) <= 64 and v.isascii() and " " not in v,
}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _directive_problems(directive: Any, root: dict[str, Any]) -> Iterator[str]:
    if not isinstance(directive, dict) or set(directive) != {"Namespace", "Dimensions", "Metrics"}:
        yield f"a metric directive has exactly Namespace, Dimensions and Metrics: {directive}"
        return
    namespace = directive["Namespace"]
    if not isinstance(namespace, str) or not 0 < len(namespace) <= 256 or not namespace.isascii():
        yield f"Namespace {namespace!r}"
    yield from _dimension_problems(directive["Dimensions"], root)
    definitions = directive["Metrics"]
    if not isinstance(definitions, list) or not 0 < len(definitions) <= 100:
        yield f"Metrics is an array of 1 to 100 definitions: {definitions!r}"
        return
    for definition in definitions:
        yield from _definition_problems(definition, root)


def _dimension_problems(dimension_sets: Any, root: dict[str, Any]) -> Iterator[str]:
    if not isinstance(dimension_sets, list) or not dimension_sets:
        yield f"Dimensions is an array of dimension sets: {dimension_sets!r}"
        return
    for dimension_set in dimension_sets:
        if not isinstance(dimension_set, list) or len(dimension_set) > 30:
            yield f"a dimension set is an array of at most 30 keys: {dimension_set!r}"
            continue
        for key in dimension_set:
            if not isinstance(key, str) or not key or key.startswith(":") or not key.isascii() or len(key) > 250:
                yield f"dimension key {key!r}"
            elif not isinstance(root.get(key), str) or not root[key] or len(root[key]) > 1024:
                yield f"dimension {key} has no string value at the top level: {root.get(key)!r}"


def _definition_problems(definition: Any, root: dict[str, Any]) -> Iterator[str]:
    if not isinstance(definition, dict) or not {"Name"} <= set(definition) <= {"Name", "Unit", "StorageResolution"}:
        yield f"a metric definition is Name with an optional Unit and StorageResolution: {definition!r}"
        return
    name = definition["Name"]
    if not isinstance(name, str) or not 0 < len(name) <= 1024:
        yield f"metric name {name!r}"
        return
    if "Unit" in definition and definition["Unit"] not in UNITS:
        yield f"{name}: unit {definition['Unit']!r}"
    if "StorageResolution" in definition and definition["StorageResolution"] not in (1, 60):
        yield f"{name}: storage resolution {definition['StorageResolution']!r}"
    value = root.get(name)
    if isinstance(value, list):
        if not 0 < len(value) <= 100 or not all(map(_number, value)):
            yield f"{name}: an array of 1 to 100 numbers, not {value!r}"
    elif not _number(value):
        yield f"{name}: the value at the top level is a number or an array of numbers, not {value!r}"


def emf_problems(line: str, now_ms: int | None = None) -> list[str]:
    """What keeps `line` from being a valid EMF log event ([] when it is one)."""
    if len(line.encode("utf-8")) > MAX_EVENT_BYTES:
        return ["longer than a log event may be"]
    if "\n" in line or line != line.strip():
        return ["the log event is the JSON object and nothing else"]
    try:
        root = json.loads(line)
    except ValueError as exc:
        return [f"not JSON: {exc}"]
    if not isinstance(root, dict):
        return ["the root is not an object"]
    meta = root.get("_aws")
    if not isinstance(meta, dict) or set(meta) != {"Timestamp", "CloudWatchMetrics"}:
        return [f"_aws holds Timestamp and CloudWatchMetrics: {meta!r}"]
    problems = []
    stamp = meta["Timestamp"]
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    recent = now_ms - TWO_WEEKS_MS <= stamp <= now_ms + TWO_HOURS_MS if _number(stamp) else False
    if not isinstance(stamp, int) or isinstance(stamp, bool) or not recent:
        problems.append(f"Timestamp {stamp!r} is not milliseconds since the epoch, now or lately")
    directives = meta["CloudWatchMetrics"]
    if not isinstance(directives, list) or not directives:
        return [*problems, f"CloudWatchMetrics is a non-empty array: {directives!r}"]
    for directive in directives:
        problems.extend(_directive_problems(directive, root))
    return problems


def documents(lines: list[str]) -> list[dict[str, Any]]:
    """The lines as documents, each checked against the specification and tfsync's own dimensions first."""
    out = []
    for line in lines:
        assert emf_problems(line) == [], line
        document = json.loads(line)
        (directive,) = document["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "tfsync"
        for key in {k for dimension_set in directive["Dimensions"] for k in dimension_set}:
            assert DIMENSION_VALUES[key](document[key]), (key, document[key])
        out.append(document)
    return out


def values(lines: list[str], name: str, **dimensions: str) -> list[float]:
    """Every value CloudWatch would extract for metric `name` with exactly these dimensions (none: the metric
    without dimensions), over the lines."""
    found: list[float] = []
    for document in documents(lines):
        (directive,) = document["_aws"]["CloudWatchMetrics"]
        if name not in [d["Name"] for d in directive["Metrics"]]:
            continue
        if not any({k: document[k] for k in keys} == dimensions for keys in directive["Dimensions"]):
            continue
        value = document[name]
        found.extend(value if isinstance(value, list) else [value])
    return found


@contextmanager
def capturing() -> Iterator[tuple[Metrics, list[str]]]:
    """The process's metrics recorded into a fresh Metrics, its lines kept in a list."""
    lines: list[str] = []
    with metrics.installed(Metrics(interval=None, sink=lines.append)) as recorder:
        yield recorder, lines


# The format ---------------------------------------------------------------------------------------------------------

def test_the_checker_refuses_what_the_specification_refuses() -> None:
    good = {"_aws": {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": [
        {"Namespace": "tfsync", "Dimensions": [["Error"], []], "Metrics": [{"Name": "SlackErrors", "Unit": "Count"}]},
    ]}, "Error": "ratelimited", "SlackErrors": 2}
    assert emf_problems(json.dumps(good)) == []
    broken = [
        "INFO tfsync.metrics: " + json.dumps(good),
        json.dumps({**good, "Error": 3}),
        json.dumps({**good, "SlackErrors": "2"}),
        json.dumps({**good, "SlackErrors": list(range(101))}),
        json.dumps({k: v for k, v in good.items() if k != "Error"}),
        json.dumps({**good, "_aws": {**good["_aws"], "Timestamp": time.time()}}),
        json.dumps({**good, "_aws": {"CloudWatchMetrics": good["_aws"]["CloudWatchMetrics"]}}),
        json.dumps({**good, "_aws": {**good["_aws"], "CloudWatchMetrics": [
            {"Namespace": "tfsync", "Dimensions": [["Error"]], "Metrics": [{"Name": "SlackErrors", "Unit": "Calls"}]},
        ]}}),
        json.dumps({**good, "_aws": {**good["_aws"], "CloudWatchMetrics": [
            {"Namespace": "tfsync", "Dimensions": [[f"d{i}" for i in range(31)]], "Metrics": [{"Name": "x"}]},
        ]}}),
    ]
    for line in broken:
        assert emf_problems(line), line


def test_counts_are_summed_per_interval_one_line_per_series_with_the_total_alongside() -> None:
    lines: list[str] = []
    recorder = Metrics(interval=None, sink=lines.append)
    for _ in range(3):
        recorder.count(metrics.SLACK_ERRORS, Error="ratelimited")
    recorder.count(metrics.SLACK_ERRORS, Error="fatal_error")
    recorder.count(metrics.DECISIONS, Kind="adopt", Outcome="started")
    assert recorder.flush() == lines and len(lines) == 3
    assert values(lines, "SlackErrors", Error="ratelimited") == [3]
    assert values(lines, "SlackErrors", Error="fatal_error") == [1]
    assert values(lines, "Decisions", Kind="adopt", Outcome="started") == [1]
    by_name = {json.loads(line)["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"]: json.loads(line)
               for line in lines}
    # SlackErrors is also a total without dimensions (what the alarm watches); Decisions only by its dimensions.
    assert by_name["SlackErrors"]["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Error"], []]
    assert by_name["Decisions"]["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Kind", "Outcome"]]
    assert recorder.flush() == [], "a flush writes only what came since the last"


def test_a_distribution_keeps_its_values_at_most_a_hundred_a_line_and_a_sample_beyond_the_cap() -> None:
    lines: list[str] = []
    recorder = Metrics(interval=None, sink=lines.append)
    for n in range(250):
        recorder.observe(metrics.QUEUE_LAG, n / 10)
    recorder.flush()
    assert [len(json.loads(line)["QueueLag"]) for line in lines] == [100, 100, 50]
    assert sorted(values(lines, "QueueLag")) == [n / 10 for n in range(250)]
    lines.clear()
    for n in range(metrics.MAX_SAMPLES * 3):
        recorder.observe(metrics.QUEUE_LAG, float(n))
    recorder.flush()
    kept = values(lines, "QueueLag")
    assert len(kept) == metrics.MAX_SAMPLES and max(kept) >= metrics.MAX_SAMPLES, "later values replace earlier ones"


def test_dimension_values_are_bounded_and_recording_never_raises() -> None:
    lines: list[str] = []
    recorder = Metrics(interval=None, sink=lines.append)
    recorder.count(metrics.SLACK_ERRORS, Error="not a/code!" + "x" * 100)
    for n in range(metrics.MAX_SERIES + 5):
        recorder.count(metrics.SLACK_ERRORS, Error=f"code_{n}")
    recorder.count(metrics.SLACK_ERRORS, Verdict="detected")  # the wrong dimension: dropped, not raised
    recorder.count(metrics.DETECTIONS, math.nan, Verdict="detected")
    recorder.flush()
    codes = {json.loads(line)["Error"] for line in lines}
    assert "not_a_code_" + "x" * 53 in codes
    assert len(codes) == metrics.MAX_SERIES + 1 and "other" in codes
    assert values(lines, "SlackErrors", Error="other") == [6]
    assert not values(lines, "Detections", Verdict="detected")

    def broken(line: str) -> None:
        raise OSError("disk full")

    failing = Metrics(interval=None, sink=broken)
    failing.count(metrics.ADOPT_GATE_FAILURES)
    assert len(failing.flush()) == 1


def test_lines_bypass_the_log_format_and_the_log_level(capsys: pytest.CaptureFixture[str]) -> None:
    formatted = io.StringIO()
    handler = logging.StreamHandler(formatted)
    handler.setFormatter(logs.RedactingFormatter(logs.FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        recorder = Metrics(interval=None)  # the default sink: the tfsync.metrics logger, to stderr
        recorder.count(metrics.ADOPT_GATE_FAILURES)
        (line,) = recorder.flush()
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    assert capsys.readouterr().err == line + "\n"
    assert emf_problems(line) == []
    assert "AdoptGateFailures" not in formatted.getvalue(), "EMF lines do not go through the root's format"


def test_a_slow_writer_never_holds_up_the_recording_thread() -> None:
    release, writing = threading.Event(), threading.Event()
    written: list[str] = []

    def slow(line: str) -> None:
        writing.set()
        release.wait(10)
        written.append(line)

    recorder = Metrics(interval=0.01, sink=slow)
    recorder.count(metrics.ADOPT_GATE_FAILURES)
    assert writing.wait(5), "the background thread writes without being asked"
    began = time.monotonic()
    for _ in range(1000):
        recorder.count(metrics.DECISIONS, Kind="delete", Outcome="started")
    assert time.monotonic() - began < 1.0
    release.set()
    recorder.close()
    assert values(written, "AdoptGateFailures") == [1]
    assert values(written, "Decisions", Kind="delete", Outcome="started") == [1000]


def test_queue_lag_is_seconds_since_sqs_sent_the_message_and_never_negative() -> None:
    now = 1_800_000_000.0
    assert queue_lag({"Attributes": {"SentTimestamp": str(int((now - 2.5) * 1000))}}, now) == 2.5
    assert queue_lag({"Attributes": {"SentTimestamp": str(int((now + 3) * 1000))}}, now) == 0.0
    assert queue_lag({"Attributes": {}}, now) is None
    assert queue_lag({"Attributes": {"SentTimestamp": "soon"}}, now) is None


# The wiring -------------------------------------------------------------------------------------------------------

async def test_the_consumer_counts_verdicts_lag_and_failed_messages(
    state_env: dict[str, str], queue_with_dlq: tuple[str, str], aws_client: Callable[..., Any],
) -> None:
    queue_url, _ = queue_with_dlq
    sqs = aws_client("sqs")
    build = state_change("tfsync-adopt:1", "tfsync-adopt", "SUCCEEDED",
                         [{"name": "TFSYNC_RESOURCE_ID", "value": "r-x", "type": "PLAINTEXT"}]).decode()
    send_all(sqs, queue_url, [eventbridge(create_bucket_record("tfsync-metrics", event_id(1, "metrics"))),
                              eventbridge(noise_record(0)), build])
    failures = [RuntimeError("runner busy")]

    async def service_events(event: Any) -> None:
        if failures:
            raise failures.pop()

    with capturing() as (recorder, lines):
        settings = settings_for(state_env, queue_url)
        consumer = Consumer(settings, StateRepository(settings), sqs, aws_client("s3"),
                            ClassifierSource.fixed(settings, Classifier()), RecordingNotifier(),
                            service_events=service_events)
        await run_until_drained([consumer], sqs, queue_url)
        recorder.flush()

    assert values(lines, "Detections", Verdict="detected") == [1]
    assert sum(values(lines, "Detections", Verdict="ignored")) == 1
    assert values(lines, "ConsumerErrors", Reason="failed") == [1]
    lags = values(lines, "QueueLag")
    assert len(lags) == consumer.stats.received == 4, "one lag per delivery, the redelivered one too"
    assert all(lag >= 0 for lag in lags) and min(lags) < 60
    assert max(lags) >= 2, "the redelivered message waited out its visibility timeout"


@pytest.fixture
async def slack(state_env: dict[str, str]) -> AsyncIterator[Harness]:
    """The real Slack app against the Slack emulator (as tests/slack's harness), posting into #infra."""
    async with SlackEmulator(make_workspace()) as emulator:
        env = {**state_env, "SLACK_API_URL": emulator.api_url, "SLACK_BOT_TOKEN": emulator.bot_token,
               "SLACK_APP_TOKEN": emulator.app_token, "TFSYNC_SLACK_CHANNEL": emulator.workspace.channel("infra").id,
               "TFSYNC_SLACK_POST_INTERVAL_MS": "0"}
        async with running(env, emulator) as harness:
            yield harness


async def test_a_slack_429_and_500_while_posting_count_as_slack_errors_by_code(slack: Harness) -> None:
    harness = slack
    with capturing() as (recorder, lines):
        harness.emulator.fail("chat.postMessage", status=429, times=1, retry_after=0)
        await harness.detect("ratelimited-bucket")
        harness.emulator.fail("chat.postMessage", status=500, times=1)
        await harness.detect("server-error-bucket")
        recorder.flush()
    assert values(lines, "SlackErrors", Error="ratelimited") == [1]
    assert values(lines, "SlackErrors", Error="fatal_error") == [1]
    by_code = [json.loads(line) for line in lines if '"SlackErrors"' in line]
    assert sum(values(lines, "SlackErrors")) == sum(d["SlackErrors"] for d in by_code) >= 2, (
        "each also counts in the total the alarm watches")


async def test_every_error_answer_counts_but_those_a_caller_expects() -> None:
    counter = ErrorCounter()

    async def answer(method: str, status: int, body: dict[str, Any] | None = None,
                     error: Exception | None = None) -> None:
        request = HttpRequest(method="POST", url=f"https://slack.com/api/{method}", headers={})
        response = None if error else HttpResponse(status_code=status, headers={}, body=body)
        assert not await counter.can_retry_async(state=RetryState(), request=request, response=response,
                                                 error=error)

    with capturing() as (recorder, lines):
        await answer("chat.postMessage", 200, {"ok": True})
        await answer("chat.postMessage", 429, {"ok": False, "error": "ratelimited"})
        await answer("chat.postMessage", 429)
        await answer("chat.update", 200, {"ok": False, "error": "channel_not_found"})
        await answer("chat.update", 502)
        await answer("conversations.history", 0, error=aiohttp.ServerDisconnectedError())
        await answer("users.lookupByEmail", 200, {"ok": False, "error": "users_not_found"})
        await answer("views.publish", 200, {"ok": False, "error": "hash_conflict"})
        recorder.flush()
    assert {json.loads(line)["Error"]: json.loads(line)["SlackErrors"] for line in lines} == {
        "ratelimited": 2, "channel_not_found": 1, "http_502": 1, "ServerDisconnectedError": 1,
    }


class GateRefusingRunner:
    """Ends every adoption as adopt.sh does when the clean-plan gate refuses the plan: from its own result line."""

    kind = "gate-refusing"

    @contextmanager
    def layout(self, target: object = None) -> Iterator[None]:
        yield None

    async def run(self, job: AdoptJob, reporter: JobReporter) -> JobResult:
        line = RESULT_MARKER + json.dumps({
            "status": "failed", "step": "gate", "commit": None, "pr": None,
            "plan": {"import": 1, "add": 0, "change": 1, "destroy": 0},
            "changes": [{"address": job.address, "actions": ["update"], "attributes": ["acl"], "replace": []}],
            "verified": False, "accepted": "",
            "error": "the plan is not clean: 1 to import, 0 to add, 1 to change, 0 to destroy; the code does not "
                     "match the resource yet",
        })  # fmt: skip
        value = parse_result_line(f"tfsync: plan: ...\n{line}\n")
        assert value is not None
        result = result_from_line(value)
        await reporter.result(job, result)
        return result


async def test_a_plan_the_gate_refuses_counts_as_an_adopt_gate_failure_and_a_failed_adoption(
    state_env: dict[str, str],
) -> None:
    repo = StateRepository(Settings.from_env(state_env))
    decisions = DecisionService(repo, GateRefusingRunner(), NoRemover())
    resource = Resource(tf_type="aws_s3_bucket", import_id="gated-bucket", name="gated-bucket",
                        arn="arn:aws:s3:::gated-bucket", region="us-east-1", account_id="123456789012",
                        actor="arn:aws:iam::123456789012:user/dev", console_url="", suggested_name="gated_bucket",
                        loses_data=True, tags={})
    record = await repo.create_detected(Detection(resource, "ev-gated", "CreateBucket", "2026-01-01T00:00:00Z"),
                                        owner="test", notify_grace=60)
    assert record is not None
    with capturing() as (recorder, lines):
        await decisions.adopt(record.resource_id, record.version, "slack:U-alice", AdoptChoice(None))
        await decisions.drain()
        recorder.flush()
    final = await repo.get(record.resource_id)
    assert final is not None and final.status == Status.ADOPT_FAILED
    assert values(lines, "AdoptGateFailures") == [1]
    assert values(lines, "Decisions", Kind="adopt", Outcome="started") == [1]
    assert values(lines, "Decisions", Kind="adopt", Outcome="failed") == [1]
    assert not values(lines, "Decisions", Kind="adopt", Outcome="succeeded")


def test_only_the_gate_step_counts_as_a_gate_refusal() -> None:
    assert result_from_line({"status": "failed", "step": "gate", "error": "not clean"}).gate_refused
    assert not result_from_line({"status": "failed", "step": "plan", "error": "terraform plan failed"}).gate_refused
    assert not result_from_line({"status": "succeeded", "step": "done"}).gate_refused
    assert not JobResult(status="failed", error="the adopt build could not be started").gate_refused


async def test_the_process_metrics_are_written_by_the_background_thread() -> None:
    written: list[str] = []
    recorder = Metrics(interval=0.05, sink=written.append)
    with metrics.installed(recorder):
        metrics.count(metrics.DECISIONS, Kind="ignore", Outcome="succeeded")
        for _ in range(100):
            if written:
                break
            await asyncio.sleep(0.02)
    recorder.close()
    assert values(written, "Decisions", Kind="ignore", Outcome="succeeded") == [1]
