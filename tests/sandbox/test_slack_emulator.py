"""The Slack emulator driven by a real Bolt AsyncApp over a real Socket Mode websocket and real Web API calls."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler

from sandbox.slack import SlackEmulator
from tests.sandbox.conftest import connected, eventually

ADOPT_MESSAGE_BLOCKS = [
    {"type": "section", "block_id": "summary", "text": {"type": "mrkdwn", "text": "*aws_s3_bucket* `logs`"}},
    {"type": "actions", "block_id": "resource-actions", "elements": [
        {"type": "button", "action_id": "tfsync-resource-adopt", "style": "primary", "value": "res-1",
         "text": {"type": "plain_text", "text": "Adopt"}},
        {"type": "button", "action_id": "tfsync-resource-ignore", "value": "res-1",
         "text": {"type": "plain_text", "text": "Ignore"}},
    ]},
]


def option(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value.title()}, "value": value}


ADOPT_MODAL = {
    "type": "modal",
    "callback_id": "tfsync-adopt-submit",
    "private_metadata": json.dumps({"resource": "res-1"}),
    "title": {"type": "plain_text", "text": "Adopt resource"},
    "submit": {"type": "plain_text", "text": "Adopt"},
    "close": {"type": "plain_text", "text": "Cancel"},
    "blocks": [
        {"type": "input", "block_id": "name", "label": {"type": "plain_text", "text": "Terraform name"},
         "element": {"type": "plain_text_input", "action_id": "value", "initial_value": "logs"}},
        {"type": "input", "block_id": "module", "label": {"type": "plain_text", "text": "Module"},
         "element": {"type": "static_select", "action_id": "value", "options": [option("root"), option("storage")]}},
        {"type": "input", "block_id": "search", "optional": True, "label": {"type": "plain_text", "text": "Search"},
         "element": {"type": "external_select", "action_id": "value", "min_query_length": 0}},
        {"type": "input", "block_id": "expiry", "label": {"type": "plain_text", "text": "Expiry"},
         "element": {"type": "radio_buttons", "action_id": "value", "options": [option("1d"), option("forever")]}},
    ],
}


async def post_adopt_message(emulator: SlackEmulator) -> str:
    response = await emulator.web_client().chat_postMessage(
        channel="infra", text="New bucket logs", blocks=ADOPT_MESSAGE_BLOCKS, unfurl_links=False, unfurl_media=False,
    )
    return response["ts"]


# --- Socket Mode with a real Bolt app --------------------------------------------------------------------------


async def test_bolt_app_connects_and_acks_a_slash_command(emulator: SlackEmulator, bolt_app: AsyncApp) -> None:
    seen: list[dict[str, Any]] = []

    @bolt_app.command("/tfsync")
    async def handle(ack: Any, command: dict[str, Any]) -> None:
        seen.append(command)
        await ack(f"Hello <@{command['user_id']}>, you asked for `{command['text']}`")

    async with connected(bolt_app, emulator):
        envelope = await emulator.slash_command("alice", "infra", "/tfsync", "list open")
        ack = await envelope.wait_ack()

    alice = emulator.workspace.user("alice")
    assert ack.payload == {"text": f"Hello <@{alice.id}>, you asked for `list open`"}
    assert ack.problem is None and ack.seconds < 3
    assert seen[0]["command"] == "/tfsync" and seen[0]["channel_name"] == "infra"
    # The ack's text is what the person sees: an ephemeral message only to them.
    [shown] = emulator.ephemerals("infra", "alice")
    assert shown.text == ack.payload["text"] and shown.source == "response_url"
    assert emulator.ephemerals(user="bob") == []
    # Bolt found the emulator the way it finds Slack: apps.connections.open (app token), then auth.test.
    methods = [call.method for call in emulator.calls]
    assert methods[0] == "apps.connections.open" and "auth.test" in methods
    assert all(call.ok for call in emulator.calls)
    assert emulator.socket.connections_opened == 1


async def test_button_click_reaches_the_action_listener_which_opens_a_modal(
    emulator: SlackEmulator, bolt_app: AsyncApp,
) -> None:
    bodies: list[dict[str, Any]] = []

    @bolt_app.action("tfsync-resource-adopt")
    async def adopt(ack: Any, body: dict[str, Any], client: Any) -> None:
        await ack()
        bodies.append(body)
        await client.views_open(trigger_id=body["trigger_id"], view=ADOPT_MODAL)

    ts = await post_adopt_message(emulator)
    async with connected(bolt_app, emulator):
        envelope = await emulator.click("alice", "infra", ts, "tfsync-resource-adopt")
        ack = await envelope.wait_ack()
        modal = await eventually(lambda: emulator.modal("alice"))

    assert ack.payload is None
    body = bodies[0]
    assert body["type"] == "block_actions"
    assert body["container"] == {"type": "message", "message_ts": ts, "channel_id": emulator.workspace.channel(
        "infra").id, "is_ephemeral": False}
    assert body["message"]["ts"] == ts and body["message"]["blocks"][1]["block_id"] == "resource-actions"
    assert body["actions"][0]["value"] == "res-1" and body["actions"][0]["type"] == "button"
    assert body["response_url"].startswith(emulator.url)
    assert modal.callback_id == "tfsync-adopt-submit" and modal.title["text"] == "Adopt resource"
    assert emulator.calls_to("views.open")[0].ok
    # The trigger was spent: a second views.open with it fails as on Slack.
    with pytest.raises(SlackApiError) as spent:
        await emulator.web_client().views_open(trigger_id=body["trigger_id"], view=ADOPT_MODAL)
    assert spent.value.response["error"] == "exchanged_trigger_id"


async def test_view_submission_errors_come_back_in_the_ack(emulator: SlackEmulator, bolt_app: AsyncApp) -> None:
    submitted: list[dict[str, Any]] = []

    @bolt_app.action("tfsync-resource-adopt")
    async def adopt(ack: Any, body: dict[str, Any], client: Any) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=ADOPT_MODAL)

    @bolt_app.options("value")
    async def search(ack: Any, payload: dict[str, Any]) -> None:
        await ack(options=[option(f"{payload['value']}-module")])

    @bolt_app.view("tfsync-adopt-submit")
    async def submit(ack: Any, view: dict[str, Any]) -> None:
        submitted.append(view)
        name = view["state"]["values"]["name"]["value"]["value"]
        if not name.isidentifier():
            await ack(response_action="errors", errors={"name": "Use letters, digits and underscores"})
            return
        await ack()

    ts = await post_adopt_message(emulator)
    async with connected(bolt_app, emulator):
        await (await emulator.click("alice", "infra", ts, "tfsync-resource-adopt")).wait_ack()
        modal = await eventually(lambda: emulator.modal("alice"))
        typed = await emulator.load_options("alice", modal.id, "value", "stor", block_id="search")
        suggestion = await typed.wait_ack()
        bad = await (await emulator.submit_view("alice", modal.id, {
            "name": {"value": "my bucket"}, "module": {"value": "storage"}, "search": {"value": "stor-module"},
            "expiry": {"value": "forever"},
        })).wait_ack()
        still_open = emulator.modal("alice")
        good = await (await emulator.submit_view("alice", modal.id, {
            "name": {"value": "my_bucket"}, "module": {"value": "root"}, "expiry": {"value": "1d"},
        })).wait_ack()

    assert suggestion.payload == {"options": [option("stor-module")]}
    assert bad.payload == {"response_action": "errors", "errors": {"name": "Use letters, digits and underscores"}}
    assert bad.problem is None
    assert still_open is not None and still_open.id == modal.id and still_open.errors == bad.payload["errors"]
    assert good.payload is None and emulator.modal("alice") is None and not emulator.views[modal.id].is_open
    # state.values exactly as Slack shapes each element type.
    values = submitted[0]["state"]["values"]
    assert values["name"] == {"value": {"type": "plain_text_input", "value": "my bucket"}}
    assert values["module"] == {"value": {"type": "static_select", "selected_option": option("storage")}}
    assert values["search"]["value"]["type"] == "external_select"
    assert values["search"]["value"]["selected_option"]["value"] == "stor-module"
    assert values["expiry"] == {"value": {"type": "radio_buttons", "selected_option": option("forever")}}
    assert submitted[0]["private_metadata"] == ADOPT_MODAL["private_metadata"]
    assert submitted[1]["state"]["values"]["search"] == {"value": {"type": "external_select", "selected_option": None}}


async def test_response_action_update_and_push_change_the_modal_stack(
    emulator: SlackEmulator, bolt_app: AsyncApp,
) -> None:
    working = {"type": "modal", "title": {"type": "plain_text", "text": "Adopting"},
               "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Working on it"}}]}

    @bolt_app.command("/tfsync")
    async def command(ack: Any, body: dict[str, Any], client: Any) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=ADOPT_MODAL)

    @bolt_app.view("tfsync-adopt-submit")
    async def submit(ack: Any) -> None:
        await ack(response_action="update", view=working)

    async with connected(bolt_app, emulator):
        await (await emulator.slash_command("bob", "infra", "/tfsync", "adopt res-1")).wait_ack()
        modal = await eventually(lambda: emulator.modal("bob"))
        ack = await (await emulator.submit_view("bob", modal.id, {"module": {"value": "root"},
                                                                  "expiry": {"value": "1d"}})).wait_ack()
    assert ack.problem is None
    current = emulator.modal("bob")
    assert current is not None and current.id == modal.id and current.title == working["title"]
    assert emulator.ephemerals(user="bob") == []


async def test_app_home_opened_event_and_views_publish(emulator: SlackEmulator, bolt_app: AsyncApp) -> None:
    @bolt_app.event("app_home_opened")
    async def home(event: dict[str, Any], client: Any) -> None:
        await client.views_publish(user_id=event["user"], view={"type": "home", "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "tfsync"}},
            {"type": "actions", "elements": [{"type": "button", "action_id": "tfsync-home-refresh",
                                              "text": {"type": "plain_text", "text": "Refresh"}}]},
        ]})

    clicked: list[dict[str, Any]] = []

    @bolt_app.action("tfsync-home-refresh")
    async def refresh(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        clicked.append(body)

    async with connected(bolt_app, emulator):
        opened = await emulator.open_home("alice")
        await opened.wait_ack()
        view = await eventually(lambda: emulator.home("alice"))
        await (await emulator.click_in_view("alice", view.id, "tfsync-home-refresh")).wait_ack()
        await eventually(lambda: clicked)

    assert opened.type == "events_api" and opened.payload["event"]["type"] == "app_home_opened"
    assert view.type == "home" and view.blocks[0]["text"]["text"] == "tfsync"
    # Slack fills in the block_id and action_id the app left out.
    assert view.blocks[1]["block_id"] and clicked[0]["container"] == {"type": "view", "view_id": view.id}
    assert clicked[0]["view"]["id"] == view.id and "response_url" not in clicked[0]


# --- Web API strictness ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("blocks", "problem"),
    [
        ([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}], "3000"),
        ([{"type": "section", "text": "a bare string"}], "expected an object"),
        ([{"type": "section", "text": {"type": "mrkdwn", "text": "x"}, "colour": "red"}], "unsupported property"),
        ([{"type": "divider"}] * 51, "no more than 50"),
        ([{"type": "carousel-of-doom"}], "unsupported block type"),
        ([{"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "x"},
                                            "action_id": "a", "value": "v" * 2001}]}], "2001"),
        ([{"type": "section", "block_id": "same", "text": {"type": "mrkdwn", "text": "a"}},
          {"type": "section", "block_id": "same", "text": {"type": "mrkdwn", "text": "b"}}], "duplicate block_id"),
    ],
)
async def test_post_message_with_invalid_blocks_fails(emulator: SlackEmulator, blocks: list, problem: str) -> None:
    with pytest.raises(SlackApiError) as failure:
        await emulator.web_client().chat_postMessage(channel="infra", text="fallback", blocks=blocks)
    assert failure.value.response["error"] == "invalid_blocks"
    assert any(problem in message for message in failure.value.response["response_metadata"]["messages"])
    assert emulator.messages("infra") == []


async def test_message_and_view_limits(emulator: SlackEmulator) -> None:
    client = emulator.web_client()
    with pytest.raises(SlackApiError) as too_long:
        await client.chat_postMessage(channel="infra", text="x" * 40_001)
    assert too_long.value.response["error"] == "msg_too_long"
    with pytest.raises(SlackApiError) as empty:
        await client.api_call("chat.postMessage", json={"channel": "infra", "text": ""})
    assert empty.value.response["error"] == "no_text"
    home = {"type": "home", "blocks": [{"type": "divider"}] * 101}
    alice = emulator.workspace.user("alice").id
    with pytest.raises(SlackApiError) as too_many:
        await client.views_publish(user_id=alice, view=home)
    assert too_many.value.response["error"] == "invalid_arguments"
    bob = emulator.workspace.user("bob")
    for bad, problem in (
        ({**ADOPT_MODAL, "title": {"type": "plain_text", "text": "t" * 25}}, "24"),
        ({**ADOPT_MODAL, "private_metadata": "m" * 3001}, "3000"),
        ({key: value for key, value in ADOPT_MODAL.items() if key != "submit"}, "submit is required"),
        ({**ADOPT_MODAL, "blocks": [{"type": "divider"}] * 101}, "100"),
    ):
        with pytest.raises(SlackApiError) as modal_failure:
            await client.views_open(trigger_id=emulator._new_trigger(bob), view=bad)
        assert modal_failure.value.response["error"] == "invalid_arguments"
        assert any(problem in m for m in modal_failure.value.response["response_metadata"]["messages"]), problem
    assert emulator.modal("bob") is None
    options = [option(f"o{i}") for i in range(101)]
    big_select = {"type": "home", "blocks": [{"type": "actions", "elements": [
        {"type": "static_select", "action_id": "pick", "options": options}]}]}
    with pytest.raises(SlackApiError) as too_many_options:
        await client.views_publish(user_id=alice, view=big_select)
    assert any("100" in m for m in too_many_options.value.response["response_metadata"]["messages"])


async def test_unknown_method_fails_like_slack(emulator: SlackEmulator) -> None:
    with pytest.raises(SlackApiError) as failure:
        await emulator.web_client().api_call("chat.frobnicate", json={"channel": "infra"})
    assert failure.value.response.status_code == 404
    assert failure.value.response["error"] == "unknown_method"
    assert failure.value.response["req_method"] == "chat.frobnicate"


async def test_missing_required_parameter_fails(emulator: SlackEmulator) -> None:
    with pytest.raises(SlackApiError) as failure:
        await emulator.web_client().api_call("chat.postMessage", json={"text": "no channel"})
    assert failure.value.response["error"] == "invalid_arguments"
    assert failure.value.response["response_metadata"]["messages"] == ["[ERROR] missing required field: channel"]
    # Present but naming nothing is a different answer, as on Slack.
    with pytest.raises(SlackApiError) as unknown:
        await emulator.web_client().chat_postMessage(channel="C-NOPE", text="hi")
    assert unknown.value.response["error"] == "channel_not_found"


async def test_tokens_are_checked(emulator: SlackEmulator) -> None:
    from slack_sdk.web.async_client import AsyncWebClient

    anonymous = AsyncWebClient(base_url=emulator.api_url)
    with pytest.raises(SlackApiError) as no_token:
        await anonymous.auth_test()
    assert no_token.value.response["error"] == "not_authed"
    with pytest.raises(SlackApiError) as wrong:
        await AsyncWebClient(token="xoxb-not-ours", base_url=emulator.api_url).auth_test()
    assert wrong.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as app_token_for_chat:
        await AsyncWebClient(token=emulator.app_token, base_url=emulator.api_url).chat_postMessage(
            channel="infra", text="hi")
    assert app_token_for_chat.value.response["error"] == "not_allowed_token_type"
    with pytest.raises(SlackApiError) as bot_token_for_socket:
        await emulator.web_client().apps_connections_open(app_token=emulator.bot_token)
    assert bot_token_for_socket.value.response["error"] == "not_allowed_token_type"
    opened = await anonymous.apps_connections_open(app_token=emulator.app_token)
    assert opened["url"].startswith(f"ws://127.0.0.1:{emulator.port}/link/?ticket=")


async def test_form_encoded_requests_are_read_like_json_ones(emulator: SlackEmulator) -> None:
    form = {"token": emulator.bot_token, "channel": "infra", "text": "from a form",
            "blocks": json.dumps(ADOPT_MESSAGE_BLOCKS), "unfurl_links": "false"}
    async with aiohttp.ClientSession() as session:
        async with session.post(emulator.api_url + "chat.postMessage", data=form) as response:
            posted = await response.json()
        # A JSON body must carry the token in the Authorization header, as Slack requires.
        async with session.post(emulator.api_url + "auth.test", json={"token": emulator.bot_token}) as response:
            json_token = await response.json()
        async with session.get(emulator.api_url + "users.lookupByEmail",
                               params={"email": "BOB@example.com", "token": emulator.bot_token}) as response:
            looked_up = await response.json()
    assert posted["ok"] and posted["message"]["blocks"][0]["block_id"] == "summary"
    assert emulator.message("infra", posted["ts"]).unfurl_links is False
    assert json_token == {"ok": False, "error": "not_authed"}
    assert looked_up["user"]["profile"]["email"] == "bob@example.com"


async def test_rate_limit_answers_429_and_the_sdk_retries_after_retry_after(emulator: SlackEmulator) -> None:
    emulator.rate_limit = True
    plain = emulator.web_client(retry_handlers=[])
    await plain.chat_postMessage(channel="infra", text="first")
    with pytest.raises(SlackApiError) as limited:
        await plain.chat_postMessage(channel="infra", text="too soon")
    assert limited.value.response.status_code == 429
    assert limited.value.response["error"] == "ratelimited"
    assert limited.value.response.headers["Retry-After"] == "1"
    # Other channels have their own budget.
    emulator.workspace.add_channel("other")
    await plain.chat_postMessage(channel="other", text="elsewhere")

    retrying = emulator.web_client(retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)])
    started = time.monotonic()
    await retrying.chat_postMessage(channel="other", text="second, retried")
    elapsed = time.monotonic() - started
    statuses = [call.status for call in emulator.calls_to("chat.postMessage")]
    assert statuses == [200, 429, 200, 429, 200]
    assert elapsed >= 1.0
    assert [m.text for m in emulator.messages("other")] == ["elsewhere", "second, retried"]


async def test_switch_off_by_default(emulator: SlackEmulator) -> None:
    client = emulator.web_client(retry_handlers=[])
    for n in range(3):
        await client.chat_postMessage(channel="infra", text=f"burst {n}")
    assert len(emulator.messages("infra")) == 3


# --- workspace model and inspection ----------------------------------------------------------------------------


async def test_threads_updates_ephemerals_and_lookups(emulator: SlackEmulator) -> None:
    client = emulator.web_client()
    parent_ts = await post_adopt_message(emulator)
    first = await client.chat_postMessage(channel="infra", thread_ts=parent_ts, text="Adopt started")
    await client.chat_postMessage(channel="infra", thread_ts=first["ts"], text="Plan: 1 to import")
    updated = await client.chat_update(channel=emulator.workspace.channel("infra").id, ts=parent_ts,
                                       text="Adopting", blocks=ADOPT_MESSAGE_BLOCKS[:1])
    alice = emulator.workspace.user("alice")
    await client.chat_postEphemeral(channel="infra", user=alice.id, text="Only you can see this",
                                    thread_ts=parent_ts)
    channel_id = emulator.workspace.channel("infra").id

    thread = emulator.thread("infra", parent_ts)
    assert [m.text for m in thread] == ["Adopting", "Adopt started", "Plan: 1 to import"]
    assert thread[2].thread_ts == parent_ts  # a reply to a reply lands in the parent's thread
    assert [m.ts for m in emulator.messages("infra")] == [parent_ts]
    assert updated["message"]["edited"]["user"] == emulator.workspace.bot_user.id
    assert len(emulator.messages("infra")[0].blocks) == 1
    [ephemeral] = emulator.ephemerals("infra", "alice")
    assert ephemeral.thread_ts == parent_ts and ephemeral.source == "chat.postEphemeral"

    replies = await client.conversations_replies(channel=channel_id, ts=parent_ts)
    assert [m["text"] for m in replies["messages"]] == ["Adopting", "Adopt started", "Plan: 1 to import"]
    assert replies["messages"][0]["reply_count"] == 2
    history = await client.conversations_history(channel=channel_id)
    assert [m["ts"] for m in history["messages"]] == [parent_ts]
    permalink = await client.chat_getPermalink(channel=channel_id, message_ts=thread[1].ts)
    assert permalink["permalink"].endswith(f"?thread_ts={parent_ts}&cid={channel_id}")
    assert (await client.users_lookupByEmail(email="alice@example.com"))["user"]["id"] == alice.id
    assert (await client.users_info(user=alice.id))["user"]["real_name"] == "Alice Adams"
    info = await client.conversations_info(channel=channel_id)
    assert info["channel"]["name"] == "infra" and info["channel"]["is_member"] is True

    for call, error in (
        (client.users_lookupByEmail(email="nobody@example.com"), "users_not_found"),
        (client.chat_postMessage(channel="infra", thread_ts="1.000001", text="x"), "thread_not_found"),
        (client.chat_update(channel=channel_id, ts="1.000001", text="x"), "message_not_found"),
        (client.chat_postEphemeral(channel="infra", user="U-NOPE", text="x"), "user_not_in_channel"),
        (client.views_open(trigger_id="made-up", view=ADOPT_MODAL), "invalid_trigger_id"),
    ):
        with pytest.raises(SlackApiError) as failure:
            await call
        assert failure.value.response["error"] == error


async def test_bot_must_be_in_the_channel(emulator: SlackEmulator) -> None:
    emulator.workspace.add_channel("private-ops", is_private=True, bot_member=False)
    with pytest.raises(SlackApiError) as failure:
        await emulator.web_client().chat_postMessage(channel="private-ops", text="hi")
    assert failure.value.response["error"] == "not_in_channel"


async def test_person_cannot_submit_what_slack_would_refuse(emulator: SlackEmulator) -> None:
    user = emulator.workspace.user("alice")
    trigger = emulator._new_trigger(user)
    opened = await emulator.web_client().views_open(trigger_id=trigger, view=ADOPT_MODAL)
    view_id = opened["view"]["id"]
    assert opened["view"]["state"] == {"values": {}} and opened["view"]["root_view_id"] == view_id
    with pytest.raises(ValueError, match="required"):
        await emulator.submit_view("alice", view_id, {"name": {"value": "x"}})
    with pytest.raises(ValueError, match="no option"):
        await emulator.submit_view("alice", view_id, {"module": {"value": "moon"}, "expiry": {"value": "1d"}})
    with pytest.raises(ValueError, match="no input block"):
        await emulator.submit_view("alice", view_id, {"nope": {"value": "x"}})
    with pytest.raises(RuntimeError, match="Socket Mode"):
        await emulator.submit_view("alice", view_id, {"module": {"value": "root"}, "expiry": {"value": "1d"}})


async def test_trigger_expires_after_three_seconds(emulator: SlackEmulator) -> None:
    user = emulator.workspace.user("bob")
    trigger = emulator._new_trigger(user)
    emulator.workspace.triggers[trigger].issued_at -= 3.5
    with pytest.raises(SlackApiError) as failure:
        await emulator.web_client().views_open(trigger_id=trigger, view=ADOPT_MODAL)
    assert failure.value.response["error"] == "expired_trigger_id"


async def test_unacknowledged_envelope_times_out(emulator: SlackEmulator, bolt_app: AsyncApp) -> None:
    @bolt_app.command("/tfsync")
    async def slow(ack: Any) -> None:
        await asyncio.sleep(0.5)
        await ack()

    async with connected(bolt_app, emulator):
        envelope = await emulator.slash_command("alice", "infra", "/tfsync")
        with pytest.raises(TimeoutError):
            await envelope.wait_ack(0.1)
        ack = await envelope.wait_ack()
    assert ack.seconds >= 0.5 and envelope.ack is ack


# --- the wire itself -------------------------------------------------------------------------------------------


async def test_socket_mode_wire_shapes(emulator: SlackEmulator) -> None:
    opened = await emulator.web_client().apps_connections_open(app_token=emulator.app_token)
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(opened["url"]) as ws:
            hello = await ws.receive_json(timeout=3)
            assert hello["type"] == "hello" and hello["num_connections"] == 1
            assert hello["connection_info"] == {"app_id": emulator.workspace.app_id}
            envelope = await emulator.slash_command("bob", "infra", "/tfsync", "help")
            wire = await ws.receive_json(timeout=3)
            assert wire["type"] == "slash_commands" and wire["accepts_response_payload"] is True
            assert wire["envelope_id"] == envelope.envelope_id and wire["payload"]["text"] == "help"
            assert wire["payload"]["trigger_id"] in emulator.workspace.triggers
            event = await emulator.push_event({"type": "app_mention", "user": "U1", "text": "hi", "ts": "1.1",
                                               "channel": "C1", "event_ts": "1.1"})
            event_wire = await ws.receive_json(timeout=3)
            assert event_wire["retry_attempt"] == 0 and event_wire["payload"]["type"] == "event_callback"
            await ws.send_json({"envelope_id": envelope.envelope_id, "payload": {"blocks": [{"type": "bogus"}]}})
            ack = await envelope.wait_ack()
            assert ack.problem is not None and ack.problem.startswith("invalid_blocks")
            await ws.send_json({"envelope_id": event.envelope_id})
            assert (await event.wait_ack()).payload is None
        # A ticket works once, as Slack's do.
        with pytest.raises(aiohttp.WSServerHandshakeError):
            async with session.ws_connect(opened["url"]):
                pass


async def test_respond_through_the_response_url(emulator: SlackEmulator, bolt_app: AsyncApp) -> None:
    @bolt_app.action("tfsync-resource-ignore")
    async def ignore(ack: Any, respond: Any) -> None:
        await ack()
        await respond(text="Only you: ignoring res-1", response_type="ephemeral", replace_original=False)
        await respond(text="Ignored", replace_original=True,
                      blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "Ignored by alice"}}])

    ts = await post_adopt_message(emulator)
    async with connected(bolt_app, emulator):
        await (await emulator.click("alice", "infra", ts, "tfsync-resource-ignore")).wait_ack()
        await eventually(lambda: emulator.message("infra", ts).edited)
    message = emulator.message("infra", ts)
    assert message.text == "Ignored" and message.blocks[0]["text"]["text"] == "Ignored by alice"
    assert [e.text for e in emulator.ephemerals("infra", "alice")] == ["Only you: ignoring res-1"]


async def test_app_reconnects_when_asked(emulator: SlackEmulator, bolt_app: AsyncApp) -> None:
    @bolt_app.command("/tfsync")
    async def handle(ack: Any) -> None:
        await ack("still here")

    async with connected(bolt_app, emulator):
        await emulator.request_reconnect()
        await eventually(lambda: emulator.socket.connections_opened == 2)
        await eventually(lambda: emulator.socket.connection_count == 1)
        ack = await (await emulator.slash_command("alice", "infra", "/tfsync")).wait_ack()
    assert ack.payload == {"text": "still here"}
    assert len(emulator.calls_to("apps.connections.open")) == 2


async def test_views_push_stack_and_close_notifications(emulator: SlackEmulator, bolt_app: AsyncApp) -> None:
    details = {"type": "modal", "callback_id": "tfsync-details", "notify_on_close": True,
               "title": {"type": "plain_text", "text": "Details"},
               "blocks": [{"type": "actions", "block_id": "more", "elements": [
                   {"type": "button", "action_id": "tfsync-details-more",
                    "text": {"type": "plain_text", "text": "+"}}]}]}
    pushes: list[dict[str, Any]] = []
    closed: list[dict[str, Any]] = []

    @bolt_app.command("/tfsync")
    async def command(ack: Any, body: dict[str, Any], client: Any) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=details)

    @bolt_app.action("tfsync-details-more")
    async def more(ack: Any, body: dict[str, Any], client: Any) -> None:
        await ack()
        try:
            pushes.append(await client.views_push(trigger_id=body["trigger_id"], view=details))
        except SlackApiError as exc:
            pushes.append(exc.response.data)

    @bolt_app.view_closed("tfsync-details")
    async def on_close(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        closed.append(body)

    async with connected(bolt_app, emulator):
        await (await emulator.slash_command("alice", "infra", "/tfsync", "show res-1")).wait_ack()
        root = await eventually(lambda: emulator.modal("alice"))
        for expected in (2, 3, 4):
            top = emulator.modal("alice")
            assert top is not None
            await (await emulator.click_in_view("alice", top.id, "tfsync-details-more")).wait_ack()
            await eventually(lambda n=expected: len(pushes) == n - 1)
        stack = emulator.modal_stack("alice")
        closing = await emulator.close_view("alice", stack[-1].id)
        assert closing is not None
        await closing.wait_ack()
        await eventually(lambda: closed)

    assert stack[0].id == root.id and len(stack) == 3
    assert stack[1].previous_view_id == root.id and stack[2].root_view_id == root.id
    assert pushes[2] == {"ok": False, "error": "push_limit_reached"}
    assert closed[0]["type"] == "view_closed" and closed[0]["is_cleared"] is False
    assert [view.id for view in emulator.modal_stack("alice")] == [root.id, stack[1].id]


async def test_click_in_a_thread_reply_names_the_thread(emulator: SlackEmulator, bolt_app: AsyncApp) -> None:
    retry_blocks = [{"type": "actions", "elements": [{"type": "button", "action_id": "tfsync-adopt-retry",
                                                       "value": "res-1", "text": {"type": "plain_text",
                                                                                  "text": "Retry"}}]}]
    seen: list[dict[str, Any]] = []

    @bolt_app.action("tfsync-adopt-retry")
    async def retry(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        seen.append(body)

    parent = await post_adopt_message(emulator)
    reply = await emulator.web_client().chat_postMessage(channel="infra", thread_ts=parent, text="Failed",
                                                         blocks=retry_blocks)
    async with connected(bolt_app, emulator):
        await (await emulator.click("bob", "infra", reply["ts"], "tfsync-adopt-retry")).wait_ack()
        await eventually(lambda: seen)
    assert seen[0]["container"]["thread_ts"] == parent and seen[0]["message"]["thread_ts"] == parent
    assert seen[0]["actions"][0]["block_id"] == emulator.message("infra", reply["ts"]).blocks[0]["block_id"]
