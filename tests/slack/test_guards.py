"""Who may do what from Slack: Delete and broad ignores for tfsync admins, their own rules for everyone else; the
refusal shown where the form would have been, never after a form was filled."""

from __future__ import annotations

from typing import Any

from bot.decisions import IgnoreChoice
from bot.state import Status
from renderers.slack.ids import Action, Block, Callback
from renderers.slack.viewdata import Expiry, IgnoreScope
from sandbox.slack import SlackEmulator
from tests.slack.conftest import Harness, eventually, running, texts


def shown_callbacks(emulator: SlackEmulator, user: str) -> list[str]:
    """The views.open and views.update the app sent for the person's modals, by callback_id, in order."""
    calls = [c for c in emulator.calls if c.method in ("views.open", "views.update") and c.ok]
    user_id = emulator.workspace.user(user).id
    return [c.response["view"]["callback_id"] for c in calls
            if emulator.views[c.response["view"]["id"]].user == user_id]


async def settled_modal(harness: Harness, user: str) -> Any:
    """The person's modal once the loading view was replaced."""
    return await eventually(lambda: (m := harness.emulator.modal(user)) is not None
                            and m.callback_id != Callback.LOADING_SHOW and m)


def choices(view: Any, block: Block) -> list[str]:
    [element] = [b["element"] for b in view.blocks if b.get("block_id") == block]
    return [o["value"] for o in element["options"]]


async def test_delete_by_a_non_admin_shows_the_refusal_and_never_the_form(harness: Harness) -> None:
    emulator = harness.emulator
    record = await harness.detect("guarded-data", loses_data=True)

    await (await emulator.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_DELETE)).wait_ack()
    refusal = await settled_modal(harness, "alice")
    await emulator.close_view("alice", refusal.id)
    await (await emulator.slash_command("alice", "infra", "/tfsync", f"delete {record.resource_id}")).wait_ack()
    by_command = await settled_modal(harness, "alice")

    for shown in (refusal, by_command):
        assert shown.callback_id == Callback.DELETION_REFUSE and shown.submit is None
        assert "Only tfsync admins can delete" in texts(shown.blocks)
        assert f"<@{emulator.workspace.user('bob').id}>" in texts(shown.blocks)
    # The loading view, then the refusal in its place, twice; no Delete form was ever sent to alice.
    assert shown_callbacks(emulator, "alice") == [Callback.LOADING_SHOW, Callback.DELETION_REFUSE] * 2
    # Each refusal replaced its loading view with the hash views.open returned for it.
    opens, updates = emulator.calls_to("views.open"), emulator.calls_to("views.update")
    assert [u.args["hash"] for u in updates] == [o.response["view"]["hash"] for o in opens]


async def test_admins_by_user_group_are_looked_up_after_the_ack(
    slack_env: dict[str, str], emulator: SlackEmulator,
) -> None:
    emulator.workspace.add_user("carol", email="carol@example.com")
    group = emulator.workspace.add_usergroup("tfsync-admins", ["carol"])
    async with running({**slack_env, "TFSYNC_SLACK_ADMIN_GROUP": group.id}, emulator) as harness:
        record = await harness.detect("grouped-data", loses_data=True)
        await (await emulator.click("carol", "infra", record.slack_thread_ts, Action.RESOURCE_DELETE)).wait_ack()
        form = await settled_modal(harness, "carol")

        assert form.callback_id == Callback.DELETION_SUBMIT
        # Asked after the loading view opened (which the listener does right after its ack), not before the ack.
        methods = [c.method for c in emulator.calls]
        assert methods.index("views.open") < methods.index("usergroups.users.list")
        [lookup] = emulator.calls_to("usergroups.users.list")
        assert lookup.ok and lookup.args["usergroup"] == group.id
        # Someone outside the group is refused; the members were cached.
        await (await emulator.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_DELETE)).wait_ack()
        assert (await settled_modal(harness, "alice")).callback_id == Callback.DELETION_REFUSE
        assert len(emulator.calls_to("usergroups.users.list")) == 1


