"""The real tfsync Slack app over a real Socket Mode connection to the Slack emulator, with state in moto; or, with the
`http_` fixtures, in HTTP mode: the emulator posts signed requests to the app's own HTTP server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from slack_bolt.app.async_app import AsyncApp

from app import build_app, build_services, connect_slack
from bot import aws
from bot.classify import Resource
from bot.config import Settings
from bot.deletion import DeleteOutcome
from bot.notifier import RecordChange
from bot.runners import AdoptJob, JobReporter, JobResult
from bot.state import Detection, ResourceRecord, StateRepository
from sandbox.slack import SlackEmulator, Workspace
from slack_adapters.http_mode import EVENTS_PATH, SlackHttpServer
from slack_adapters.services import SlackServices
from tests.faults import DelayingProxy

ACCOUNT = "123456789012"
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\Z")


@dataclass
class RecordingRunner:
    """The test's runner behind the real decision service: records each job with the record as it was handed
    over, and ends it as told (a commit, or a runner that breaks); while `hold` is set and not yet released, jobs
    stay running (their records adopting)."""

    repo: StateRepository
    kind: str = "recording"
    calls: list[tuple[ResourceRecord, AdoptJob]] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)
    hold: asyncio.Event | None = None

    @contextlib.contextmanager
    def layout(self, target: object = None) -> Iterator[Path | None]:
        yield None

    async def run(self, job: AdoptJob, reporter: JobReporter) -> JobResult:
        record = await self.repo.get(job.resource_id)
        assert record is not None
        self.calls.append((record, job))
        if self.hold is not None:
            await self.hold.wait()
        if self.failures:
            raise self.failures.pop(0)
        return JobResult(status="succeeded", commit="https://git.example.com/infra/commit/0a1b2c3d", verified=True)


@dataclass
class RecordingRemover:
    """The test's remover: records each delete (and whether data loss was confirmed) and deletes nothing."""

    repo: StateRepository
    calls: list[tuple[ResourceRecord, bool]] = field(default_factory=list)

    def remove(self, record: ResourceRecord, *, confirmed_data_loss: bool) -> DeleteOutcome:
        self.calls.append((record, confirmed_data_loss))
        return DeleteOutcome(f"Deleted {record.import_id}.")


@dataclass
class Harness:
    emulator: SlackEmulator
    services: SlackServices
    repo: StateRepository
    runner: RecordingRunner
    remover: RecordingRemover
    channel: str  # the default channel's id
    settings: Settings
    app: AsyncApp
    server: SlackHttpServer | None = None  # in HTTP mode: the app's HTTP server, which the emulator posts to

    async def detect(self, name: str, *, tf_type: str = "aws_s3_bucket", actor: str | None = None,
                     loses_data: bool = False, tags: dict[str, str] | None = None,
                     when: str = "2026-01-01T00:00:00Z", notify: bool = True) -> ResourceRecord:
        """A resource detected as the consumer stores it, handed to the Slack notifier; returns the fresh record.
        A bucket is made in (moto's) AWS too, when its name can be one: an adoption reads the live resource, and
        fails for one that is gone."""
        if tf_type == "aws_s3_bucket" and BUCKET_NAME.match(name):
            await asyncio.to_thread(aws.client(self.settings, "s3").create_bucket, Bucket=name)
        resource = Resource(
            tf_type=tf_type, import_id=name, name=name, arn=f"arn:aws:s3:::{name}", region="us-east-1",
            account_id=ACCOUNT, actor=actor or f"arn:aws:iam::{ACCOUNT}:user/ci-robot",
            console_url=f"https://s3.console.aws.amazon.com/s3/buckets/{name}", suggested_name="logs",
            loses_data=loses_data, tags={"team": "data"} if tags is None else tags,
        )
        detection = Detection(resource, f"ev-{name}", "CreateBucket", when)
        record = await self.repo.create_detected(detection, owner="test", notify_grace=60)
        assert record is not None
        await self.repo.write_creation_audit(record)
        if notify:
            await self.services.notifier.notify(RecordChange("created", record, detection.event_id))
            assert await self.services.notifier.flush(), "Slack did not show the new resource"
        fresh = await self.repo.get(record.resource_id)
        assert fresh is not None
        return fresh

    async def settle(self) -> None:
        """Wait for hand-offs still running after the acks, and for Slack to show what they changed."""
        await self.services.decisions.drain()
        assert await self.services.notifier.flush(), "Slack did not show every change"


def make_workspace() -> Workspace:
    workspace = Workspace()
    workspace.add_user("alice", email="alice@example.com", real_name="Alice Adams")
    workspace.add_user("bob", email="bob@example.com", real_name="Bob Brown")
    workspace.add_user("tess", email="test001@test.com", real_name="Tess Test")
    workspace.add_channel("infra")
    workspace.add_channel("storage")
    return workspace


@pytest.fixture
async def emulator() -> AsyncIterator[SlackEmulator]:
    async with SlackEmulator(make_workspace()) as emu:
        yield emu


