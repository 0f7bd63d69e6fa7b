"""The composition root: builds the settings' services, the engine, the Slack app, and runs them.

Arrows run one way: this module -> `handlers/` (listeners) -> `slack_adapters/` -> `bot/` (the engine). Nothing
below imports this module. `python -m bot` (the Procfile's worker) comes here: with the Slack credentials of its
mode (`TFSYNC_SLACK_MODE`: the bot and app-level tokens for Socket Mode, the bot token and the signing secret for
HTTP mode) it runs tfsync against Slack and AWS; with none it starts the local sandbox (`sandbox/`, imported only
then); with a subcommand it runs the engine's command line (`classify`, `codegen`, `worker`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot import aws, cli, health, memory
from bot.accounts import AccountAccess
from bot.backlog import ScanService, run_reconciler
from bot.config import Settings
from bot.consumer import ClassifierSource, Consumer
from bot.consumer.handling import ServiceEventHandler
from bot.decisions import DecisionObserver, DecisionService, Remover, SafeRemover
from bot.errors import ConfigError
from bot.events import ServiceEvent
from bot.health import Vitals
from bot.managed import StateReader
from bot.runners import JobReporter, Runner, make_runner
from bot.signals import stop_on_signals
from bot.state import StateRepository, schema
from bot.state.channels import ChannelStore
from bot.state.tables import MODELS
from bot.sweeper import run_sweeper
from handlers import register_all
from slack_adapters.client import slack_client
from slack_adapters.errors import route_error
from slack_adapters.http_mode import SlackHttpServer
from slack_adapters.notifier import SlackJobReporter, SlackNotifier
from slack_adapters.posting import PostingQueue
from slack_adapters.presenters import Previews
from slack_adapters.publisher import Publisher, posting_client
from slack_adapters.routing import Router
from slack_adapters.scans import SlackScanObserver
from slack_adapters.services import SlackServices
from slack_adapters.users import UserDirectory

logger = logging.getLogger(__name__)
# How long the Socket Mode connection may stay down (the client reconnects by itself meanwhile) before the health
# check calls the task unhealthy and the orchestrator replaces it.
SOCKET_DOWN_SECONDS = 120.0


def replica_id() -> str:
    """This process among tfsync's replicas: who holds a channel's lease or a job's."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def build_decisions(
    settings: Settings, repo: StateRepository, *, observer: DecisionObserver | None = None,
    reporter: JobReporter | None = None, runner: Runner | None = None, remover: Remover | None = None,
    owner: str | None = None, accounts: AccountAccess | None = None,
) -> DecisionService:
    """The engine's decision service with the runner and the safe remover the settings ask for; every AWS call on a
    resource goes to the resource's own account (bot/accounts.py), the Terraform states are read with tfsync's own
    credentials."""
    accounts = accounts or AccountAccess(settings)
    if remover is None:
        reader = StateReader(aws.client(settings, "s3"), settings.scoped_state_locations,
                              settings.max_log_file_bytes)
        remover = SafeRemover(reader, accounts.client)
    return DecisionService(
        repo, runner or make_runner(settings), remover, reporter=reporter, observer=observer,
        mode=settings.adopt_mode, accounts=accounts, default_region=settings.aws_region,
        lease_seconds=settings.lease_seconds, owner=owner,
    )


async def learn_own_account(accounts: object) -> None:
    """tfsync's own account, learnt once at start (when TFSYNC_ACCOUNT_ID is unset), so each thread can say up front
    whether tfsync may act in its account; failing that, a thread offers Adopt and Delete and a click finds out."""
    if isinstance(accounts, AccountAccess):
        try:
            await asyncio.to_thread(accounts.own_account_id)
        except Exception as exc:
            logger.warning("tfsync's own account could not be learnt from STS now: %s", exc)


def build_services(
    settings: Settings, repo: StateRepository, *, client: AsyncWebClient | None = None, runner: Runner | None = None,
    remover: Remover | None = None, scan_types: Sequence[str] = (),
) -> SlackServices:
    """The Slack adapters (client, posting queue, router, people, notifier), the decisions reporting to them, and
    the scans whose digests they post (of `scan_types` by default: every catalog type when empty)."""
    if client is None:
        if not settings.slack_bot_token:
            raise ConfigError("SLACK_BOT_TOKEN is not set: the Slack app needs the bot token")
        client = slack_client(settings)
    users = UserDirectory(client, admins=settings.slack_admins, admin_group=settings.slack_admin_group)
    previews = Previews()
    router = Router.from_settings(settings)
    poster = PostingQueue(posting_client(client), interval=settings.slack_post_interval_ms / 1000)
    replica = replica_id()
    accounts = AccountAccess(settings)
    publisher = Publisher(repo, ChannelStore(), router, users, poster, owner=replica, previews=previews,
                          accounts=accounts, burst_threshold=settings.burst_threshold,
                          burst_window=settings.burst_window_seconds)
    notifier = SlackNotifier(repo, publisher, users)
    decisions = build_decisions(settings, repo, observer=notifier, reporter=SlackJobReporter(notifier, repo),
                                runner=runner, remover=remover, owner=replica, accounts=accounts)
    services = SlackServices(settings, repo, client, router, users, previews, notifier, decisions)
    services.scans = ScanService.from_settings(settings, repo, accounts, observer=SlackScanObserver.for_services(
        services), types=scan_types)
    return services


