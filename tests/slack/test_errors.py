"""The one error router: typed errors become a note with a quotable id on the surface they came from."""

from __future__ import annotations

from bot.runners.job import AdoptJob, JobPhase, JobResult, PlanCounts
from bot.state import Status
from renderers.slack.ids import Action, Callback
from slack_adapters.notifier import SlackJobReporter
from tests.slack.conftest import Harness, eventually, texts


def stale_button(action: Action) -> list[dict[str, object]]:
    """A message with a resource button for a resource tfsync does not know (an old message, say)."""
    return [{"type": "actions", "block_id": "stale", "elements": [
        {"type": "button", "action_id": str(action), "value": "r-unknown00000",
         "text": {"type": "plain_text", "text": "Go"}}]}]


async def test_a_button_for_an_unknown_resource_shows_the_error_in_its_modal(harness: Harness) -> None:
    emulator = harness.emulator
    posted = await emulator.web_client().chat_postMessage(channel="infra", text="old",
                                                           blocks=stale_button(Action.RESOURCE_ADOPT))

    ack = await (await emulator.click("alice", "infra", posted["ts"], Action.RESOURCE_ADOPT)).wait_ack()

    # The loading modal opened at once; the error replaced it, with the hash views.open returned.
    assert ack.problem is None and ack.seconds < 3
    shown = await eventually(lambda: (m := emulator.modal("alice")) is not None
                             and m.callback_id == Callback.ERROR_SHOW and m)
    assert "No resource matches 'r-unknown00000'" in texts(shown.blocks) and "Error id `E-" in texts(shown.blocks)
    [opened] = emulator.calls_to("views.open")
    assert opened.response["view"]["callback_id"] == Callback.LOADING_SHOW
    [update] = emulator.calls_to("views.update")
    assert update.ok and update.args["hash"] == opened.response["view"]["hash"]
    assert emulator.ephemerals(user="alice") == []


async def test_a_button_that_opens_no_modal_tells_the_error_in_an_ephemeral(harness: Harness) -> None:
    emulator = harness.emulator
    posted = await emulator.web_client().chat_postMessage(channel="infra", text="old",
                                                           blocks=stale_button(Action.ADOPTION_RETRY))

    ack = await (await emulator.click("alice", "infra", posted["ts"], Action.ADOPTION_RETRY)).wait_ack()

    assert ack.problem is None and ack.seconds < 3
    [note] = await eventually(lambda: emulator.ephemerals(user="alice"))
    shown = texts(note.blocks)
    assert "No resource matches 'r-unknown00000'" in shown and "Error id `E-" in shown
    assert emulator.modal("alice") is None


async def test_a_click_on_a_decided_resource_gets_the_polite_note(harness: Harness) -> None:
    emulator = harness.emulator
    record = await harness.detect("decided-logs")
    bob = emulator.workspace.user("bob").id
    await harness.repo.transition(record.resource_id, Status.IGNORED, expected_status=Status.DETECTED,
                                  expected_version=record.version, actor=f"slack:{bob}")

    await (await emulator.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_ADOPT)).wait_ack()

    # In the modal that opened for the form, in its place: no form to fill for a resource already decided.
    note = await eventually(lambda: (m := emulator.modal("alice")) is not None
                            and m.callback_id == Callback.ERROR_SHOW and m)
    assert "Someone got there first" in texts(note.blocks) and f"<@{bob}>" in texts(note.blocks)
    assert "Error id" not in texts(note.blocks) and note.submit is None
    assert emulator.ephemerals(user="alice") == []


async def test_the_job_reporter_posts_phases_and_the_plan_in_the_thread(harness: Harness) -> None:
    record = await harness.detect("reported-logs")
    adopting = await harness.repo.transition(record.resource_id, Status.ADOPTING, expected_status=Status.DETECTED,
                                             expected_version=record.version, actor="tfsync")
    await harness.services.notifier.status_changed(adopting)
    assert await harness.services.notifier.flush()  # the step that starts the job is in the thread first
    job = AdoptJob(job_id="j-1", resource_id=record.resource_id, tf_type="aws_s3_bucket", import_id="reported-logs",
                   address="aws_s3_bucket.logs", target_module="", mode="pr", files=(), imports=())
    reporter = SlackJobReporter(harness.services.notifier, harness.repo)

    await reporter.phase(job, JobPhase("terraform plan", "started", "1 to import"))
    await reporter.result(job, JobResult("succeeded", pr_url="https://git.example.com/infra/pull/7",
                                         plan=PlanCounts(imports=1),
                                         log_location="https://logs.example.com/j-1"))
    adopted = await harness.repo.transition(
        record.resource_id, Status.ADOPTED, expected_status=Status.ADOPTING, expected_version=adopting.version,
        actor="tfsync", changes={"job_link": "https://git.example.com/infra/pull/7"})
    await harness.services.notifier.status_changed(adopted)
    assert await harness.services.notifier.flush()  # the publisher shows changes once stored, not while told

    _, started, progress, done = harness.emulator.thread("infra", record.slack_thread_ts)
    assert started.text.startswith("Adopting")
    assert "*terraform plan*: started: 1 to import" in texts(progress.blocks)
    shown = texts(done.blocks)
    assert "View the pull request" in shown and "1 to import, 0 to add, 0 to change, 0 to destroy" in shown
    assert any(e.get("url") == "https://logs.example.com/j-1"
               for b in done.blocks if b["type"] == "actions" for e in b["elements"])