@pytest.fixture
def slack_env(state_env: dict[str, str], emulator: SlackEmulator) -> dict[str, str]:
    workspace = emulator.workspace
    return {
        **state_env,
        "SLACK_API_URL": emulator.api_url,
        "SLACK_BOT_TOKEN": emulator.bot_token,
        "SLACK_APP_TOKEN": emulator.app_token,
        "TFSYNC_SLACK_CHANNEL": workspace.channel("infra").id,
        "TFSYNC_SLACK_ROUTES": f'[{{"channel": "{workspace.channel("storage").id}", "tag": "route=storage"}}]',
        "TFSYNC_SLACK_ADMINS": workspace.user("bob").id,
        "TFSYNC_TARGET_MODULES": '[".", "module.storage"]',
        # Pacing is tested on its own with the emulator's rate limit; elsewhere it would only slow the tests.
        "TFSYNC_SLACK_POST_INTERVAL_MS": "0",
    }


@pytest.fixture
def http_env(slack_env: dict[str, str], emulator: SlackEmulator) -> dict[str, str]:
    """slack_env for HTTP mode: the app's signing secret instead of the app-level token, and the app's HTTP server on
    a free local port."""
    env = {key: value for key, value in slack_env.items() if key != "SLACK_APP_TOKEN"}
    return {**env, "TFSYNC_SLACK_MODE": "http", "SLACK_SIGNING_SECRET": emulator.signing_secret,
            "TFSYNC_HTTP_HOST": "127.0.0.1", "TFSYNC_HTTP_PORT": "0"}


@contextlib.asynccontextmanager
async def running(env: dict[str, str], emulator: SlackEmulator) -> AsyncIterator[Harness]:
    """The app as production wires it, reached the way TFSYNC_SLACK_MODE says: over Socket Mode, or by the emulator
    posting to its request URL (saved, and so verified, once the server listens)."""
    settings = Settings.from_env(env)
    repo = StateRepository(settings)
    runner, remover = RecordingRunner(repo), RecordingRemover(repo)
    services = build_services(settings, repo, runner=runner, remover=remover)
    app = build_app(services)
    slack = await connect_slack(app, settings)
    try:
        if slack.http is not None:
            await emulator.use_request_url(slack.http.url + EVENTS_PATH)
        else:
            await emulator.wait_connected(5)
        yield Harness(emulator, services, repo, runner, remover, emulator.workspace.channel("infra").id, settings,
                      app, slack.http)
        await services.decisions.drain()
        await services.notifier.close()
    finally:
        await slack.close()


@pytest.fixture
async def harness(slack_env: dict[str, str], emulator: SlackEmulator) -> AsyncIterator[Harness]:
    logging.getLogger("tfsync.bolt").setLevel(logging.INFO)
    async with running(slack_env, emulator) as h:
        yield h


@pytest.fixture
def slow_dynamodb(aws_endpoint: str) -> Iterator[DelayingProxy]:
    """A proxy in front of moto holding DynamoDB requests back while its `delay` is set (tests/faults.py)."""
    with DelayingProxy(aws_endpoint) as proxy:
        yield proxy


@pytest.fixture
async def http_harness(http_env: dict[str, str], emulator: SlackEmulator) -> AsyncIterator[Harness]:
    """The harness in HTTP mode."""
    logging.getLogger("tfsync.bolt").setLevel(logging.INFO)
    async with running(http_env, emulator) as h:
        yield h


@contextlib.asynccontextmanager
async def running_slow(env: dict[str, str], emulator: SlackEmulator, proxy: DelayingProxy) -> AsyncIterator[Harness]:
    """`running` with DynamoDB behind `proxy`; what the test held back is let go when it ends, so the work it started
    finishes before the app stops."""
    async with running({**env, "AWS_ENDPOINT_URL_DYNAMODB": proxy.url}, emulator) as h:
        try:
            yield h
        finally:
            proxy.release()


@pytest.fixture
async def slow_harness(
    slack_env: dict[str, str], emulator: SlackEmulator, slow_dynamodb: DelayingProxy,
) -> AsyncIterator[Harness]:
    """The harness with its DynamoDB behind `slow_dynamodb` (no delay until a test sets one)."""
    async with running_slow(slack_env, emulator, slow_dynamodb) as h:
        yield h


@pytest.fixture
async def slow_http_harness(
    http_env: dict[str, str], emulator: SlackEmulator, slow_dynamodb: DelayingProxy,
) -> AsyncIterator[Harness]:
    """The HTTP mode harness with its DynamoDB behind `slow_dynamodb` (no delay until a test sets one)."""
    async with running_slow(http_env, emulator, slow_dynamodb) as h:
        yield h


async def eventually(check: Callable[[], Any], seconds: float = 5.0) -> Any:
    """Poll `check` (sync or async) until it returns something truthy."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {seconds}s")
        await asyncio.sleep(0.02)


def texts(blocks: list[dict[str, Any]]) -> str:
    """Every text in a list of blocks, joined: what a person reads."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    out.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(out)


def action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [e.get("action_id", "") for b in blocks if b.get("type") == "actions" for e in b.get("elements", [])]