def service_event_handler(decisions: DecisionService, scans: ScanService | None) -> ServiceEventHandler:
    """The queue's non-CloudTrail events: the scheduled reconciliation to the scans, CodeBuild's to the decisions."""

    async def handle(event: ServiceEvent) -> None:
        if scans is not None and await scans.handle_service_event(event):
            return
        await decisions.handle_service_event(event)

    return handle


def build_app(services: SlackServices) -> AsyncApp:
    """The Bolt app: the one error router and every listener, with the services in each request's context.

    The same app serves both modes. The signing secret comes from the settings (Bolt would read the environment
    itself otherwise); it verifies HTTP requests, and Socket Mode needs none. `process_before_response` stays False:
    Bolt answers an HTTP request at the listener's ack(), and the work after the ack runs on in the process.
    """
    app = AsyncApp(client=services.client, logger=logging.getLogger("tfsync.bolt"),
                   signing_secret=services.settings.slack_signing_secret.reveal(), process_before_response=False)
    app.error(route_error)
    register_all(app, services)
    return app


async def connect_socket_mode(app: AsyncApp, settings: Settings) -> AsyncSocketModeHandler:
    """Connect the app over Socket Mode; returns the handler (close_async() to disconnect)."""
    if not settings.slack_app_token:
        raise ConfigError("SLACK_APP_TOKEN is not set: Socket Mode needs the app-level token")
    handler = AsyncSocketModeHandler(app, settings.slack_app_token.reveal())
    await handler.connect_async()
    return handler


async def state_tables_answer() -> None:
    """Readiness: every state table answers DescribeTable and takes reads and writes (ACTIVE, or UPDATING)."""

    def describe() -> None:
        for model in MODELS:
            status = model.describe_table().get("TableStatus")
            if status not in ("ACTIVE", "UPDATING"):
                raise RuntimeError(f"state table {model.Meta.table_name} is {status}")

    await asyncio.to_thread(describe)


async def serve_http(app: AsyncApp, settings: Settings) -> SlackHttpServer:
    """Serve the app in HTTP mode on TFSYNC_HTTP_HOST:TFSYNC_HTTP_PORT (POST /slack/events, /healthz, /readyz);
    returns the started server (close() to stop)."""
    if not settings.slack_signing_secret:
        raise ConfigError("SLACK_SIGNING_SECRET is not set: HTTP mode needs the signing secret to verify Slack's "
                          "requests")
    server = SlackHttpServer(app, settings.slack_signing_secret.reveal(), host=settings.http_host,
                             port=settings.http_port, checks={"state_tables": state_tables_answer})
    return await server.start()


@dataclass
class SlackConnection:
    """How Slack reaches this process, as TFSYNC_SLACK_MODE chose: a Socket Mode handler, or the HTTP server."""

    socket_mode: AsyncSocketModeHandler | None = None
    http: SlackHttpServer | None = None
    down_since: float | None = None  # monotonic: when the Socket Mode connection was first seen down

    def stopping(self) -> None:
        """The process begins to stop: HTTP readiness answers 503 from now on (Socket Mode has nothing to say)."""
        if self.http is not None:
            self.http.stopping()

    async def close(self) -> None:
        if self.socket_mode is not None:
            await self.socket_mode.close_async()
        if self.http is not None:
            await self.http.close()

    async def problem(self, now: float) -> str | None:
        """What the health check should report of Slack: a Socket Mode connection down for too long (the client
        reconnects by itself; a connection that stays down needs a new task). None in HTTP mode: the server is
        up while this process is."""
        if self.socket_mode is None:
            return None
        try:
            up = await self.socket_mode.client.is_connected()
        except Exception:
            up = False
        if up:
            self.down_since = None
            return None
        self.down_since = self.down_since or now
        down = now - self.down_since
        if down > SOCKET_DOWN_SECONDS:
            return f"the Socket Mode connection to Slack has been down for {down:.0f} s"
        return None


async def connect_slack(app: AsyncApp, settings: Settings) -> SlackConnection:
    """Let Slack reach the app the way the settings say: Socket Mode, or HTTP on the request URL's port."""
    if settings.slack_mode == "http":
        return SlackConnection(http=await serve_http(app, settings))
    return SlackConnection(socket_mode=await connect_socket_mode(app, settings))


def vitals_of(slack: SlackConnection, consumer: Callable[[], Consumer | None]) -> Callable[[], Awaitable[Vitals]]:
    """The heartbeat's report: the first problem of the Slack connection and the queue consumer, else their facts."""

    async def vitals() -> Vitals:
        now = time.monotonic()
        running = consumer()
        problem = await slack.problem(now) or (running.vitals(now) if running is not None else None)
        facts = (("slack", "http" if slack.http is not None else "socket"),
                 ("consumer", "running" if running is not None else "starting"))
        return Vitals(problem, facts)

    return vitals


