"""The Slack emulator's HTTP request mode: what it posts to a request URL, how it signs it, and how it reads the answer
as the ack; first against a bare aiohttp app that records the wire, then against a real Bolt AsyncApp's web app."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aiohttp import web
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from sandbox.slack import SlackEmulator
from sandbox.slack.request_url import FORM, JSON, USER_AGENT, signature
from tests.sandbox.conftest import eventually
from tests.sandbox.test_slack_emulator import ADOPT_MODAL, post_adopt_message

Answer = Callable[["Received"], Awaitable[web.StreamResponse]]


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def content(self) -> Any:
        if self.headers["Content-Type"] == JSON:
            return json.loads(self.body)
        fields = dict(parse_qsl(self.body.decode(), keep_blank_values=True))
        return json.loads(fields["payload"]) if set(fields) == {"payload"} else fields


@dataclass
class App:
    """A request URL that records what reaches it and answers with `answer`."""

    answer: Answer
    received: list[Received] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        received = Received(dict(request.headers), await request.read())
        self.received.append(received)
        return await self.answer(received)


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Answer], Awaitable[App]]]:
    runners: list[web.AppRunner] = []

    async def start(answer: Answer) -> App:
        app = App(answer)
        web_app = web.Application()
        web_app.router.add_post("/slack/events", app.handle)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        runners.append(runner)
        app.url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
        return app

    yield start
    for runner in runners:
        await runner.cleanup()


async def plain_app(received: Received) -> web.StreamResponse:
    """Answers as a small app would: the challenge, a command's text, errors for a submitted view, else empty."""
    content = received.content
    if content.get("type") == "url_verification":
        return web.json_response({"challenge": content["challenge"]})
    if content.get("command") == "/tfsync":
        if content["text"] == "fail":
            return web.Response(status=500)
        return web.Response(text=f"you said {content['text']}")
    if content.get("type") == "view_submission":
        return web.json_response({"response_action": "errors", "errors": {"name": "Not a Terraform name."}})
    return web.Response()


async def test_what_is_posted_and_how_it_is_signed(emulator: SlackEmulator, serve: Any) -> None:
    app = await serve(plain_app)
    await emulator.use_request_url(app.url)
    assert emulator.request_url == app.url

    await (await emulator.slash_command("alice", "infra", "/tfsync", "help me")).wait_ack()
    await (await emulator.push_event({"type": "app_mention", "user": "U1", "text": "héllo ✓", "ts": "1.1",
                                      "channel": "C1", "event_ts": "1.1"})).wait_ack()

    verification, command, event = app.received
    verifier = SignatureVerifier(emulator.signing_secret)
    for request in app.received:
        timestamp, signed = request.headers["X-Slack-Request-Timestamp"], request.headers["X-Slack-Signature"]
        assert verifier.is_valid(request.body, timestamp, signed)  # Slack's own SDK agrees
        assert signed == signature(emulator.signing_secret, timestamp, request.body)
        assert request.headers["User-Agent"] == USER_AGENT
    assert verification.headers["Content-Type"] == JSON and verification.content["type"] == "url_verification"
    assert command.headers["Content-Type"] == FORM
    assert command.content["command"] == "/tfsync" and command.content["text"] == "help me"
    assert b"text=help+me" in command.body  # form-encoded as Slack does it
    assert event.headers["Content-Type"] == JSON and event.content["event"]["text"] == "héllo ✓"
    assert event.body == json.dumps(event.content, separators=(",", ":"), ensure_ascii=False).encode()


async def test_the_answer_is_the_ack(emulator: SlackEmulator, serve: Any) -> None:
    app = await serve(plain_app)
    await emulator.use_request_url(app.url)

    said = await (await emulator.slash_command("alice", "infra", "/tfsync", "hi")).wait_ack()
    assert (said.status, said.payload, said.problem) == (200, {"text": "you said hi"}, None)
    [note] = emulator.ephemerals(user="alice")
    assert note.text == "you said hi" and note.source == "response_url"

    failed = await (await emulator.slash_command("alice", "infra", "/tfsync", "fail")).wait_ack()
    assert (failed.status, failed.payload, failed.problem) == (500, None, "HTTP 500")
    assert len(emulator.ephemerals(user="alice")) == 1  # nothing shown for it

    ts = await post_adopt_message(emulator)
    clicked = await emulator.click("alice", "infra", ts, "tfsync-resource-adopt")
    click_ack = await clicked.wait_ack()
    assert (click_ack.status, click_ack.payload, click_ack.problem) == (200, None, None)
    assert app.received[-1].content["type"] == "block_actions"
    opened = await emulator.web_client().views_open(trigger_id=clicked.payload["trigger_id"], view=ADOPT_MODAL)
    submitted = await (await emulator.submit_view("alice", opened["view"]["id"], {
        "module": {"value": "root"}, "expiry": {"value": "1d"},
    })).wait_ack()
    assert submitted.payload == {"response_action": "errors", "errors": {"name": "Not a Terraform name."}}
    assert emulator.modal("alice").errors == {"name": "Not a Terraform name."}
    assert emulator.envelopes == [*emulator.http.envelopes.values()] and emulator.socket.envelopes == {}


async def test_a_request_url_that_fails_its_challenge_is_not_saved(emulator: SlackEmulator, serve: Any) -> None:
    async def wrong(received: Received) -> web.StreamResponse:
        return web.json_response({"challenge": "something else"})

    app = await serve(wrong)
    with pytest.raises(ValueError, match="url_verification"):
        await emulator.use_request_url(app.url)
    assert emulator.request_url is None
    await emulator.use_request_url(app.url, verify=False)
    await emulator.use_request_url(None)  # back to Socket Mode
    assert emulator.request_url is None
    with pytest.raises(RuntimeError, match="Socket Mode"):
        await emulator.slash_command("alice", "infra", "/tfsync")


async def test_an_unreachable_request_url_is_a_failed_delivery(emulator: SlackEmulator) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once closed: nothing listens there
    await emulator.use_request_url(f"http://127.0.0.1:{port}/slack/events", verify=False)
    ack = await (await emulator.slash_command("alice", "infra", "/tfsync")).wait_ack()
    assert ack.status is None and ack.problem is not None and ack.problem.startswith("the request URL did not answer")


async def test_a_real_bolt_app_verifies_and_answers_what_the_emulator_posts(emulator: SlackEmulator) -> None:
    bolt = AsyncApp(client=emulator.web_client(), signing_secret=emulator.signing_secret,
                    logger=logging.getLogger("tests.bolt"))

    @bolt.command("/tfsync")
    async def command(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        await ack(f"working on {command['text']}")
        await respond("done")

    runner = web.AppRunner(bolt.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await emulator.use_request_url(f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events")
        ack = await (await emulator.slash_command("alice", "infra", "/tfsync", "list")).wait_ack()
        assert (ack.status, ack.payload, ack.problem) == (200, {"text": "working on list"}, None)
        # The answer and what the listener sent its response_url after the ack, in whichever order they arrive.
        await eventually(lambda: sorted(e.text for e in emulator.ephemerals(user="alice")) == ["done",
                                                                                               "working on list"])

        emulator.http.signing_secret = "f" * 32  # not the app's: Bolt refuses it
        refused = await (await emulator.slash_command("alice", "infra", "/tfsync", "list")).wait_ack()
        assert (refused.status, refused.problem) == (401, "HTTP 401")
    finally:
        await runner.cleanup()
