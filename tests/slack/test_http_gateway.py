"""Behind API Gateway: Slack's signature survives an HTTP API private integration, because the body's bytes do.

The deployment puts an API Gateway HTTP API (private integration) in front of the container. It forwards the method,
path and body as they came, keeps Slack's headers, rewrites Host to the integration's and adds X-Forwarded-For,
X-Forwarded-Proto, Forwarded and X-Amzn-Trace-Id. `Gateway` below does the same, and requests through it work. A
proxy that parses the body and writes it again (the same fields and JSON, other bytes) is refused: what is verified
is the raw body, so nothing between Slack and the app may rewrite it.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import aiohttp
import pytest
from aiohttp import web

from bot.state import Status
from renderers.slack.ids import Action, Block, Callback
from slack_adapters.http_mode import EVENTS_PATH
from tests.slack.conftest import Harness, eventually, texts

# One hop's own headers (RFC 9110) and those the client library sets again for the forwarded request.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "transfer-encoding", "upgrade", "host", "content-length"})
CLIENT_IP = "203.0.113.7"  # where "Slack" connects from, as the gateway sees it


def content(body: bytes, content_type: str) -> Any:
    """What a body says, whatever its bytes: the JSON, or the form's fields with a `payload` field's JSON read."""
    if content_type.startswith("application/json"):
        return json.loads(body)
    fields = parse_qsl(body.decode(), keep_blank_values=True)
    return {key: json.loads(value) if key == "payload" else value for key, value in fields}


def reencoded(body: bytes, content_type: str) -> bytes:
    """The same content written again, as a proxy that parses and re-serialises requests would: JSON with Python's
    spacing, form fields sorted and percent-encoded by another rule."""
    if content_type.startswith("application/json"):
        return json.dumps(json.loads(body)).encode()
    fields = {key: json.dumps(json.loads(value)) if key == "payload" else value
              for key, value in parse_qsl(body.decode(), keep_blank_values=True)}
    return urlencode(sorted(fields.items()), quote_via=quote, safe="/:").encode()


@dataclass
class Forwarded:
    received: bytes
    sent: bytes
    content_type: str
    headers: dict[str, str]
    status: int


@dataclass
class Gateway:
    """A reverse proxy that forwards as an API Gateway HTTP API private integration does (or, with `reencode`, as one
    that rewrites bodies); `forwarded` records each request."""

    upstream: str
    reencode: bool = False
    forwarded: list[Forwarded] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None
    _session: aiohttp.ClientSession | None = None

    async def start(self) -> Gateway:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._session = aiohttp.ClientSession()
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        received = await request.read()
        content_type = request.headers.get("Content-Type", "")
        sent = reencoded(received, content_type) if self.reencode and received else received
        headers = {key: value for key, value in request.headers.items() if key.lower() not in HOP_BY_HOP}
        upstream_host = urlsplit(self.upstream).netloc
        headers.update({
            "Host": upstream_host,
            "X-Forwarded-For": CLIENT_IP,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Port": "443",
            "Forwarded": f"by=10.0.0.1;for={CLIENT_IP};host={request.host};proto=https",
            "X-Amzn-Trace-Id": f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)}",
        })
        async with self._session.request(request.method, self.upstream + request.path_qs, data=sent,
                                         headers=headers) as response:
            body = await response.read()
            self.forwarded.append(Forwarded(received, sent, content_type, headers, response.status))
            return web.Response(status=response.status, body=body,
                                content_type=response.content_type if body else None)


@pytest.fixture
async def gateway(http_harness: Harness) -> AsyncIterator[Gateway]:
    assert http_harness.server is not None
    proxy = await Gateway(http_harness.server.url).start()
    try:
        yield proxy
    finally:
        await proxy.close()


async def test_requests_through_the_gateway_keep_their_signature(http_harness: Harness, gateway: Gateway) -> None:
    harness, emulator = http_harness, http_harness.emulator
    await emulator.use_request_url(gateway.url + EVENTS_PATH)  # the url_verification goes through it too
    record = await harness.detect("gateway-logs")

    clicked = await (await emulator.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_ADOPT)).wait_ack()
    form = await eventually(lambda: (m := emulator.modal("alice")) is not None
                            and m.callback_id == Callback.ADOPTION_SUBMIT and m)
    refused = await (await emulator.submit_view("alice", form.id, {
        Block.TF_NAME_INPUT: {Action.TF_NAME_SET: "gateway logs!"},
        Block.MODULE_INPUT: {Action.MODULE_SELECT: "module.storage"},
    })).wait_ack()
    shown = await (await emulator.slash_command("alice", "infra", "/tfsync", "show café-logs ✓")).wait_ack()
    [answer] = await eventually(lambda: emulator.ephemerals(user="alice"))

    assert [(ack.status, ack.problem) for ack in (clicked, refused, shown)] == [(200, None)] * 3
    assert refused.payload["response_action"] == "errors"
    assert "No resource matches" in texts(answer.blocks)
    assert [f.status for f in gateway.forwarded] == [200] * 4  # the url_verification, then the three
    for forwarded in gateway.forwarded:
        assert forwarded.sent == forwarded.received
        assert forwarded.headers["Host"] == urlsplit(gateway.upstream).netloc
        assert {"X-Slack-Signature", "X-Slack-Request-Timestamp", "X-Amzn-Trace-Id"} <= set(forwarded.headers)


async def test_a_proxy_that_rewrites_the_body_is_refused(http_harness: Harness) -> None:
    harness, emulator = http_harness, http_harness.emulator
    assert harness.server is not None
    rewriting = await Gateway(harness.server.url, reencode=True).start()
    try:
        with pytest.raises(ValueError, match="url_verification"):
            await emulator.use_request_url(rewriting.url + EVENTS_PATH)
        await emulator.use_request_url(rewriting.url + EVENTS_PATH, verify=False)
        record = await harness.detect("rewritten-logs")
        calls = len(emulator.calls)

        acks = [
            await (await emulator.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_ADOPT)).wait_ack(),
            await (await emulator.slash_command("alice", "infra", "/tfsync", "list")).wait_ack(),
            await (await emulator.open_home("alice")).wait_ack(),
        ]
        await asyncio.sleep(0.5)
    finally:
        await rewriting.close()

    assert [(ack.status, ack.problem) for ack in acks] == [(401, "HTTP 401")] * 3
    assert emulator.calls[calls:] == [] and emulator.modal("alice") is None and emulator.home("alice") is None
    assert (await harness.repo.get(record.resource_id)).status == Status.DETECTED
    # The same content in other bytes: the signature is of the raw body.
    assert len(rewriting.forwarded) == 4
    for forwarded in rewriting.forwarded:
        assert forwarded.sent != forwarded.received
        assert content(forwarded.sent, forwarded.content_type) == content(forwarded.received, forwarded.content_type)
        assert forwarded.status == 401
