"""The composition root: builds the settings' services, the engine, the Slack app, and runs them.

Arrows run one way: this module -> `handlers/` (listeners) -> `slack_adapters/` -> `bot/` (the engine). Nothing
below imports this module. `python -m bot` (the Procfile's worker) comes here: with both Slack tokens it runs
tfsync against Slack and AWS; with none it starts the local sandbox (`sandbox/`, imported only then); with a
subcommand it runs the engine's command line (`classify`, `codegen`, `worker`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot import aws, cli, memory
from bot.accounts import AccountAccess
from bot.config import Settings
from bot.consumer import ClassifierSource, Consumer
from bot.decisions import DecisionObserver, DecisionService, Remover, SafeRemover
from bot.errors import ConfigError
from bot.managed import StateReader
from bot.runners import JobReporter, Runner, make_runner
from bot.signals import stop_on_signals
from bot.state import StateRepository, schema
from bot.state.channels import ChannelStore
from bot.sweeper import run_sweeper
from handlers import register_all
from slack_adapters.client import slack_client
from slack_adapters.errors import route_error
from slack_adapters.notifier import SlackJobReporter, SlackNotifier
from slack_adapters.posting import PostingQueue
from slack_adapters.presenters import Previews
from slack_adapters.publisher import Publisher, posting_client
from slack_adapters.routing import Router
from slack_adapters.services import SlackServices
from slack_adapters.users import UserDirectory

logger = logging.getLogger(__name__)


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
    remover: Remover | None = None,
) -> SlackServices:
    """The Slack adapters (client, posting queue, router, people, notifier) and the decisions reporting to them."""
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
    return SlackServices(settings, repo, client, router, users, previews, notifier, decisions)


def build_app(services: SlackServices) -> AsyncApp:
    """The Bolt app: the one error router and every listener, with the services in each request's context."""
    app = AsyncApp(client=services.client, logger=logging.getLogger("tfsync.bolt"))
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


async def run_tfsync(settings: Settings, stop: asyncio.Event, *, connected: asyncio.Event | None = None) -> None:
    """The queue consumer and the Slack app until `stop` is set; `connected` is set once Socket Mode is up."""
    schema.configure(settings)
    repo = StateRepository(settings)
    services = build_services(settings, repo)
    decisions = services.decisions
    await learn_own_account(decisions.accounts)
    handler = await connect_socket_mode(build_app(services), settings)
    if connected is not None:
        connected.set()
    # Whatever earlier runs left for Slack to show (an outage, a crash) is shown now.
    services.notifier.publisher.wake()
    s3 = aws.client(settings, "s3")
    classifiers = ClassifierSource(settings, repo, s3)
    # Adoptions and deletions whose worker died (a crash, a redeploy) end as failed, or are followed to their end.
    sweeper = asyncio.create_task(run_sweeper(decisions, stop, settings.sweep_seconds))
    try:
        await classifiers.refresh()
        consumer = Consumer(
            settings, repo, aws.client(settings, "sqs"), s3, classifiers, services.notifier,
            service_events=decisions.handle_service_event,
        )
        # Everything long-lived is loaded: the collector need not walk it again (bounded pauses on big parses).
        memory.settle()
        logger.info("consuming %s", settings.queue_url)
        stats = await consumer.run(stop)
        logger.info("consumer stopped: %s", stats.as_dict())
    finally:
        sweeper.cancel()  # `stop` is not set when the consumer raised
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper
        await decisions.drain()
        await services.notifier.close()
        await handler.close_async()


async def start_tfsync(settings: Settings, stop: asyncio.Event) -> asyncio.Task[Any]:
    """Start run_tfsync as a task; returns once the Slack app is connected (or the task failed first)."""
    connected = asyncio.Event()
    task = asyncio.create_task(run_tfsync(settings, stop, connected=connected))
    waiter = asyncio.create_task(connected.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if task.done():
        task.result()  # raises what stopped it
    return task


def run_production(settings: Settings) -> int:
    """tfsync with Slack tokens: the consumer and the Slack app until SIGTERM or SIGINT."""

    async def serve() -> None:
        stop = asyncio.Event()
        watcher = asyncio.create_task(stop_on_signals(stop))
        try:
            await run_tfsync(settings, stop)
        finally:
            stop.set()
            await watcher

    asyncio.run(serve())
    return 0


def run_default(settings: Settings, out: TextIO) -> int:
    """`python -m bot` alone: tfsync with Slack when both Slack tokens are set, else the local sandbox."""
    if settings.slack_bot_token and settings.slack_app_token:
        return run_production(settings)
    if settings.slack_bot_token or settings.slack_app_token:
        # Half-set tokens are a deployment mistake: starting the sandbox instead would hide it.
        missing = "SLACK_APP_TOKEN" if settings.slack_bot_token else "SLACK_BOT_TOKEN"
        raise ConfigError(f"{missing} is not set: tfsync on Slack needs both Slack tokens (neither starts the "
                          "local sandbox)")
    # Only here: production never imports the sandbox or the embedded AWS it brings.
    from sandbox.app import run_sandbox

    return run_sandbox(settings, out, start=start_tfsync)


def main(argv: Sequence[str] | None = None, env: dict[str, str] | None = None, out: TextIO | None = None,
         stdin: Any = None) -> int:
    return cli.main(argv, env=env, out=out, stdin=stdin, default=run_default)


if __name__ == "__main__":
    sys.exit(main())
