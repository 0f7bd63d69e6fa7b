"""Adopt, Delete and Ignore from the thread's buttons, through modals, to state and the executors."""

from __future__ import annotations

import asyncio

from bot.state import Status
from renderers.slack.ids import Action, Block, Callback
from tests.slack.conftest import Harness, action_ids, eventually, texts

ADOPT_VALUES = {
    Block.TF_NAME_INPUT: {Action.TF_NAME_SET: "team_logs"},
    Block.MODULE_INPUT: {Action.MODULE_SELECT: "module.storage"},
    Block.TF_FILE_INPUT: {Action.TF_FILE_SET: "s3.tf"},
}


async def open_modal(harness: Harness, user: str, ts: str, action: Action, callback: Callback):
    ack = await (await harness.emulator.click(user, "infra", ts, action)).wait_ack()
    assert ack.problem is None and ack.seconds < 3
    return await eventually(lambda: (m := harness.emulator.modal(user)) is not None and m.callback_id == callback
                            and m)


async def test_adopt_rejects_a_bad_name_in_the_modal_then_adopts(harness: Harness) -> None:
    emulator = harness.emulator
    record = await harness.detect("team-logs")
    modal = await open_modal(harness, "alice", record.slack_thread_ts, Action.RESOURCE_ADOPT, Callback.ADOPTION_SUBMIT)
    assert "Target module" in texts(modal.blocks) and 'resource "aws_s3_bucket"' in texts(modal.blocks)

    bad = await (await emulator.submit_view("alice", modal.id, {
        **ADOPT_VALUES, Block.TF_NAME_INPUT: {Action.TF_NAME_SET: "team logs!"},
    })).wait_ack()
    assert bad.problem is None and bad.payload["response_action"] == "errors"
    assert set(emulator.modal("alice").errors) == {Block.TF_NAME_INPUT}
    assert (await harness.repo.get(record.resource_id)).status == Status.DETECTED
    assert harness.runner.calls == []

    good = await (await emulator.submit_view("alice", modal.id, ADOPT_VALUES)).wait_ack()
    assert good.problem is None and good.seconds < 3
    working = emulator.modal("alice")
    assert working.id == modal.id and working.callback_id == Callback.ADOPTION_WAIT
    assert "module.storage.aws_s3_bucket.team_logs" in texts(working.blocks)
    await eventually(lambda: harness.runner.calls)
    await harness.settle()

    [(handed, job)] = harness.runner.calls
    alice = emulator.workspace.user("alice").id
    assert handed.status == Status.ADOPTING and handed.status_changed_by == f"slack:{alice}"
    assert (handed.tf_name, handed.target_module) == ("team_logs", "module.storage")
    assert (job.address, job.target_module) == ("module.storage.aws_s3_bucket.team_logs", "storage")
    final = await harness.repo.get(record.resource_id)
    assert final.status == Status.ADOPTED and final.status_changed_by == f"slack:{alice}"
    history = await harness.repo.history(record.resource_id)
    assert [(e.to_status, e.actor) for e in history][1] == (Status.ADOPTING, f"slack:{alice}")
    parent, *replies = emulator.thread("infra", record.slack_thread_ts)
    assert [r.text.split(" ")[0] for r in replies] == ["Adopting", "Adopted"]
    assert f"<@{alice}> started adopting" in texts(replies[0].blocks)
    assert "commit/0a1b2c3d|View the commit" in texts(replies[1].blocks)
    # The parent reads "adopted" and has no decision buttons left.
    assert "*Adopted*" in texts(parent.blocks) and action_ids(parent.blocks) == []


