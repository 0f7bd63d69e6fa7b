"""The ack probe: with DynamoDB answering 3.2 seconds late, every button, submission and `/tfsync` command is still
acknowledged within Slack's three seconds, and the forms still open (the loading view at once, then the form once
DynamoDB answers), because nothing a listener waits for before its ack does I/O.

DynamoDB sits behind tests/faults.py's DelayingProxy. Each case sets the delay only once its setup is done, and the
proxy's record shows the delay really was in the way (`held`): a case whose work read nothing would prove nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.decisions import AdoptChoice, IgnoreChoice
from bot.deletion import DeleteFailed
from bot.state import ResourceRecord, Status
from handlers.submissions.adopt_submit import ADDRESS_CHECK_SECONDS
from renderers.slack.ids import Action, Block, Callback
from renderers.slack.viewdata import Expiry, IgnoreScope
from sandbox.slack import Ack, Envelope, SlackEmulator
from tests.faults import DelayingProxy
from tests.slack.conftest import Harness, action_ids, eventually, texts

DELAY = 3.2
ACK_DEADLINE = 3.0


@dataclass
class Screens:
    """Every modal a person was shown, in order, as the emulator applied them (its callback_id and when)."""

    emulator: SlackEmulator
    shown: list[tuple[float, str, str, str]] = field(default_factory=list)  # (at, user, view id, callback_id)

    def __post_init__(self) -> None:
        self.emulator.on_change(self._changed)

    def _changed(self, kind: str, data: dict[str, Any]) -> None:
        view = self.emulator.views.get(str(data.get("view_id")))
        if kind in ("view_opened", "view_updated") and view is not None and view.type == "modal":
            self.shown.append((time.monotonic(), view.user, view.id, view.callback_id))

    def of(self, user: str) -> list[str]:
        user_id = self.emulator.workspace.user(user).id
        return [callback for _, who, _, callback in self.shown if who == user_id]

    def first(self, user: str, callback: str) -> float:
        user_id = self.emulator.workspace.user(user).id
        return next(at for at, who, _, shown in self.shown if who == user_id and shown == callback)


async def acked(envelope: Envelope) -> Ack:
    """The envelope's ack, which must come within Slack's three seconds (TimeoutError otherwise)."""
    ack = await envelope.wait_ack(ACK_DEADLINE)
    assert ack.problem is None and ack.seconds < ACK_DEADLINE, ack
    return ack


async def opens_loading_then(
    harness: Harness, proxy: DelayingProxy, screens: Screens, user: str, envelope: Envelope, sent: float,
    expected: Callback,
) -> None:
    """The loading view opened before DynamoDB could answer, and the expected view replaced it once it did."""
    emulator = harness.emulator
    loading = await eventually(lambda: (m := emulator.modal(user)) is not None and m, seconds=ACK_DEADLINE)
    assert loading.callback_id == Callback.LOADING_SHOW
    assert screens.first(user, Callback.LOADING_SHOW) - sent < DELAY
    filled = await eventually(lambda: (m := emulator.modal(user)) is not None and m.callback_id == expected and m,
                              seconds=DELAY + 5)
    assert filled.id == loading.id and screens.of(user) == [Callback.LOADING_SHOW, expected]
    assert screens.first(user, expected) - sent >= DELAY  # it waited for DynamoDB: the probe was in the way
    assert proxy.held()
    [opened] = [c for c in emulator.calls_to("views.open") if c.at >= sent]
    [update] = [c for c in emulator.calls_to("views.update") if c.at >= sent]
    assert update.ok and update.args["view_id"] == loading.id
    assert update.args["hash"] == opened.response["view"]["hash"]


def thread_message_with(harness: Harness, record: ResourceRecord, action: Action) -> str:
    """The ts of the message in the record's thread (parent or reply) that carries the button."""
    for message in reversed(harness.emulator.thread("infra", record.slack_thread_ts)):
        if action in action_ids(message.blocks):
            return message.ts
    raise AssertionError(f"no {action} button in the thread of {record.resource_id}")


# Buttons.


@pytest.mark.parametrize(("action", "user", "expected"), [
    (Action.RESOURCE_ADOPT, "alice", Callback.ADOPTION_SUBMIT),
    (Action.RESOURCE_DELETE, "bob", Callback.DELETION_SUBMIT),
    (Action.RESOURCE_DELETE, "alice", Callback.DELETION_REFUSE),  # not an admin: the refusal, never the form
    (Action.RESOURCE_IGNORE, "alice", Callback.IGNORE_RULE_SUBMIT),
], ids=["adopt", "delete-admin", "delete-not-admin", "ignore"])
async def test_resource_buttons_ack_and_open_their_modal(
    slow_harness: Harness, slow_dynamodb: DelayingProxy, action: Action, user: str, expected: Callback,
) -> None:
    record = await slow_harness.detect("probe-logs", loses_data=True)
    screens = Screens(slow_harness.emulator)
    slow_dynamodb.delay = DELAY

    sent = time.monotonic()
    envelope = await slow_harness.emulator.click(user, "infra", record.slack_thread_ts, action)
    await acked(envelope)
    await opens_loading_then(slow_harness, slow_dynamodb, screens, user, envelope, sent, expected)


