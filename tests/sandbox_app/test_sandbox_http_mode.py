"""The sandbox in HTTP mode (TFSYNC_SLACK_MODE=http): the page's clicks and submissions reach tfsync as signed HTTP
requests from the emulator to tfsync's own port, and a console bucket is adopted as over Socket Mode."""

from __future__ import annotations

from typing import Any

import pytest

from renderers.slack.ids import Action, Block
from sandbox.app import DEFAULT_CHANNEL, Running
from tests.sandbox_app.conftest import Api, eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def sandbox_env() -> dict[str, str]:
    return {"TFSYNC_SLACK_MODE": "http", "TFSYNC_HTTP_PORT": "0"}


async def test_a_bucket_is_adopted_through_signed_http_requests(api: Api, sandbox: Running) -> None:
    emulator = sandbox.emulator
    assert sandbox.settings.slack_mode == "http" and sandbox.settings.http_port
    assert emulator.request_url == f"http://127.0.0.1:{sandbox.settings.http_port}/slack/events"
    await api.post("/sandbox/clickops", {"tf_type": "aws_s3_bucket", "name": "http-mode-logs"})

    async def parent() -> dict[str, Any] | None:
        messages = (await api.get("/sandbox/messages", channel=DEFAULT_CHANNEL))["messages"]
        return next((m for m in messages if " http-mode-logs " in m["text"]), None)

    thread = await eventually(parent)
    opened = await api.post("/sandbox/interact", {"user": "alice", "channel": thread["channel"],
                                                  "message_ts": thread["ts"], "action_id": Action.RESOURCE_ADOPT})
    refused = await api.post("/sandbox/views/submit", {
        "user": "alice", "view_id": opened["view"]["id"],
        "values": {Block.TF_NAME_INPUT: {Action.TF_NAME_SET: "9 not an identifier"}},
    })
    assert refused["response_action"] == "errors" and Block.TF_NAME_INPUT in refused["errors"]
    accepted = await api.post("/sandbox/views/submit", {
        "user": "alice", "view_id": opened["view"]["id"],
        "values": {Block.TF_NAME_INPUT: {Action.TF_NAME_SET: "http_mode_logs"}},
    })
    assert accepted["errors"] == {}

    async def commit() -> dict[str, Any] | None:
        return next((c for c in (await api.get("/sandbox/git/log"))["commits"] if "http_mode_logs" in c["message"]),
                    None)

    await eventually(commit, seconds=60)
    # All of it over HTTP: the Socket Mode side saw nothing, and every delivery was answered 200.
    assert emulator.socket.envelopes == {} and emulator.calls_to("apps.connections.open") == []
    assert {envelope.ack.status for envelope in emulator.envelopes if envelope.ack} == {200}
