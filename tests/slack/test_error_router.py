"""The error router's two ways in: errors before the ack answered in the ack itself (with no I/O first), errors
after it told where the person looks; and an ack that a failure right after it cannot take back."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.errors import UnknownResource
from bot.state.errors import TransitionConflict
from handlers.flow import after_ack
from renderers.slack import FormError
from renderers.slack.ids import Block, Callback
from sandbox.slack import SlackEmulator
from slack_adapters.errors import NotAuthorized, report_after_ack, route_error
from tests.slack.conftest import Harness, eventually, texts


class NoCalls:
    """A Web API client that must not be used: an answer in the ack needs no Slack call."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the router called {name} before the ack")


def answer(response: BoltResponse | None) -> dict[str, Any]:
    assert response is not None and response.status == 200
    return json.loads(response.body) if response.body else {}


async def test_errors_before_the_ack_are_answered_in_it_with_no_call_to_slack() -> None:
    submission = {"type": "view_submission", "user": {"id": "U0ALICE"}, "view": {"id": "V1"}}
    command_body = {"command": "/tfsync", "user_id": "U0ALICE"}

    async def routed(error: Exception, body: dict[str, Any]) -> dict[str, Any]:
        return answer(await route_error(error, body, {}, NoCalls(), BoltResponse(status=500)))  # type: ignore[arg-type]

    errors = await routed(FormError({Block.TF_NAME_INPUT: "Give the resource a name."}), submission)
    modal = await routed(UnknownResource("r-gone"), submission)
    command = await routed(UnknownResource("r-gone"), command_body)
    options = await routed(RuntimeError("boom"), {"type": "block_suggestion"})

    assert errors == {"response_action": "errors", "errors": {Block.TF_NAME_INPUT: "Give the resource a name."}}
    assert modal["response_action"] == "update" and modal["view"]["callback_id"] == Callback.ERROR_SHOW
    assert "No resource matches 'r-gone'" in texts(modal["view"]["blocks"])
    assert "No resource matches 'r-gone'" in texts(command["blocks"]) and "Error id `E-" in texts(command["blocks"])
    assert options == {"options": []}


async def test_a_button_failing_before_its_ack_is_acked_then_told(harness: Harness) -> None:
    emulator = harness.emulator
    alice = emulator.workspace.user("alice").id
    body = {"type": "block_actions", "user": {"id": alice}, "container": {"channel_id": harness.channel}}

    response = await route_error(NotAuthorized("Only tfsync admins can do that."), body,
                                 {"services": harness.services}, harness.services.client, BoltResponse(status=500))

    assert answer(response) == {}  # the ack, empty, at once
    [note] = await eventually(lambda: emulator.ephemerals(user="alice"))
    assert "Only tfsync admins can do that." in texts(note.blocks)


async def test_a_conflict_before_a_submission_acked_closes_it_and_tells_the_note(harness: Harness) -> None:
    emulator = harness.emulator
    record = await harness.detect("raced-logs")
    alice = emulator.workspace.user("alice").id
    body = {"type": "view_submission", "user": {"id": alice}, "view": {"id": "V0GONE"},
            "container": {"channel_id": harness.channel}}
    conflict = TransitionConflict(record.resource_id, "adopting", "detected", 1, "ignored", 2)

    response = await route_error(conflict, body, {"services": harness.services}, harness.services.client,
                                 BoltResponse(status=500))

    assert response is not None and response.status == 200 and not response.body  # closes the modal
    [note] = await eventually(lambda: emulator.ephemerals(user="alice"))
    assert "Someone got there first" in texts(note.blocks)
    assert emulator.calls_to("views.update") == []  # nothing to update: the modal closed


async def test_telling_the_person_never_raises(harness: Harness) -> None:
    class Broken:
        async def chat_postEphemeral(self, **kwargs: Any) -> Any:
            response = AsyncSlackResponse(
                client=None, http_verb="POST", api_url="x", req_args={},  # type: ignore[arg-type]
                data={"ok": False, "error": "fatal_error"}, headers={}, status_code=500)
            raise SlackApiError("down", response)

        async def views_update(self, **kwargs: Any) -> Any:
            raise RuntimeError("not even an API error")

    body = {"type": "block_actions", "user": {"id": "U0ALICE"}, "container": {"channel_id": harness.channel}}
    for context in ({"services": harness.services, "loading_view": ("V1", "h")}, {"services": harness.services}):
        await report_after_ack(RuntimeError("boom"), body, context, Broken())  # type: ignore[arg-type]


async def test_a_listener_failing_right_after_its_ack_keeps_the_ack(emulator: SlackEmulator) -> None:
    """Bolt resets the ack when a listener raises after acking (see slack_adapters/errors.py); the guard keeps the
    error inside the listener, so the ack goes out whatever happens next, with no pause."""
    app = AsyncApp(client=emulator.web_client(), logger=logging.getLogger("tests.bolt"))
    app.error(route_error)
    told: list[str] = []

    @app.command("/tfsync")
    async def fails_at_once(ack: Any, body: dict[str, Any], context: Any, client: Any) -> None:
        await ack()
        async with after_ack(body, context, client):
            told.append("after the ack")
            raise UnknownResource("r-gone")

    handler = AsyncSocketModeHandler(app, emulator.app_token)
    await handler.connect_async()
    try:
        await emulator.wait_connected(5)
        for _ in range(5):
            ack = await (await emulator.slash_command("alice", "infra", "/tfsync", "show r-gone")).wait_ack()
            assert ack.problem is None and ack.payload is None
        await eventually(lambda: len(emulator.ephemerals(user="alice")) == 5)
    finally:
        await handler.close_async()
    assert told == ["after the ack"] * 5
    assert all("No resource matches 'r-gone'" in texts(e.blocks) for e in emulator.ephemerals(user="alice"))