async def test_the_ignore_form_offers_broad_rules_to_admins_only(harness: Harness) -> None:
    emulator = harness.emulator
    record = await harness.detect("scoped-logs")

    await (await emulator.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_IGNORE)).wait_ack()
    narrow = await settled_modal(harness, "alice")
    await emulator.close_view("alice", narrow.id)
    await (await emulator.click("bob", "infra", record.slack_thread_ts, Action.RESOURCE_IGNORE)).wait_ack()
    broad = await settled_modal(harness, "bob")

    assert choices(narrow, Block.SCOPE_INPUT) == [IgnoreScope.RESOURCE]
    assert choices(narrow, Block.EXPIRY_INPUT) == [Expiry.DAY, Expiry.WEEK, Expiry.MONTH]
    assert not any(b.get("block_id") == Block.PATTERN_INPUT for b in narrow.blocks)
    assert "is for tfsync admins" in texts(narrow.blocks)
    assert choices(broad, Block.SCOPE_INPUT) == [IgnoreScope.RESOURCE, IgnoreScope.TYPE, IgnoreScope.ACTOR,
                                                 IgnoreScope.NAME]
    assert choices(broad, Block.EXPIRY_INPUT) == list(Expiry)


async def test_a_broad_ignore_by_a_non_admin_is_refused_after_the_ack(harness: Harness) -> None:
    emulator = harness.emulator
    record = await harness.detect("broad-logs")
    await (await emulator.click("bob", "infra", record.slack_thread_ts, Action.RESOURCE_IGNORE)).wait_ack()
    form = await settled_modal(harness, "bob")
    harness.services.users.admins = frozenset()  # rights revoked while the form is open

    ack = await (await emulator.submit_view("bob", form.id, {
        Block.SCOPE_INPUT: {Action.SCOPE_CHOOSE: "type"}, Block.EXPIRY_INPUT: {Action.EXPIRY_CHOOSE: "30d"},
    })).wait_ack()

    assert ack.payload["response_action"] == "update"
    refusal = await eventually(lambda: (m := emulator.modal("bob")) is not None
                               and m.callback_id == Callback.ERROR_SHOW and m)
    assert "Only tfsync admins can ignore a whole type" in texts(refusal.blocks)
    await harness.settle()
    assert await harness.repo.rules() == []
    assert (await harness.repo.get(record.resource_id)).status == Status.DETECTED


async def test_a_non_admin_may_ignore_the_one_resource_for_a_while(harness: Harness) -> None:
    emulator = harness.emulator
    record = await harness.detect("mine-logs")
    await (await emulator.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_IGNORE)).wait_ack()
    form = await settled_modal(harness, "alice")

    await (await emulator.submit_view("alice", form.id, {Block.EXPIRY_INPUT: {Action.EXPIRY_CHOOSE: "30d"}})).wait_ack()
    await eventually(harness.repo.rules)
    await harness.settle()

    [rule] = await harness.repo.rules()
    assert rule.scope == IgnoreScope.RESOURCE and rule.resource_id == record.resource_id
    assert rule.created_by == f"slack:{emulator.workspace.user('alice').id}"
    assert (await harness.repo.get(record.resource_id)).status == Status.IGNORED


async def test_unignore_by_a_non_admin_only_of_their_own_rules(harness: Harness) -> None:
    emulator = harness.emulator
    alice, bob = (f"slack:{emulator.workspace.user(name).id}" for name in ("alice", "bob"))
    bobs = await harness.detect("bobs-logs")
    alices = await harness.detect("alices-logs")
    decisions = harness.services.decisions
    by_bob = await decisions.ignore(bobs.resource_id, bobs.version, bob,
                                    IgnoreChoice(IgnoreScope.NAME, Expiry.WEEK.duration, "bobs-*"), admin=True)
    by_alice = await decisions.ignore(alices.resource_id, alices.version, alice,
                                      IgnoreChoice(IgnoreScope.RESOURCE, Expiry.DAY.duration))
    await harness.settle()

    await (await emulator.slash_command("alice", "infra", "/tfsync", f"unignore {by_bob.ignore_rule_id}")).wait_ack()
    [refused] = await eventually(lambda: emulator.ephemerals(user="alice"))
    assert "Only tfsync admins can remove an ignore rule someone else made" in texts(refused.blocks)
    assert "Error id `E-" in texts(refused.blocks)
    assert {r.rule_id for r in await harness.repo.rules()} == {by_bob.ignore_rule_id, by_alice.ignore_rule_id}

    await (await emulator.slash_command("alice", "infra", "/tfsync", f"unignore {by_alice.ignore_rule_id}")).wait_ack()
    await eventually(lambda: len(emulator.ephemerals(user="alice")) == 2)
    await harness.settle()
    assert "removed the ignore rule" in texts(emulator.ephemerals(user="alice")[-1].blocks)
    assert [r.rule_id for r in await harness.repo.rules()] == [by_bob.ignore_rule_id]
    assert (await harness.repo.get(alices.resource_id)).status == Status.DETECTED
