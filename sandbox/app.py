"""The sandbox: tfsync's whole loop on one machine with no Slack workspace and no AWS account.

Started by `python -m bot` when no Slack tokens are set; the composition root (app.py) hands it tfsync's start.
It runs, in one process and one event loop:
embedded AWS (moto, provisioned as infra/ would), the Slack emulator with a small workspace, a git repository with
an example Terraform layout, tfsync itself (queue consumer + Slack app, exactly as in production, adopting with the
local runner), and the page with its JSON API. The Slack app is reached over Socket Mode, or with TFSYNC_SLACK_MODE=http
by the emulator posting signed requests to tfsync's own HTTP port (TFSYNC_HTTP_PORT; 0 picks a free one).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TextIO

from aiohttp import web

from bot.catalog import SCAN
from bot.config import Secret, Settings
from bot.signals import stop_on_signals
from bot.terraform.plugins import find_plugin_dir
from sandbox import repo as example_repo
from sandbox.aws import (
    ACCOUNT_ID,
    ACCOUNTS,
    EmbeddedAws,
    Provisioned,
    provision,
    provision_member_role,
    sandbox_settings,
    seed_example_state,
    seed_own_state,
    use_fake_credentials,
    with_member_role,
)
from sandbox.clickops import EMULATOR_GAPS, ClickOps
from sandbox.slack import SlackEmulator, Workspace
from sandbox.web import SandboxContext, build_web_app

logger = logging.getLogger(__name__)

# Runs tfsync (consumer and Slack app) until the event is set; returns once it is connected.
class StartTfsync(Protocol):
    """The root's start of tfsync: the settings, the event that stops it, and the types a scan lists by default."""

    def __call__(self, settings: Settings, stop: asyncio.Event, *,
                 scan_types: Sequence[str] = ()) -> Awaitable[asyncio.Task[Any]]: ...

READY_LINE = "tfsync sandbox ready at http://{host}:{port}"
HOST = "127.0.0.1"
DEFAULT_CHANNEL = "aws-changes"
DEFAULT_USER = "alice"
# The sandbox's people: (name, real name, email, may delete).
PEOPLE = (
    ("alice", "Alice Adams", "alice@example.com", True),
    ("bob", "Bob Brown", "bob@example.com", True),
    ("dev", "Dana Developer", "dev@example.com", False),
)
CHANNELS = (
    (DEFAULT_CHANNEL, "AWS resources created outside Terraform: one thread each, Adopt / Delete / Ignore"),
    ("platform", "Platform team"),
    ("general", "Everyone"),
)
TARGET_MODULES = (".", "module.storage", "module.compute")
STOP_SECONDS = 5.0
# Where tfsync takes Slack's requests in HTTP mode (slack_adapters/http_mode.py): the emulator's request URL.
EVENTS_PATH = "/slack/events"
# Per-request lines from the embedded servers and libraries drown tfsync's own logs.
QUIET_LOGGERS = ("werkzeug", "botocore.credentials", "pynamodb.settings")


def build_workspace() -> Workspace:
    """A small workspace: three people, three channels, the tfsync bot in each."""
    workspace = Workspace(team_domain="tfsync-sandbox", team_name="tfsync sandbox")
    for name, real_name, email, _admin in PEOPLE:
        workspace.add_user(name, email=email, real_name=real_name)
    for name, topic in CHANNELS:
        channel = workspace.add_channel(name)
        channel.topic = topic
    return workspace


@dataclass
class Running:
    """What a started sandbox holds; `stop()` undoes it."""

    settings: Settings
    url: str
    emulator: SlackEmulator
    clickops: ClickOps
    repository: Path
    provisioned: Provisioned