async def run_tfsync(settings: Settings, stop: asyncio.Event, *, connected: asyncio.Event | None = None,
                     heartbeat: bool = False, scan_types: Sequence[str] = ()) -> None:
    """The queue consumer and the Slack app until `stop` is set; `connected` is set once Slack can reach the app
    (Socket Mode connected, or the HTTP server listening). A scan lists `scan_types` by default (all when empty)."""
    schema.configure(settings)
    repo = StateRepository(settings)
    services = build_services(settings, repo, scan_types=scan_types)
    decisions = services.decisions
    await learn_own_account(decisions.accounts)
    slack = await connect_slack(build_app(services), settings)
    consumer: Consumer | None = None
    # The container's health check reads this (bot/health.py); only a deployed bot writes it, not the sandbox.
    beating = (asyncio.create_task(health.beat(stop, vitals_of(slack, lambda: consumer))) if heartbeat
               else None)
    if connected is not None:
        connected.set()
    # Whatever earlier runs left for Slack to show (an outage, a crash) is shown now.
    services.notifier.publisher.wake()
    s3 = aws.client(settings, "s3")
    classifiers = ClassifierSource(settings, repo, s3)
    # Adoptions and deletions whose worker died (a crash, a redeploy) end as failed, or are followed to their end.
    sweeper = asyncio.create_task(run_sweeper(decisions, stop, settings.sweep_seconds))
    # Without infra/'s EventBridge schedule (the sandbox, a bot run by hand), the bot reconciles by itself.
    reconciler = (asyncio.create_task(run_reconciler(services.scans, stop, settings.reconcile_seconds))
                  if services.scans is not None and settings.reconcile_seconds else None)
    try:
        await classifiers.refresh()
        consumer = Consumer(
            settings, repo, aws.client(settings, "sqs"), s3, classifiers, services.notifier,
            service_events=service_event_handler(decisions, services.scans), accounts=decisions.accounts,
        )
        # Everything long-lived is loaded: the collector need not walk it again (bounded pauses on big parses).
        memory.settle()
        logger.info("consuming %s", settings.queue_url)
        stats = await consumer.run(stop)
        logger.info("consumer stopped: %s", stats.as_dict())
    finally:
        slack.stopping()
        if beating is not None:
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beating
        sweeper.cancel()  # `stop` is not set when the consumer raised
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper
        if reconciler is not None:
            reconciler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reconciler
        if services.scans is not None:
            await services.scans.drain()
        await decisions.drain()
        await services.notifier.close()
        await slack.close()


async def start_tfsync(settings: Settings, stop: asyncio.Event, *,
                       scan_types: Sequence[str] = ()) -> asyncio.Task[Any]:
    """Start run_tfsync as a task; returns once Slack can reach the app (or the task failed first)."""
    connected = asyncio.Event()
    task = asyncio.create_task(run_tfsync(settings, stop, connected=connected, scan_types=scan_types))
    waiter = asyncio.create_task(connected.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if task.done():
        task.result()  # raises what stopped it
    return task


def run_production(settings: Settings) -> int:
    """tfsync with Slack credentials: the consumer and the Slack app until SIGTERM or SIGINT."""

    async def serve() -> None:
        stop = asyncio.Event()
        watcher = asyncio.create_task(stop_on_signals(stop))
        try:
            await run_tfsync(settings, stop, heartbeat=True)
        finally:
            stop.set()
            await watcher

    asyncio.run(serve())
    return 0


def run_default(settings: Settings, out: TextIO) -> int:
    """`python -m bot` alone: tfsync with Slack when the Slack credentials of its mode are set (both tokens for
    Socket Mode; the bot token and the signing secret for HTTP mode), else the local sandbox."""
    given = {"SLACK_BOT_TOKEN": settings.slack_bot_token, "SLACK_APP_TOKEN": settings.slack_app_token,
             "SLACK_SIGNING_SECRET": settings.slack_signing_secret}
    http = settings.slack_mode == "http"
    needed = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET") if http else ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    if all(given[name] for name in needed):
        return run_production(settings)
    if any(given.values()):
        # Half-set credentials are a deployment mistake: starting the sandbox instead would hide it.
        missing = next(name for name in needed if not given[name])
        if http:
            raise ConfigError(f"{missing} is not set: tfsync on Slack in HTTP mode needs the bot token and the "
                              "signing secret (neither starts the local sandbox)")
        hint = (" (SLACK_SIGNING_SECRET is for TFSYNC_SLACK_MODE=http)"
                if settings.slack_signing_secret and not settings.slack_app_token else "")
        raise ConfigError(f"{missing} is not set: tfsync on Slack needs both Slack tokens (neither starts the "
                          f"local sandbox){hint}")
    # Only here: production never imports the sandbox or the embedded AWS it brings.
    from sandbox.app import run_sandbox

    return run_sandbox(settings, out, start=start_tfsync)


def main(argv: Sequence[str] | None = None, env: dict[str, str] | None = None, out: TextIO | None = None,
         stdin: Any = None) -> int:
    return cli.main(argv, env=env, out=out, stdin=stdin, default=run_default)


if __name__ == "__main__":
    sys.exit(main())