async def test_a_failed_adopt_says_why_with_an_error_id_and_retry_runs_it_again(harness: Harness) -> None:
    emulator = harness.emulator
    harness.runner.failures.append(RuntimeError("clone failed: repository not found"))
    record = await harness.detect("flaky-logs")
    modal = await open_modal(harness, "alice", record.slack_thread_ts, Action.RESOURCE_ADOPT, Callback.ADOPTION_SUBMIT)
    await (await emulator.submit_view("alice", modal.id, ADOPT_VALUES)).wait_ack()
    await eventually(lambda: harness.runner.calls)
    await harness.settle()

    failed = await harness.repo.get(record.resource_id)
    assert failed.status == Status.ADOPT_FAILED and "repository not found" in failed.job_error
    failure = emulator.thread("infra", record.slack_thread_ts)[-1]
    assert "repository not found" in texts(failure.blocks) and "Error id `E-" in texts(failure.blocks)
    assert Action.ADOPTION_RETRY in action_ids(failure.blocks)

    ack = await (await emulator.click("bob", "infra", failure.ts, Action.ADOPTION_RETRY)).wait_ack()
    assert ack.problem is None
    await eventually(lambda: len(harness.runner.calls) == 2)
    await harness.settle()
    (first, _), (retried, second) = harness.runner.calls
    assert (first.version, retried.version) == (first.version, first.version + 2)
    assert second.address == "module.storage.aws_s3_bucket.team_logs"
    assert (retried.tf_name, retried.target_module) == ("team_logs", "module.storage")
    assert retried.status == Status.ADOPTING
    reasons = [e.reason for e in await harness.repo.history(record.resource_id)]
    assert reasons.count("adopt requested") == 1 and reasons.count("adopt retried") == 1
    assert (await harness.repo.get(record.resource_id)).status == Status.ADOPTED


async def test_delete_is_refused_to_a_non_admin(harness: Harness) -> None:
    emulator = harness.emulator
    record = await harness.detect("precious-data", loses_data=True)

    refusal = await open_modal(harness, "alice", record.slack_thread_ts, Action.RESOURCE_DELETE,
                               Callback.DELETION_REFUSE)
    assert refusal.submit is None
    assert "Only tfsync admins can delete" in texts(refusal.blocks)
    assert f"<@{emulator.workspace.user('bob').id}>" in texts(refusal.blocks)

    # An admin's form stays guarded: rights revoked while it is open mean the submission is refused too.
    await emulator.close_view("alice", refusal.id)
    form = await open_modal(harness, "bob", record.slack_thread_ts, Action.RESOURCE_DELETE, Callback.DELETION_SUBMIT)
    harness.services.users.admins = frozenset()
    ack = await (await emulator.submit_view("bob", form.id, {
        Block.CONFIRMATION_INPUT: {Action.CONFIRMATION_TYPE: "precious-data"},
    })).wait_ack()
    assert ack.problem is None and ack.payload["response_action"] == "update"
    shown = emulator.modal("bob")
    assert shown.callback_id == Callback.ERROR_SHOW and "Only tfsync admins" in texts(shown.blocks)
    assert "Error id `E-" in texts(shown.blocks)
    await harness.settle()
    assert harness.remover.calls == []
    assert (await harness.repo.get(record.resource_id)).status == Status.DETECTED


async def test_delete_needs_the_typed_name_when_data_is_lost(harness: Harness) -> None:
    emulator = harness.emulator
    record = await harness.detect("orders-db", loses_data=True)
    form = await open_modal(harness, "bob", record.slack_thread_ts, Action.RESOURCE_DELETE, Callback.DELETION_SUBMIT)

    wrong = await (await emulator.submit_view("bob", form.id, {
        Block.CONFIRMATION_INPUT: {Action.CONFIRMATION_TYPE: "orders"},
    })).wait_ack()
    assert wrong.payload == {"response_action": "errors", "errors": {
        Block.CONFIRMATION_INPUT: "That is not the name; type it exactly to delete."}}
    right = await (await emulator.submit_view("bob", form.id, {
        Block.CONFIRMATION_INPUT: {Action.CONFIRMATION_TYPE: "orders-db"},
    })).wait_ack()
    assert right.payload is None and emulator.modal("bob") is None
    await eventually(lambda: harness.remover.calls)
    await harness.settle()

    [(handed, confirmed_data_loss)] = harness.remover.calls
    assert handed.status == Status.DELETING and confirmed_data_loss
    assert (await harness.repo.get(record.resource_id)).status == Status.DELETED
    replies = emulator.thread("infra", record.slack_thread_ts)[1:]
    assert [r.text.split(" ")[0] for r in replies] == ["Deleting", "Deleted"]


