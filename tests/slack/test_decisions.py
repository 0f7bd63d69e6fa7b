"""Adopt, Delete and Ignore from the thread's buttons, through modals, to state and the executors."""

from __future__ import annotations

import asyncio

from bot.state import Status
from renderers.slack.ids import Action, Block, Callback
from tests.slack.conftest import Harness, action_ids, eventually, texts

ADOPT_VALUES = {
    Block.TF_NAME_INPUT: {Action.TF_NAME_SET: "team_logs"},
    Block.MODULE_INPUT: {Action.MODULE_SELECT: "module.storage"},
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
    # The file is the one the job wrote, named by the generator.
    assert final.tf_file == job.files[0].path == "modules/storage/aws_s3_bucket.team_logs.tf"
    assert "in `modules/storage/aws_s3_bucket.team_logs.tf`" in texts(replies[1].blocks)
    assert ".tf" not in texts(replies[0].blocks) and ".tf" not in texts(working.blocks)
    # The parent reads "adopted" and has no decision buttons left.
    assert "*Adopted*" in texts(parent.blocks) and action_ids(parent.blocks) == []


async def test_a_name_another_adoption_holds_is_refused_in_the_form(harness: Harness) -> None:
    emulator = harness.emulator
    harness.runner.hold = asyncio.Event()  # alice's job stays running: its record stays adopting
    first = await harness.detect("team-logs-a")
    second = await harness.detect("team-logs-b")
    form = await open_modal(harness, "alice", first.slack_thread_ts, Action.RESOURCE_ADOPT, Callback.ADOPTION_SUBMIT)
    await (await emulator.submit_view("alice", form.id, ADOPT_VALUES)).wait_ack()
    await eventually(lambda: harness.runner.calls)

    form = await open_modal(harness, "bob", second.slack_thread_ts, Action.RESOURCE_ADOPT, Callback.ADOPTION_SUBMIT)
    refused = await (await emulator.submit_view("bob", form.id, ADOPT_VALUES)).wait_ack()
    assert refused.problem is None and refused.seconds < 3 and refused.payload["response_action"] == "errors"
    assert refused.payload["errors"] == {Block.TF_NAME_INPUT: (
        f"module.storage.aws_s3_bucket.team_logs is already used by the adoption of team-logs-a "
        f"({first.resource_id}), in progress. Choose another name.")}
    assert emulator.modal("bob").callback_id == Callback.ADOPTION_SUBMIT  # still open, to correct
    assert (await harness.repo.get(second.resource_id)).status == Status.DETECTED

    # The same name in another module is another address.
    accepted = await (await emulator.submit_view("bob", form.id, {
        **ADOPT_VALUES, Block.MODULE_INPUT: {Action.MODULE_SELECT: "."},
    })).wait_ack()
    assert accepted.payload["response_action"] == "update"
    await eventually(lambda: len(harness.runner.calls) == 2)
    harness.runner.hold.set()
    await harness.settle()
    assert [job.address for _, job in harness.runner.calls] == [
        "module.storage.aws_s3_bucket.team_logs", "aws_s3_bucket.team_logs"]
    for record in (first, second):
        assert (await harness.repo.get(record.resource_id)).status == Status.ADOPTED


async def test_two_claims_of_one_name_at_once_give_the_later_another_label_and_say_so(harness: Harness) -> None:
    emulator = harness.emulator
    harness.runner.hold = asyncio.Event()
    first = await harness.detect("team-logs-c")
    second = await harness.detect("team-logs-d")
    forms = [
        await open_modal(harness, user, record.slack_thread_ts, Action.RESOURCE_ADOPT, Callback.ADOPTION_SUBMIT)
        for user, record in (("alice", first), ("bob", second))
    ]
    # Both forms are checked before either adoption is claimed: the check cannot see the other one.
    check = harness.services.decisions.address_in_use
    both_checked = asyncio.Barrier(2)

    async def checked_together(*args: object, **kwargs: object) -> str | None:
        answer = await check(*args, **kwargs)  # type: ignore[arg-type]
        await both_checked.wait()
        return answer

    harness.services.decisions.address_in_use = checked_together  # type: ignore[method-assign]
    envelopes = await asyncio.gather(*(emulator.submit_view(user, form.id, ADOPT_VALUES)
                                       for user, form in zip(("alice", "bob"), forms, strict=True)))
    acks = await asyncio.gather(*(e.wait_ack() for e in envelopes))
    assert all(a.problem is None and a.seconds < 3 and a.payload["response_action"] == "update" for a in acks)
    await eventually(lambda: len(harness.runner.calls) == 2)
    harness.runner.hold.set()
    await harness.settle()

    jobs = {handed.resource_id: job for handed, job in harness.runner.calls}
    assert sorted(job.address for job in jobs.values()) == [
        "module.storage.aws_s3_bucket.team_logs", "module.storage.aws_s3_bucket.team_logs_2"]
    [later] = [r for r in (first, second) if jobs[r.resource_id].address.endswith("_2")]
    [earlier] = [r for r in (first, second) if r is not later]
    done = await harness.repo.get(later.resource_id)
    assert done.status == Status.ADOPTED and done.tf_name == "team_logs_2"
    assert done.tf_file == "modules/storage/aws_s3_bucket.team_logs_2.tf"
    replies = emulator.thread("infra", later.slack_thread_ts)[1:]
    assert [r.text.split(" ")[0] for r in replies][:2] == ["Adopting", "Terraform"] and len(replies) == 3
    renamed = texts(replies[1].blocks)
    assert "Terraform name taken" in renamed and f"adoption of {earlier.name} ({earlier.resource_id})" in renamed
    assert "adopting as module.storage.aws_s3_bucket.team_logs_2 instead" in renamed
    assert ("as `module.storage.aws_s3_bucket.team_logs_2` in `modules/storage/aws_s3_bucket.team_logs_2.tf`"
            in texts(replies[2].blocks))
    kept = emulator.thread("infra", earlier.slack_thread_ts)[1:]
    assert [r.text.split(" ")[0] for r in kept][:1] == ["Adopting"] and len(kept) == 2
    assert "as `module.storage.aws_s3_bucket.team_logs` in `modules/storage/aws_s3_bucket.team_logs.tf`" in texts(
        kept[1].blocks)


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
    # The ack turns the form into the working view at once; the admin check after it puts the refusal over it.
    assert ack.problem is None and ack.payload["response_action"] == "update"
    assert ack.payload["view"]["callback_id"] == Callback.DELETION_WAIT
    shown = await eventually(lambda: (m := emulator.modal("bob")) is not None
                             and m.callback_id == Callback.ERROR_SHOW and m)
    assert "Only tfsync admins" in texts(shown.blocks) and "Error id `E-" in texts(shown.blocks)
    assert [v.id for v in emulator.modal_stack("bob")] == [form.id, shown.id] and shown.clear_on_close
    assert emulator.modal_stack("bob")[0].callback_id == Callback.DELETION_WAIT
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
    # The form turns into the working view (it stays open, so a refusal after the ack could still be shown in it).
    assert right.payload["response_action"] == "update"
    working = emulator.modal("bob")
    assert working.id == form.id and working.callback_id == Callback.DELETION_WAIT and working.submit is None
    assert record.resource_id in texts(working.blocks)
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
    # A name pattern is a broad rule: bob is an admin, so his form offers it.
    form = await open_modal(harness, "bob", record.slack_thread_ts, Action.RESOURCE_IGNORE,
                            Callback.IGNORE_RULE_SUBMIT)
    ack = await (await emulator.submit_view("bob", form.id, {
        Block.SCOPE_INPUT: {Action.SCOPE_CHOOSE: "name"},
        Block.PATTERN_INPUT: {Action.PATTERN_SET: "tmp-scratch-*"},
        Block.EXPIRY_INPUT: {Action.EXPIRY_CHOOSE: "7d"},
    })).wait_ack()
    assert ack.payload["response_action"] == "update"
    assert ack.payload["view"]["callback_id"] == Callback.IGNORE_RULE_WAIT
    assert "`tmp-scratch-*`" in texts(ack.payload["view"]["blocks"])
    await eventually(lambda: len(emulator.thread("infra", record.slack_thread_ts)) == 2)
    await harness.settle()

    [rule] = await harness.repo.rules()
    assert (rule.scope, rule.name_pattern) == ("name", "tmp-scratch-*") and rule.expires_at is not None
    ignored = await harness.repo.get(record.resource_id)
    assert ignored.status == Status.IGNORED and ignored.ignore_rule_id == rule.rule_id
    parent, reply = emulator.thread("infra", record.slack_thread_ts)
    assert rule.rule_id in texts(reply.blocks) and "*Ignored*" in texts(parent.blocks)

    await (await emulator.slash_command("bob", "infra", "/tfsync", f"unignore {rule.rule_id}")).wait_ack()
    await eventually(lambda: emulator.ephemerals(user="bob"))
    await harness.settle()
    assert await harness.repo.rules() == []
    assert (await harness.repo.get(record.resource_id)).status == Status.DETECTED
    assert "removed the ignore rule" in texts(emulator.ephemerals(user="bob")[-1].blocks)
    assert action_ids(emulator.thread("infra", record.slack_thread_ts)[0].blocks)[0] == Action.RESOURCE_ADOPT
