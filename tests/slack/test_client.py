"""The app's Web API client retries what Slack answers on a bad day (429, 5xx, dropped connections) for every
method, and App Home tabs are published with the hash of the last one."""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.request import HttpRequest

from bot.config import Settings
from bot.errors import ConfigError
from renderers.slack.ids import Action, Callback
from sandbox.slack import SlackEmulator
from slack_adapters.client import (
    SERVER_ERROR_RETRIES,
    ConnectionRetries,
    ErrorCounter,
    RateLimitRetries,
    ServerErrorRetries,
    method_of,
    slack_client,
)
from tests.slack.conftest import Harness, eventually, texts

HOME = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "another replica"}}]}


def client_for(emulator: SlackEmulator) -> object:
    return slack_client(Settings.from_env({"SLACK_API_URL": emulator.api_url, "SLACK_BOT_TOKEN": emulator.bot_token}))


async def test_a_429_on_views_open_is_waited_out_and_the_modal_opens(harness: Harness) -> None:
    emulator = harness.emulator
    record = await harness.detect("busy-modal")
    emulator.fail("views.open", status=429, retry_after=0)

    await (await emulator.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_ADOPT)).wait_ack()

    form = await eventually(lambda: (m := emulator.modal("alice")) is not None
                            and m.callback_id == Callback.ADOPTION_SUBMIT and m)
    assert form.submit is not None
    opens = emulator.calls_to("views.open")
    assert [(c.status, c.fault) for c in opens] == [(429, "instead"), (200, None)]
    assert opens[0].args["trigger_id"] == opens[1].args["trigger_id"]  # the trigger was not spent by the 429


async def test_a_429_on_an_ephemeral_note_is_retried(harness: Harness) -> None:
    emulator = harness.emulator
    stale = [{"type": "actions", "block_id": "stale", "elements": [
        {"type": "button", "action_id": str(Action.ADOPTION_RETRY), "value": "r-unknown00000",
         "text": {"type": "plain_text", "text": "Retry"}}]}]
    posted = await emulator.web_client().chat_postMessage(channel="infra", text="old", blocks=stale)
    emulator.fail("chat.postEphemeral", status=429, retry_after=0)

    await (await emulator.click("alice", "infra", posted["ts"], Action.ADOPTION_RETRY)).wait_ack()

    [note] = await eventually(lambda: emulator.ephemerals(user="alice"))
    assert "No resource matches" in texts(note.blocks)
    assert [c.status for c in emulator.calls_to("chat.postEphemeral")] == [429, 200]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_errors_are_retried(emulator: SlackEmulator, status: int) -> None:
    client = client_for(emulator)
    group = emulator.workspace.add_usergroup("admins", [])
    emulator.fail("usergroups.users.list", status=status)

    answer = await client.usergroups_users_list(usergroup=group.id)  # type: ignore[attr-defined]

    assert answer["ok"] and answer["users"] == []
    assert [c.status for c in emulator.calls_to("usergroups.users.list")] == [status, 200]


async def test_retries_end_and_the_error_is_raised(emulator: SlackEmulator) -> None:
    client = client_for(emulator)
    emulator.outage = True

    with pytest.raises(SlackApiError) as raised:
        await client.users_lookupByEmail(email="alice@example.com")  # type: ignore[attr-defined]

    assert raised.value.response.status_code == 503
    assert len(emulator.calls_to("users.lookupByEmail")) == 1 + SERVER_ERROR_RETRIES
    emulator.outage = False
    assert (await client.users_lookupByEmail(email="alice@example.com"))["ok"]  # type: ignore[attr-defined]


def test_what_each_handler_retries() -> None:
    request = HttpRequest(method="POST", url="https://slack.com/api/views.open?x=1", headers={})
    assert method_of(request) == "views.open"
    connection = ConnectionRetries()
    assert connection.retryable(None, aiohttp.ServerDisconnectedError())
    assert connection.retryable(None, aiohttp.ClientOSError())
    assert not connection.retryable(None, ValueError("not a connection problem"))
    assert not ServerErrorRetries().retryable(None, None)
    assert not RateLimitRetries().retryable(None, aiohttp.ClientOSError())


def test_the_client_needs_the_bot_token() -> None:
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        slack_client(Settings.from_env({}))
    client = slack_client(Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1"}))
    assert [type(h) for h in client.retry_handlers] == [ErrorCounter, RateLimitRetries, ServerErrorRetries,
                                                        ConnectionRetries]


async def test_home_tabs_are_published_with_the_last_hash(harness: Harness) -> None:
    emulator = harness.emulator
    alice = emulator.workspace.user("alice").id

    for published in (1, 2):
        await (await emulator.open_home("alice")).wait_ack()
        await eventually(lambda n=published: len(emulator.calls_to("views.publish")) == n)
    first, second = emulator.calls_to("views.publish")[:2]
    assert "hash" not in first.args and second.args["hash"] == first.response["view"]["hash"] and second.ok

    # Another publisher (a second replica) changes the tab: the stale hash is refused, the fresh tab sent again.
    await emulator.web_client().views_publish(user_id=alice, view=HOME)
    await (await emulator.open_home("alice")).wait_ack()
    refused, again = await eventually(lambda: emulator.calls_to("views.publish")[3:5]
                                      if len(emulator.calls_to("views.publish")) >= 5 else None)
    assert refused.error == "hash_conflict" and refused.args["hash"] == second.response["view"]["hash"]
    assert again.ok and "hash" not in again.args
    # The client stores the hash once the response is back, which may be just after the emulator logged the call.
    await eventually(lambda: harness.services.homes.hash_for(alice) == again.response["view"]["hash"])
    assert "another replica" not in texts(emulator.home("alice").blocks)
