"""`/tfsync` subcommands and the App Home tab, over the socket, answered only to the person who asked."""

from __future__ import annotations

from bot.state import Status
from renderers.slack.ids import Action, Callback
from tests.slack.conftest import Harness, action_ids, eventually, texts


async def command(harness: Harness, user: str, text: str) -> str:
    """Run `/tfsync text` as `user`; the text of the ephemeral answer."""
    emulator = harness.emulator
    before = len(emulator.ephemerals(user=user))
    ack = await (await emulator.slash_command(user, "infra", "/tfsync", text)).wait_ack()
    assert ack.problem is None and ack.seconds < 3
    answers = await eventually(lambda: emulator.ephemerals(user=user)[before:])
    return texts(answers[-1].blocks)


async def test_list_show_and_unknown_input(harness: Harness) -> None:
    second = await harness.detect("beta-logs", when="2026-01-02T00:00:00Z")
    first = await harness.detect("alpha-logs", when="2026-01-01T00:00:00Z")

    listed = await command(harness, "alice", "list")
    assert first.resource_id in listed and second.resource_id in listed and "*Open resources* (2)" in listed
    assert listed.index("alpha-logs") < listed.index("beta-logs")
    assert "*Resources adopted* (0)" in await command(harness, "alice", "list adopted")

    by_id = await command(harness, "alice", f"show {first.resource_id}")
    by_arn = await command(harness, "alice", "show arn:aws:s3:::beta-logs")
    by_import_id = await command(harness, "alice", "show alpha-logs")
    assert "`alpha-logs`" in by_id and "`beta-logs`" in by_arn and by_import_id == by_id
    assert "No resource matches" in await command(harness, "alice", "show r-doesnotexist")

    unknown = await command(harness, "alice", "frobnicate everything")
    assert "I did not understand `frobnicate everything`" in unknown and "/tfsync list [status]" in unknown
    assert "/tfsync stats" in await command(harness, "alice", "")
    # Everything went to alice alone, as ephemerals; nothing was posted in the channel but the two threads.
    assert harness.emulator.ephemerals(user="bob") == []
    assert len(harness.emulator.messages("infra")) == 2


async def test_adopt_subcommand_opens_the_adopt_form_and_stats_rules_answer(harness: Harness) -> None:
    emulator = harness.emulator
    record = await harness.detect("gamma-logs")
    await (await emulator.slash_command("alice", "infra", "/tfsync", "adopt gamma-logs")).wait_ack()
    modal = await eventually(lambda: (m := emulator.modal("alice")) and m.callback_id != Callback.LOADING_SHOW and m)
    assert modal.callback_id == Callback.ADOPTION_SUBMIT and record.resource_id in modal.private_metadata

    await emulator.close_view("alice", modal.id)
    await (await emulator.slash_command("alice", "infra", "/tfsync", "delete gamma-logs")).wait_ack()
    refusal = await eventually(lambda: (m := emulator.modal("alice")) and m.callback_id != Callback.LOADING_SHOW
                               and m)
    assert refusal.callback_id == Callback.DELETION_REFUSE

    stats = await command(harness, "bob", "stats")
    assert "*1 resources*" in stats and "`aws_s3_bucket` 1" in stats
    rules = await command(harness, "bob", "rules")
    assert f"<#{emulator.workspace.channel('storage').id}>" in rules and "tag `route=storage`" in rules
    assert "No ignore rules." in rules


async def test_app_home_shows_counts_open_resources_activity_and_rules(harness: Harness) -> None:
    emulator = harness.emulator
    waiting = await harness.detect("home-logs")
    decided = await harness.detect("home-adopted")
    await harness.repo.transition(decided.resource_id, Status.ADOPTING, expected_status=Status.DETECTED,
                                  expected_version=decided.version, actor="slack:" + emulator.workspace.user("bob").id)

    await (await emulator.open_home("alice")).wait_ack()
    home = await eventually(lambda: emulator.home("alice"))

    shown = texts(home.blocks)
    assert "*Open resources* (2), oldest first" in shown
    assert waiting.resource_id in shown and decided.resource_id in shown
    # Buttons for the one still waiting, none for the one being adopted.
    assert action_ids(home.blocks).count(Action.RESOURCE_ADOPT) == 1
    assert f"<@{emulator.workspace.user('bob').id}>" in shown  # the adopt in recent activity
    assert "*Routing rules*" in shown and "*Ignore rules in force*" in shown
    assert emulator.calls_to("views.publish")[0].ok