class Sandbox:
    """Starts and stops everything; `start()` returns once the page answers and tfsync is connected."""

    def __init__(self, settings: Settings, *, start: StartTfsync, host: str = HOST, port: int | None = None,
                 member_role: bool = True) -> None:
        self.base_settings = settings
        # Whether tfsync gets a role in the sandbox's second account (without it, adopting or deleting there is
        # refused: the resource can only be shown and ignored).
        self.member_role = member_role
        self.start_tfsync = start
        self.host = host
        self.port = settings.sandbox_port if port is None else port
        self.aws = EmbeddedAws(host)
        self._runner: web.AppRunner | None = None
        self._emulator: SlackEmulator | None = None
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[Any]] = []
        self._cleanup: list[Callable[[], Any]] = []
        self._temp_repo: Path | None = None
        self.running: Running | None = None
        self.hub_ctx: SandboxContext | None = None

    async def start(self) -> Running:
        use_fake_credentials()
        loop = asyncio.get_running_loop()
        # boto3 and PynamoDB calls run on threads; the consumer, the API and ClickOps bursts share them.
        loop.set_default_executor(ThreadPoolExecutor(max_workers=32, thread_name_prefix="tfsync-sandbox"))
        # Bind the page's port first: a port in use should fail before anything else starts.
        sock = _bind(self.host, self.port)
        self.port = sock.getsockname()[1]

        endpoint = await asyncio.to_thread(self.aws.start)
        self._cleanup.append(self.aws.stop)
        settings = with_member_role(sandbox_settings(self.base_settings, endpoint), self.member_role)
        wanted = self.base_settings.repository_path
        if wanted is None:
            self._temp_repo = Path(tempfile.mkdtemp(prefix="tfsync-sandbox-repo-"))
            wanted = self._temp_repo / "infrastructure"
        provisioned, repository = await asyncio.gather(
            asyncio.to_thread(provision, settings),
            asyncio.to_thread(example_repo.create_example_repository, wanted),
        )
        if self.member_role:
            await asyncio.to_thread(provision_member_role, settings)
        plugin_dir = find_plugin_dir(settings.terraform_plugin_dir)
        seeded = await asyncio.to_thread(seed_example_state, settings, repository, example_repo.BASE_BRANCH,
                                         plugin_dir)
        own_state = await asyncio.to_thread(seed_own_state, settings, provisioned, member_role=self.member_role)
        logger.info("example state in the embedded AWS: %s%s", seeded,
                    "" if plugin_dir else " (no AWS provider here: adoptions are committed but not verified)")

        emulator = SlackEmulator(build_workspace(), host=self.host)
        await emulator.start()
        self._emulator = emulator
        workspace = emulator.workspace
        settings = replace(
            settings,
            queue_url=provisioned.queue_url,
            state_locations=(provisioned.state_location, own_state),
            # The sandbox's organisation: its accounts are known here (a real one lists them in TFSYNC_SCAN_ACCOUNTS).
            scan_accounts=ACCOUNTS if self.member_role else (ACCOUNT_ID,),
            artifact_bucket=provisioned.artifact_bucket,
            runner="local",
            repository_path=repository,
            base_branch=example_repo.BASE_BRANCH,
            # A short long-poll, so Ctrl-C stops the consumer within seconds.
            receive_wait_seconds=min(settings.receive_wait_seconds, 2),
            shutdown_seconds=min(settings.shutdown_seconds, 5),
            consumer_concurrency=min(settings.consumer_concurrency, 4),
            slack_api_url=emulator.api_url,
            slack_bot_token=Secret(emulator.bot_token),
            slack_app_token=Secret(emulator.app_token),
            slack_channel=workspace.channel(DEFAULT_CHANNEL).id,
            slack_admins=tuple(workspace.user(name).id for name, _, _, admin in PEOPLE if admin),
            target_modules=settings.target_modules or TARGET_MODULES,
            slack_post_interval_ms=min(settings.slack_post_interval_ms, 250),
        )
        http = settings.slack_mode == "http"
        if http:
            # Slack's side of HTTP mode is the emulator's: its signing secret, and tfsync's port as its request URL.
            settings = replace(settings, slack_signing_secret=Secret(emulator.signing_secret), http_host=self.host,
                               http_port=settings.http_port or _free_port(self.host))
        clickops = ClickOps(settings, provisioned.queue_url)

        ctx = SandboxContext(emulator=emulator, clickops=clickops, repository=repository,
                             default_channel=DEFAULT_CHANNEL, default_user=DEFAULT_USER)
        self.hub_ctx = ctx
        self._runner = web.AppRunner(build_web_app(ctx), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        url = f"http://{self.host}:{self.port}"

        # A scan lists what the embedded AWS serves (ECR Public, DocumentDB and directory buckets it does not).
        scannable = sorted(set(SCAN) - set(EMULATOR_GAPS))
        self._tasks.append(await self.start_tfsync(settings, self._stop, scan_types=scannable))
        if http:
            await emulator.use_request_url(f"http://{self.host}:{settings.http_port}{EVENTS_PATH}")
        else:
            await emulator.wait_connected(10)
        logger.info("Terraform repository: %s (git log --all to see adopt commits)", repository)
        self.running = Running(settings, url, emulator, clickops, repository, provisioned)
        return self.running

    async def stop(self) -> None:
        self._stop.set()
        if self.hub_ctx is not None:
            self.hub_ctx.hub.close()
        if self._tasks:
            done, pending = await asyncio.wait(self._tasks, timeout=STOP_SECONDS)
            for task in pending:
                task.cancel()
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    logger.error("tfsync stopped with an error", exc_info=task.exception())
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._emulator is not None:
            await self._emulator.stop()
            self._emulator = None
        for cleanup in reversed(self._cleanup):
            with contextlib.suppress(Exception):
                await asyncio.to_thread(cleanup)
        self._cleanup.clear()
        if self._temp_repo is not None:
            shutil.rmtree(self._temp_repo, ignore_errors=True)
            self._temp_repo = None

    async def __aenter__(self) -> Running:
        try:
            return await self.start()
        except BaseException:
            await self.stop()
            raise

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()


def _free_port(host: str) -> int:
    """A port nothing listens on now, for tfsync's HTTP server in the sandbox."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port} ({exc.strerror}); set TFSYNC_SANDBOX_PORT to a free port") \
            from None
    sock.listen(128)
    sock.setblocking(False)
    return sock


async def serve_sandbox(settings: Settings, out: TextIO | None = None, *, start: StartTfsync) -> int:
    """Run the sandbox until SIGINT or SIGTERM; prints the ready line once everything answers."""
    out = out or sys.stdout
    started = time.monotonic()
    stop = asyncio.Event()
    watcher = asyncio.create_task(stop_on_signals(stop))
    sandbox = Sandbox(settings, start=start)
    try:
        running = await sandbox.start()
        out.write(READY_LINE.format(host=sandbox.host, port=sandbox.port) + "\n")
        out.flush()
        logger.info("started in %.1fs; open %s, Ctrl-C stops", time.monotonic() - started, running.url)
        await stop.wait()
        logger.info("stopping")
    finally:
        stop.set()
        await watcher
        await sandbox.stop()
    return 0


def run_sandbox(settings: Settings, out: TextIO | None = None, *, start: StartTfsync) -> int:
    """`python -m bot` with no Slack tokens; `start` runs tfsync itself (the composition root's start_tfsync)."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().getEffectiveLevel()))
    try:
        return asyncio.run(serve_sandbox(settings, out, start=start))
    except OSError as exc:
        print(f"tfsync: {exc}", file=sys.stderr)
        return 1