async def test_retry_adoption_acks_then_adopts(slow_harness: Harness, slow_dynamodb: DelayingProxy) -> None:
    harness = slow_harness
    harness.runner.failures.append(RuntimeError("clone failed"))
    record = await harness.detect("probe-retry-logs")
    await harness.services.decisions.adopt(record.resource_id, record.version, "slack:U0PROBE",
                                           AdoptChoice("probe_logs", "module.storage"))
    await harness.settle()
    assert (await harness.repo.get(record.resource_id)).status == Status.ADOPT_FAILED
    button = thread_message_with(harness, record, Action.ADOPTION_RETRY)
    slow_dynamodb.delay = DELAY

    await acked(await harness.emulator.click("alice", "infra", button, Action.ADOPTION_RETRY))

    assert len(harness.runner.calls) == 1  # nothing happened yet: DynamoDB has not answered
    slow_dynamodb.release()
    await eventually(lambda: len(harness.runner.calls) == 2, seconds=10)
    await harness.settle()
    assert slow_dynamodb.held() and (await harness.repo.get(record.resource_id)).status == Status.ADOPTED


async def test_retry_delete_acks_then_deletes(slow_harness: Harness, slow_dynamodb: DelayingProxy) -> None:
    harness = slow_harness

    def refused(record: ResourceRecord, *, confirmed_data_loss: bool) -> Any:
        raise DeleteFailed("AccessDenied: not allowed to delete the bucket")

    harness.remover.remove = refused  # type: ignore[method-assign]
    record = await harness.detect("probe-retry-delete")
    await harness.services.decisions.delete(record.resource_id, record.version, "slack:U0PROBE", confirmed=False)
    await harness.settle()
    assert (await harness.repo.get(record.resource_id)).status == Status.DELETE_FAILED
    del harness.remover.remove  # the recording remover again
    button = thread_message_with(harness, record, Action.DELETION_RETRY)
    slow_dynamodb.delay = DELAY

    await acked(await harness.emulator.click("bob", "infra", button, Action.DELETION_RETRY))

    slow_dynamodb.release()
    await eventually(lambda: harness.remover.calls, seconds=10)
    await harness.settle()
    assert slow_dynamodb.held() and (await harness.repo.get(record.resource_id)).status == Status.DELETED


# Submissions.


async def open_form(harness: Harness, user: str, record: ResourceRecord, action: Action, callback: Callback) -> Any:
    await acked(await harness.emulator.click(user, "infra", record.slack_thread_ts, action))
    return await eventually(lambda: (m := harness.emulator.modal(user)) is not None and m.callback_id == callback
                            and m)


async def test_adopt_submission_acks_within_the_address_check_box(
    slow_harness: Harness, slow_dynamodb: DelayingProxy,
) -> None:
    harness = slow_harness
    record = await harness.detect("probe-adopt")
    form = await open_form(harness, "alice", record, Action.RESOURCE_ADOPT, Callback.ADOPTION_SUBMIT)
    slow_dynamodb.delay = DELAY

    ack = await acked(await harness.emulator.submit_view("alice", form.id, {
        Block.TF_NAME_INPUT: {Action.TF_NAME_SET: "probe_adopt"},
        Block.MODULE_INPUT: {Action.MODULE_SELECT: "module.storage"},
    }))

    # The address check gave up after its box; the working view was drawn from the form alone.
    assert ADDRESS_CHECK_SECONDS - 0.05 <= ack.seconds < ACK_DEADLINE
    assert ack.payload["response_action"] == "update"
    assert ack.payload["view"]["callback_id"] == Callback.ADOPTION_WAIT
    assert "`probe_adopt` in `module.storage`" in texts(ack.payload["view"]["blocks"])
    slow_dynamodb.release()
    await eventually(lambda: harness.runner.calls, seconds=10)
    await harness.settle()
    assert slow_dynamodb.held() and (await harness.repo.get(record.resource_id)).status == Status.ADOPTED