async def test_adopt_and_delete_at_once_leave_one_winner_and_one_polite_note(harness: Harness) -> None:
    emulator = harness.emulator
    record = await harness.detect("contested")
    adopt = await open_modal(harness, "alice", record.slack_thread_ts, Action.RESOURCE_ADOPT,
                             Callback.ADOPTION_SUBMIT)
    delete = await open_modal(harness, "bob", record.slack_thread_ts, Action.RESOURCE_DELETE,
                              Callback.DELETION_SUBMIT)

    envelopes = await asyncio.gather(emulator.submit_view("alice", adopt.id, ADOPT_VALUES),
                                     emulator.submit_view("bob", delete.id, {}))
    acks = await asyncio.gather(*(e.wait_ack() for e in envelopes))
    assert all(a.problem is None and a.seconds < 3 for a in acks)
    await eventually(lambda: len(emulator.ephemerals()) == 1)
    await harness.settle()

    winners = len(harness.runner.calls) + len(harness.remover.calls)
    assert winners == 1
    final = await harness.repo.get(record.resource_id)
    adopted = bool(harness.runner.calls)
    assert final.status == (Status.ADOPTED if adopted else Status.DELETED)
    [note] = emulator.ephemerals()
    loser = "bob" if adopted else "alice"
    assert note.user == emulator.workspace.user(loser).id and note.thread_ts == record.slack_thread_ts
    assert "Someone got there first" in texts(note.blocks)
    # One decision in the audit trail after the detection.
    history = await harness.repo.history(record.resource_id)
    assert [e.to_status for e in history][1] in (Status.ADOPTING, Status.DELETING)
    assert len([e for e in history if e.to_status in (Status.ADOPTING, Status.DELETING)]) == 1


async def test_ignore_stores_a_rule_and_unignore_brings_the_resource_back(harness: Harness) -> None:
    emulator = harness.emulator
    record = await harness.detect("tmp-scratch-1")
    form = await open_modal(harness, "alice", record.slack_thread_ts, Action.RESOURCE_IGNORE,
                            Callback.IGNORE_RULE_SUBMIT)
    ack = await (await emulator.submit_view("alice", form.id, {
        Block.SCOPE_INPUT: {Action.SCOPE_CHOOSE: "name"},
        Block.PATTERN_INPUT: {Action.PATTERN_SET: "tmp-scratch-*"},
        Block.EXPIRY_INPUT: {Action.EXPIRY_CHOOSE: "7d"},
    })).wait_ack()
    assert ack.payload is None
    await eventually(lambda: len(emulator.thread("infra", record.slack_thread_ts)) == 2)
    await harness.settle()

    [rule] = await harness.repo.rules()
    assert (rule.scope, rule.name_pattern) == ("name", "tmp-scratch-*") and rule.expires_at is not None
    ignored = await harness.repo.get(record.resource_id)
    assert ignored.status == Status.IGNORED and ignored.ignore_rule_id == rule.rule_id
    parent, reply = emulator.thread("infra", record.slack_thread_ts)
    assert rule.rule_id in texts(reply.blocks) and "*Ignored*" in texts(parent.blocks)

    await (await emulator.slash_command("alice", "infra", "/tfsync", f"unignore {rule.rule_id}")).wait_ack()
    await eventually(lambda: emulator.ephemerals(user="alice"))
    await harness.settle()
    assert await harness.repo.rules() == []
    assert (await harness.repo.get(record.resource_id)).status == Status.DETECTED
    assert "removed the ignore rule" in texts(emulator.ephemerals(user="alice")[-1].blocks)
    assert action_ids(emulator.thread("infra", record.slack_thread_ts)[0].blocks)[0] == Action.RESOURCE_ADOPT
