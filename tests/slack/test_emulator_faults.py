"""The Slack emulator's bad days on demand (429, 5xx, outages, lost answers), its user groups, and what it says
to a command no app declares."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from sandbox.slack import SlackEmulator, UnknownCommand, Workspace
from sandbox.slack.workspace import APP_COMMANDS
from tests.paths import ROOT


def plain(emulator: SlackEmulator) -> AsyncWebClient:
    """A client that retries nothing, so every injected answer is seen as it is."""
    return emulator.web_client(retry_handlers=[])


async def status_of(call: Any) -> int:
    try:
        await call
    except SlackApiError as exc:
        return int(exc.response.status_code)
    return 200


async def test_a_method_fails_for_the_next_calls_and_nothing_is_applied(emulator: SlackEmulator) -> None:
    client = plain(emulator)
    switch = emulator.fail("chat.postMessage", status=429, times=2, retry_after=7)

    with pytest.raises(SlackApiError) as limited:
        await client.chat_postMessage(channel="infra", text="one")
    assert limited.value.response.status_code == 429 and limited.value.response["error"] == "ratelimited"
    assert limited.value.response.headers["Retry-After"] == "7"
    assert await status_of(client.chat_postMessage(channel="infra", text="two")) == 429
    assert await status_of(client.auth_test()) == 200  # other methods are not touched
    await client.chat_postMessage(channel="infra", text="three")

    assert [m.text for m in emulator.messages("infra")] == ["three"]
    assert switch.fired == 2 and switch not in emulator.faults.active
    assert [c.fault for c in emulator.calls_to("chat.postMessage")] == ["instead", "instead", None]


@pytest.mark.parametrize(("status", "error"), [(500, "fatal_error"), (502, "bad_gateway"),
                                               (503, "service_unavailable"), (504, "request_timeout")])
async def test_server_errors_for_every_method(emulator: SlackEmulator, status: int, error: str) -> None:
    client = plain(emulator)
    emulator.fail(status=status, times=None)

    for call in (client.auth_test(), client.users_lookupByEmail(email="alice@example.com")):
        with pytest.raises(SlackApiError) as failed:
            await call
        assert failed.value.response.status_code == status and failed.value.response["error"] == error
    emulator.clear_faults()
    assert (await client.auth_test())["ok"]


async def test_probabilistic_faults_repeat_with_the_same_seed() -> None:
    patterns = []
    for _ in range(2):
        workspace = Workspace()
        workspace.add_user("alice", email="alice@example.com")
        async with SlackEmulator(workspace, fault_seed=42) as emulator:
            emulator.fail("auth.test", status=503, times=None, probability=0.5)
            client = plain(emulator)
            patterns.append([await status_of(client.auth_test()) for _ in range(20)])
    assert patterns[0] == patterns[1]
    assert set(patterns[0]) == {200, 503}  # some failed, some did not


def test_only_the_answers_slack_gives_can_be_injected(emulator: SlackEmulator) -> None:
    with pytest.raises(ValueError, match="status 404"):
        emulator.fail("auth.test", status=404)
    with pytest.raises(ValueError, match="probability"):
        emulator.fail("auth.test", probability=1.5)


async def test_an_outage_fails_every_call_until_switched_off(emulator: SlackEmulator) -> None:
    client = plain(emulator)
    emulator.outage = True

    statuses = [await status_of(call) for call in (
        client.auth_test(), client.chat_postMessage(channel="infra", text="lost"),
        client.views_publish(user_id=emulator.workspace.user("alice").id,
                             view={"type": "home", "blocks": [{"type": "divider"}]}),
    )]

    assert statuses == [503, 503, 503] and emulator.messages("infra") == []
    emulator.outage = False
    assert (await client.chat_postMessage(channel="infra", text="back"))["ok"]
    assert [m.text for m in emulator.messages("infra")] == ["back"]


async def test_apply_then_fail_changes_the_workspace_but_loses_the_answer(emulator: SlackEmulator) -> None:
    client = plain(emulator)
    posted = await client.chat_postMessage(channel="infra", text="first")
    emulator.apply_then_fail(times=2)

    with pytest.raises(SlackApiError) as lost:
        await client.chat_postMessage(channel="infra", text="second")
    assert lost.value.response.status_code == 502
    assert await status_of(client.chat_update(channel=posted["channel"], ts=posted["ts"], text="first, edited")) == 502

    # Both were applied: a blind retry would post "second" twice.
    assert [m.text for m in emulator.messages("infra")] == ["first, edited", "second"]
    assert [c.fault for c in emulator.calls] == [None, "applied", "applied"]
    assert (await client.chat_postMessage(channel="infra", text="third"))["ok"]


async def test_a_failed_call_is_not_turned_into_a_lost_answer(emulator: SlackEmulator) -> None:
    client = plain(emulator)
    switch = emulator.apply_then_fail("chat.postMessage")

    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel="nowhere", text="x")
    assert refused.value.response["error"] == "channel_not_found" and switch.fired == 0


async def test_user_groups_list_their_members(emulator: SlackEmulator) -> None:
    workspace = emulator.workspace
    group = workspace.add_usergroup("@tfsync-admins", ["alice", workspace.user("bob").id], name="tfsync admins")
    client = plain(emulator)

    answer = await client.usergroups_users_list(usergroup=group.id)

    assert group.id.startswith("S") and group.handle == "tfsync-admins"
    assert answer["users"] == [workspace.user("alice").id, workspace.user("bob").id]
    with pytest.raises(SlackApiError) as unknown:
        await client.usergroups_users_list(usergroup="S0NOSUCH")
    assert unknown.value.response["error"] == "no_such_subteam"
    with pytest.raises(ValueError, match="already exists"):
        workspace.add_usergroup("tfsync-admins")


async def test_a_command_no_app_declares_is_answered_by_slack(emulator: SlackEmulator) -> None:
    with pytest.raises(UnknownCommand) as unknown:
        await emulator.slash_command("alice", "infra", "/tfsycn", "list")

    note = unknown.value.note
    assert note.text.startswith("/tfsycn is not a valid command.") and note.source == "slackbot"
    assert emulator.ephemerals(user="alice") == [note] and emulator.envelopes == []


def test_the_declared_commands_are_the_manifests() -> None:
    manifest = yaml.safe_load((ROOT / "infra" / "slack" / "manifest.yml").read_text(encoding="utf-8"))
    assert tuple(c["command"] for c in manifest["features"]["slash_commands"]) == APP_COMMANDS
    assert Workspace().commands == set(APP_COMMANDS)