async def test_delete_submission_checks_the_phrase_in_the_ack(
    slow_harness: Harness, slow_dynamodb: DelayingProxy,
) -> None:
    harness = slow_harness
    record = await harness.detect("probe-orders", loses_data=True)
    form = await open_form(harness, "bob", record, Action.RESOURCE_DELETE, Callback.DELETION_SUBMIT)
    slow_dynamodb.delay = DELAY

    wrong = await acked(await harness.emulator.submit_view("bob", form.id, {
        Block.CONFIRMATION_INPUT: {Action.CONFIRMATION_TYPE: "probe"}}))
    assert wrong.payload == {"response_action": "errors", "errors": {
        Block.CONFIRMATION_INPUT: "That is not the name; type it exactly to delete."}}
    right = await acked(await harness.emulator.submit_view("bob", form.id, {
        Block.CONFIRMATION_INPUT: {Action.CONFIRMATION_TYPE: "probe-orders"}}))
    assert right.payload["response_action"] == "update"
    assert right.payload["view"]["callback_id"] == Callback.DELETION_WAIT

    slow_dynamodb.release()
    await eventually(lambda: harness.remover.calls, seconds=10)
    await harness.settle()
    [(_, confirmed_data_loss)] = harness.remover.calls
    assert confirmed_data_loss and slow_dynamodb.held()


async def test_ignore_submission_acks_then_ignores(slow_harness: Harness, slow_dynamodb: DelayingProxy) -> None:
    harness = slow_harness
    record = await harness.detect("probe-ignore")
    form = await open_form(harness, "alice", record, Action.RESOURCE_IGNORE, Callback.IGNORE_RULE_SUBMIT)
    slow_dynamodb.delay = DELAY

    ack = await acked(await harness.emulator.submit_view("alice", form.id, {}))

    assert ack.payload["response_action"] == "update"
    assert ack.payload["view"]["callback_id"] == Callback.IGNORE_RULE_WAIT
    slow_dynamodb.release()
    await eventually(lambda: harness.repo.rules(), seconds=10)
    await harness.settle()
    assert slow_dynamodb.held() and (await harness.repo.get(record.resource_id)).status == Status.IGNORED


# Commands.


@pytest.mark.parametrize(("text", "user", "expected"), [
    ("help", "alice", None),
    ("list", "alice", None),
    ("show {id}", "alice", None),
    ("adopt {id}", "alice", Callback.ADOPTION_SUBMIT),
    ("delete {id}", "alice", Callback.DELETION_REFUSE),
    ("ignore {id}", "alice", Callback.IGNORE_RULE_SUBMIT),
    ("rules", "alice", None),
    ("unignore {rule}", "bob", None),
    ("stats", "alice", None),
], ids=lambda value: str(value).split(" ")[0] if isinstance(value, str) else None)
async def test_tfsync_commands_ack_at_once(
    slow_harness: Harness, slow_dynamodb: DelayingProxy, text: str, user: str, expected: Callback | None,
) -> None:
    harness = slow_harness
    record = await harness.detect("probe-command")
    rule_id = ""
    if "{rule}" in text:
        other = await harness.detect("probe-command-ignored")
        ignored = await harness.services.decisions.ignore(
            other.resource_id, other.version, "slack:" + harness.emulator.workspace.user("bob").id,
            IgnoreChoice(IgnoreScope.RESOURCE, Expiry.WEEK.duration), admin=True)
        rule_id = str(ignored.ignore_rule_id)
        await harness.settle()
    screens = Screens(harness.emulator)
    before = len(harness.emulator.ephemerals(user=user))
    slow_dynamodb.delay = DELAY

    sent = time.monotonic()
    envelope = await harness.emulator.slash_command(user, "infra", "/tfsync",
                                                    text.format(id=record.resource_id, rule=rule_id))
    await acked(envelope)

    if expected is not None:
        await opens_loading_then(harness, slow_dynamodb, screens, user, envelope, sent, expected)
        return
    slow_dynamodb.release()
    [answer] = await eventually(lambda: harness.emulator.ephemerals(user=user)[before:], seconds=10)
    assert "Error id" not in texts(answer.blocks)
    if text != "help":
        assert slow_dynamodb.held()


async def test_a_loading_modal_closed_before_it_is_filled_stays_closed(
    slow_harness: Harness, slow_dynamodb: DelayingProxy,
) -> None:
    emulator = slow_harness.emulator
    record = await slow_harness.detect("probe-closed")
    slow_dynamodb.delay = DELAY
    await acked(await emulator.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_ADOPT))
    loading = await eventually(lambda: emulator.modal("alice"), seconds=ACK_DEADLINE)

    await emulator.close_view("alice", loading.id)  # the person gives up waiting
    slow_dynamodb.release()

    [update] = await eventually(lambda: emulator.calls_to("views.update"), seconds=10)
    assert update.error == "not_found" and update.args["view_id"] == loading.id
    await slow_harness.settle()
    assert emulator.modal("alice") is None and emulator.ephemerals(user="alice") == []
    assert len(emulator.calls_to("views.update")) == 1  # no error shown over it, nor anywhere else
