"""The one error router: typed errors become a note with a quotable id on the surface they came from."""

from __future__ import annotations

from bot.runners.job import AdoptJob, JobPhase, JobResult, PlanCounts
from bot.state import Status
from renderers.slack.ids import Action
from slack_adapters.notifier import SlackJobReporter
from tests.slack.conftest import Harness, eventually, texts

STALE_BUTTON = [{"type": "actions", "block_id": "stale", "elements": [
    {"type": "button", "action_id": str(Action.RESOURCE_ADOPT), "value": "r-unknown00000",
     "text": {"type": "plain_text", "text": "Adopt"}}]}]


async def test_a_button_for_an_unknown_resource_gets_an_ephemeral_with_an_error_id(harness: Harness) -> None:
    emulator = harness.emulator
    posted = await emulator.web_client().chat_postMessage(channel="infra", text="old", blocks=STALE_BUTTON)

    ack = await (await emulator.click("alice", "infra", posted["ts"], Action.RESOURCE_ADOPT)).wait_ack()

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

    [note] = await eventually(lambda: emulator.ephemerals(user="alice"))
    assert "Someone got there first" in texts(note.blocks) and f"<@{bob}>" in texts(note.blocks)
    assert "Error id" not in texts(note.blocks) and emulator.modal("alice") is None


async def test_the_job_reporter_posts_phases_and_the_plan_in_the_thread(harness: Harness) -> None:
    record = await harness.detect("reported-logs")
    adopting = await harness.repo.transition(record.resource_id, Status.ADOPTING, expected_status=Status.DETECTED,
                                             expected_version=record.version, actor="tfsync")
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

    _, progress, done = harness.emulator.thread("infra", record.slack_thread_ts)
    assert "*terraform plan*: started: 1 to import" in texts(progress.blocks)
    shown = texts(done.blocks)
    assert "View the pull request" in shown and "1 to import, 0 to add, 0 to change, 0 to destroy" in shown
    assert any(e.get("url") == "https://logs.example.com/j-1"
               for b in done.blocks if b["type"] == "actions" for e in b["elements"])
