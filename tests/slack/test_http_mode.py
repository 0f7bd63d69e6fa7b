"""HTTP request mode: the real app on its own aiohttp server (Bolt's web app), the emulator posting every click,
submission, options request, command and event to it signed exactly as Slack signs, the HTTP response taken as the
ack, and the app's Web API calls going to the emulator."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import aiohttp
import pytest
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from app import run_default, serve_http
from bot.config import Settings
from bot.errors import ConfigError
from bot.state import Status
from renderers.slack.ids import Action, Block, Callback
from sandbox.slack import SlackEmulator
from sandbox.slack.request_url import FORM, encode, signed_headers
from slack_adapters.http_mode import CHECK_SECONDS, EVENTS_PATH, HEALTH_PATH, READY_PATH, SlackHttpServer
from tests.faults import DelayingProxy
from tests.slack.conftest import Harness, eventually, running, texts

ACK_DEADLINE = 3.0
# Longer than Slack's three seconds: work after the ack that would have missed the deadline, had it come first.
DELAY = 4.0
ADOPT_VALUES = {
    Block.TF_NAME_INPUT: {Action.TF_NAME_SET: "http_logs"},
    Block.MODULE_INPUT: {Action.MODULE_SELECT: "module.storage"},
}


def reached(harness: Harness) -> list[dict[str, Any]]:
    """From now on, every request that gets past Bolt's built-in middleware (its signature check) to tfsync's own
    middleware and listeners."""
    seen: list[dict[str, Any]] = []

    async def record(body: dict[str, Any], next: Any) -> None:
        seen.append(body)
        await next()

    harness.app.middleware(record)
    return seen


def form_of(harness: Harness, user: str = "alice") -> Any:
    modal = harness.emulator.modal(user)
    return modal is not None and modal.callback_id == Callback.ADOPTION_SUBMIT and modal


async def get(harness: Harness, path: str) -> tuple[int, dict[str, Any]]:
    assert harness.server is not None
    async with aiohttp.ClientSession() as session, session.get(harness.server.url + path) as response:
        return response.status, await response.json()


# What Slack sends, answered as Slack reads the answers.


async def test_a_button_click_opens_the_loading_modal_then_the_form(http_harness: Harness) -> None:
    harness, emulator = http_harness, http_harness.emulator
    record = await harness.detect("http-button-logs")

    envelope = await emulator.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_ADOPT)
    ack = await envelope.wait_ack(ACK_DEADLINE)

    assert (ack.status, ack.problem, ack.payload) == (200, None, None)
    form = await eventually(lambda: form_of(harness))
    [opened] = emulator.calls_to("views.open")
    assert opened.response["view"]["callback_id"] == Callback.LOADING_SHOW and opened.response["view"]["id"] == form.id
    assert "Target module" in texts(form.blocks)
    # It all came over HTTP: the app never asked for a Socket Mode connection.
    assert emulator.http.envelopes == {envelope.envelope_id: envelope} and emulator.socket.envelopes == {}
    assert emulator.calls_to("apps.connections.open") == []


async def test_a_modal_submission_is_answered_in_the_http_response(http_harness: Harness) -> None:
    harness, emulator = http_harness, http_harness.emulator
    record = await harness.detect("http-submit-logs")
    await (await emulator.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_ADOPT)).wait_ack()
    form = await eventually(lambda: form_of(harness))

    bad = await (await emulator.submit_view("alice", form.id, {
        **ADOPT_VALUES, Block.TF_NAME_INPUT: {Action.TF_NAME_SET: "http logs!"},
    })).wait_ack(ACK_DEADLINE)

    assert (bad.status, bad.problem) == (200, None) and bad.payload is not None
    assert bad.payload["response_action"] == "errors" and set(bad.payload["errors"]) == {Block.TF_NAME_INPUT}
    assert set(emulator.modal("alice").errors) == {Block.TF_NAME_INPUT}  # shown in the form, which stays open
    assert harness.runner.calls == [] and (await harness.repo.get(record.resource_id)).status == Status.DETECTED

    good = await (await emulator.submit_view("alice", form.id, ADOPT_VALUES)).wait_ack(ACK_DEADLINE)
    assert (good.status, good.problem) == (200, None) and good.payload["response_action"] == "update"
    assert emulator.modal("alice").callback_id == Callback.ADOPTION_WAIT
    await eventually(lambda: harness.runner.calls)
    await harness.settle()
    assert (await harness.repo.get(record.resource_id)).status == Status.ADOPTED


async def test_tfsync_help_and_list_answer_the_person(http_harness: Harness) -> None:
    harness, emulator = http_harness, http_harness.emulator
    record = await harness.detect("http-command-logs")

    for text, expected in (("help", "/tfsync list [status]"), ("list", record.resource_id)):
        before = len(emulator.ephemerals(user="alice"))
        ack = await (await emulator.slash_command("alice", "infra", "/tfsync", text)).wait_ack(ACK_DEADLINE)
        assert (ack.status, ack.problem) == (200, None)
        [answer] = await eventually(lambda before=before: emulator.ephemerals(user="alice")[before:])
        assert expected in texts(answer.blocks)
    assert emulator.ephemerals(user="bob") == []


async def test_events_arrive_as_json_after_the_request_url_answered_its_challenge(http_harness: Harness) -> None:
    harness, emulator = http_harness, http_harness.emulator
    assert harness.server is not None
    await emulator.http.verify(harness.server.url + EVENTS_PATH)  # what Slack sends when the URL is saved
    await harness.detect("http-home-logs")

    ack = await (await emulator.open_home("alice")).wait_ack(ACK_DEADLINE)

    assert (ack.status, ack.problem) == (200, None)
    home = await eventually(lambda: emulator.home("alice"))
    assert "*Open resources* (1)" in texts(home.blocks)


async def test_an_external_select_gets_its_options_in_the_http_response(
    http_env: dict[str, str], emulator: SlackEmulator,
) -> None:
    modules = ",".join(f"module.team{n:03d}" for n in range(150))
    async with running({**http_env, "TFSYNC_TARGET_MODULES": modules}, emulator) as harness:
        record = await harness.detect("http-options-logs")
        await (await emulator.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_ADOPT)).wait_ack()
        form = await eventually(lambda: form_of(harness))

        ack = await (await emulator.load_options("alice", form.id, Action.MODULE_SELECT, "team14")).wait_ack()

    assert (ack.status, ack.problem) == (200, None)
    assert [o["value"] for o in ack.payload["options"]] == [f"module.team{n}" for n in range(140, 150)]


# Requests Slack did not sign, or signed too long ago.


@pytest.mark.parametrize(("secret", "skew"), [("0" * 32, 0.0), (None, -301.0), (None, 301.0)],
                         ids=["wrong-secret", "older-than-5-minutes", "from-the-future"])
async def test_a_bad_or_stale_signature_gets_401_and_nothing_happens(
    http_harness: Harness, secret: str | None, skew: float,
) -> None:
    harness, emulator = http_harness, http_harness.emulator
    record = await harness.detect("http-forged-logs")
    seen = reached(harness)
    calls = len(emulator.calls)
    emulator.http.signing_secret = secret or emulator.signing_secret
    emulator.http.clock_skew = skew

    acks = [await (await emulator.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_ADOPT)).wait_ack(),
            await (await emulator.slash_command("alice", "infra", "/tfsync", "list")).wait_ack(),
            await (await emulator.open_home("alice")).wait_ack()]

    assert [(ack.status, ack.problem) for ack in acks] == [(401, "HTTP 401")] * 3
    await asyncio.sleep(0.5)  # time for anything a listener had started to reach Slack
    assert seen == [] and emulator.calls[calls:] == []
    assert emulator.modal("alice") is None and emulator.home("alice") is None
    assert emulator.ephemerals(user="alice") == []
    assert harness.runner.calls == [] and (await harness.repo.get(record.resource_id)).status == Status.DETECTED

    # Signed with the app's secret within the five minutes, the same click goes through: the signature stopped it.
    emulator.http.signing_secret, emulator.http.clock_skew = emulator.signing_secret, -240.0
    ack = await (await emulator.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_ADOPT)).wait_ack()
    assert (ack.status, ack.problem) == (200, None) and len(seen) == 1
    await eventually(lambda: form_of(harness))


@pytest.mark.parametrize("case", ["unsigned", "not-a-timestamp", "another-body", "garbage-body"])
async def test_malformed_and_unsigned_requests_get_401_before_anything_parses_them(
    http_harness: Harness, case: str,
) -> None:
    harness, emulator = http_harness, http_harness.emulator
    assert harness.server is not None
    seen = reached(harness)
    body, content_type = encode("slash_commands", {
        "command": "/tfsync", "text": "list", "user_id": emulator.workspace.user("alice").id,
        "team_id": emulator.workspace.team.id, "channel_id": harness.channel, "trigger_id": "1.2.3",
        "response_url": f"{emulator.url}/response-url/none",
    })
    headers = {"Content-Type": content_type, **signed_headers(emulator.signing_secret, body)}
    if case == "unsigned":
        headers = {"Content-Type": content_type}
    elif case == "not-a-timestamp":
        headers["X-Slack-Request-Timestamp"] = "soon"  # Bolt alone would answer 500 to this
    elif case == "another-body":
        body = body.replace(b"list", b"stats")
    else:  # neither UTF-8 nor a form: Bolt alone would fail parsing it, before its signature check
        body, headers = b"payload=\xff{not json", {"Content-Type": FORM, "X-Slack-Signature": "v0=0",
                                                    "X-Slack-Request-Timestamp": str(int(time.time()))}

    async with aiohttp.ClientSession() as session, session.post(
        harness.server.url + EVENTS_PATH, data=body, headers=headers,
    ) as response:
        status, answer = response.status, await response.json()

    assert (status, answer) == (401, {"error": "invalid request"})
    await asyncio.sleep(0.2)
    assert seen == [] and emulator.calls_to("chat.postEphemeral") == []


# The ack is the response; the work after it runs on.


async def test_the_response_is_the_ack_and_the_work_after_it_runs_on(
    slow_http_harness: Harness, slow_dynamodb: DelayingProxy,
) -> None:
    harness, emulator = slow_http_harness, slow_http_harness.emulator
    assert harness.app.process_before_response is False
    record = await harness.detect("http-slow-logs")
    slow_dynamodb.delay = DELAY  # every DynamoDB call a listener makes after its ack now takes 4 s

    sent = time.monotonic()
    click, command = await asyncio.gather(
        emulator.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_ADOPT),
        emulator.slash_command("bob", "infra", "/tfsync", "list"),
    )
    acks = await asyncio.gather(click.wait_ack(ACK_DEADLINE), command.wait_ack(ACK_DEADLINE))

    assert [(ack.status, ack.problem) for ack in acks] == [(200, None)] * 2
    assert all(ack.seconds < ACK_DEADLINE for ack in acks)
    assert emulator.ephemerals(user="bob") == []  # answered at the ack; the list itself comes after it
    loading = await eventually(lambda: emulator.modal("alice"), seconds=ACK_DEADLINE)
    assert loading.callback_id == Callback.LOADING_SHOW and time.monotonic() - sent < DELAY
    await eventually(lambda: form_of(harness), seconds=DELAY + 5)
    assert time.monotonic() - sent >= DELAY and slow_dynamodb.held()  # the delay really was in the way of the work
    slow_dynamodb.release()
    [answer] = await eventually(lambda: emulator.ephemerals(user="bob"), seconds=10)
    assert record.resource_id in texts(answer.blocks)


# Liveness and readiness.


async def test_health_and_readiness(slow_http_harness: Harness, slow_dynamodb: DelayingProxy) -> None:
    harness = slow_http_harness
    assert harness.server is not None

    assert await get(harness, HEALTH_PATH) == (200, {"status": "ok"})
    assert await get(harness, READY_PATH) == (200, {"ready": True, "checks": {"serving": "ok", "state_tables": "ok"}})

    slow_dynamodb.delay = CHECK_SECONDS + 2  # the state tables stop answering in time
    started = time.monotonic()
    assert await get(harness, READY_PATH) == (503, {"ready": False,
                                                    "checks": {"serving": "ok", "state_tables": "timed out"}})
    assert time.monotonic() - started < CHECK_SECONDS + 1
    assert await get(harness, HEALTH_PATH) == (200, {"status": "ok"})  # alive all the same
    slow_dynamodb.release()
    assert (await get(harness, READY_PATH))[0] == 200

    harness.server.stopping()  # what run_tfsync does first when it stops
    assert await get(harness, READY_PATH) == (503, {"ready": False, "checks": {"serving": "stopping"}})
    assert await get(harness, HEALTH_PATH) == (200, {"status": "ok"})


async def test_the_signing_secret_stays_out_of_logs_and_answers(
    http_harness: Harness, http_env: dict[str, str], caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    harness, emulator = http_harness, http_harness.emulator
    record = await harness.detect("http-secret-logs")
    await (await emulator.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_ADOPT)).wait_ack()
    await eventually(lambda: form_of(harness))
    emulator.http.clock_skew = -600.0
    assert (await (await emulator.slash_command("alice", "infra", "/tfsync")).wait_ack()).status == 401
    answers = [await get(harness, HEALTH_PATH), await get(harness, READY_PATH)]

    secret = http_env["SLACK_SIGNING_SECRET"]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "views.open" in logged and "refused a request" in logged  # the logs did see both requests
    assert secret not in logged and secret not in repr(answers)
    settings = Settings.from_env(http_env)
    assert secret not in f"{settings!r} {settings} {settings.redacted()}"
    assert settings.slack_signing_secret.reveal() == secret


# Settings and start-up.


def test_http_mode_settings() -> None:
    default = Settings.from_env({})
    assert (default.slack_mode, default.http_host, default.http_port) == ("socket", "0.0.0.0", 8080)  # noqa: S104
    assert not default.slack_signing_secret
    http = Settings.from_env({"TFSYNC_SLACK_MODE": " HTTP ", "SLACK_SIGNING_SECRET": "abc123 ",
                              "TFSYNC_HTTP_HOST": "127.0.0.1", "TFSYNC_HTTP_PORT": "3001"})
    assert (http.slack_mode, http.http_host, http.http_port) == ("http", "127.0.0.1", 3001)
    assert http.slack_signing_secret.reveal() == "abc123"
    with pytest.raises(ConfigError, match="TFSYNC_SLACK_MODE must be one of socket, http"):
        Settings.from_env({"TFSYNC_SLACK_MODE": "websocket"})
    with pytest.raises(ConfigError, match="TFSYNC_HTTP_PORT must be a TCP port"):
        Settings.from_env({"TFSYNC_HTTP_PORT": "70000"})


@pytest.mark.parametrize(("env", "missing"), [
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, "SLACK_SIGNING_SECRET"),
    ({"SLACK_SIGNING_SECRET": "abc123"}, "SLACK_BOT_TOKEN"),
])
def test_http_mode_without_its_credentials_is_an_error_not_the_sandbox(env: dict[str, str], missing: str) -> None:
    settings = Settings.from_env({"TFSYNC_SLACK_MODE": "http", **env})
    with pytest.raises(ConfigError, match=f"^{missing} is not set: tfsync on Slack in HTTP mode needs the bot token "
                                          "and the signing secret"):
        run_default(settings, None)  # type: ignore[arg-type]


def test_socket_mode_with_only_a_signing_secret_says_which_mode_it_is_for() -> None:
    settings = Settings.from_env({"SLACK_SIGNING_SECRET": "abc123"})
    with pytest.raises(ConfigError, match=r"SLACK_BOT_TOKEN is not set: .*TFSYNC_SLACK_MODE=http"):
        run_default(settings, None)  # type: ignore[arg-type]


async def test_the_server_needs_the_secret_and_answers_at_the_ack() -> None:
    settings = Settings.from_env({"TFSYNC_SLACK_MODE": "http", "TFSYNC_HTTP_PORT": "0"})
    client = AsyncWebClient(token="xoxb-not-used")
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET is not set"):
        await serve_http(AsyncApp(client=client, signing_secret=""), settings)
    with pytest.raises(ValueError, match="signing secret"):
        SlackHttpServer(AsyncApp(client=client, signing_secret=""), "", host="127.0.0.1", port=0)
    # Bolt would then answer only once the listener is done, after the work: never in HTTP mode.
    late = AsyncApp(client=client, signing_secret="abc123", process_before_response=True)
    with pytest.raises(ValueError, match="process_before_response must be False"):
        SlackHttpServer(late, "abc123", host="127.0.0.1", port=0)
