"""A detected resource becomes a thread: the parent's blocks, the creator's mention, routing, escaping."""

from __future__ import annotations

import json

from bot.classify import Classifier
from bot.config import Settings
from bot.consumer import ClassifierSource, Consumer
from bot.state import StateRepository
from renderers.slack.ids import Action
from tests.consumer_events import create_bucket_record, delete_bucket_record, event_id, eventbridge
from tests.slack.conftest import ACCOUNT, Harness, action_ids, texts


async def test_a_detected_bucket_becomes_a_thread_through_the_real_consumer(
    harness: Harness, slack_env: dict[str, str],
) -> None:
    emulator, workspace = harness.emulator, harness.emulator.workspace
    settings = Settings.from_env({**slack_env, "TFSYNC_QUEUE_URL": "https://sqs.example/q"})
    consumer = Consumer(settings, StateRepository(settings), None, None,
                        ClassifierSource.fixed(settings, Classifier()), harness.services.notifier)
    body = eventbridge(create_bucket_record("team-logs", event_id(1, "slack")))

    outcome = await consumer.handle({"MessageId": "m-1", "Body": body})

    # Stored first: the message is done (and deleted) before Slack shows anything; the record is pending for it.
    assert outcome.value == "done" and consumer.stats.notified == 1
    [pending] = await harness.repo.pending()
    assert pending.notify_version == 1 and pending.slack_thread_ts is None
    assert await harness.services.notifier.flush()
    [parent] = emulator.messages("infra")
    record = (await harness.repo.open_resources())[0]
    assert await harness.repo.pending() == [] and record.slack_shown_version == 1
    # The record knows its thread, so every later change lands there.
    assert (record.slack_channel, record.slack_thread_ts) == (harness.channel, parent.ts)
    shown = texts(parent.blocks)
    assert "`team-logs`" in shown and "S3 bucket" in shown
    # The corpus principal is an IAM user named by email, which maps to a person in the workspace.
    assert f"<@{workspace.user('tess').id}>" in shown
    assert "*Terraform* (preview" in shown and 'resource "aws_s3_bucket"' in shown
    assert action_ids(parent.blocks) == [Action.RESOURCE_ADOPT, Action.RESOURCE_DELETE, Action.RESOURCE_IGNORE]
    buttons = [e for b in parent.blocks if b["type"] == "actions" for e in b["elements"]]
    assert {b["value"] for b in buttons} == {record.resource_id}
    assert emulator.calls_to("users.lookupByEmail")[0].args["email"] == "test001@test.com"
    # The same person again: the mention comes from the cache, not another lookup.
    again = await harness.detect("team-logs-2", actor="arn:aws:sts::999999999999:assumed-role/Dev/test001@test.com")
    assert f"<@{workspace.user('tess').id}>" in texts(emulator.message("infra", again.slack_thread_ts).blocks)
    assert len(emulator.calls_to("users.lookupByEmail")) == 1
    assert all(call.ok for call in emulator.calls if call.method.startswith("chat."))


async def test_routing_rule_by_tag_and_unknown_principal_shown_as_code(harness: Harness) -> None:
    emulator = harness.emulator
    plain = await harness.detect("plain-bucket")
    routed = await harness.detect("routed-bucket", tags={"route": "storage"})

    assert plain.slack_channel == harness.channel
    assert routed.slack_channel == emulator.workspace.channel("storage").id
    [storage_parent] = emulator.messages("storage")
    assert storage_parent.ts == routed.slack_thread_ts
    shown = texts(emulator.messages("infra")[0].blocks)
    assert f"`arn:aws:iam::{ACCOUNT}:user/ci-robot`" in shown and "<@" not in shown


async def test_a_bucket_named_like_a_broadcast_pings_no_one(harness: Harness) -> None:
    record = await harness.detect("<!channel>", actor="<!here>")

    [parent] = harness.emulator.messages("infra")
    stored = json.dumps({"text": parent.text, "blocks": parent.blocks})
    assert "<!channel>" not in stored and "<!here>" not in stored and "<!everyone>" not in stored
    assert "&lt;!channel&gt;" in texts(parent.blocks)
    assert record.slack_thread_ts == parent.ts


async def test_a_resource_deleted_outside_tfsync_is_marked_gone_in_its_thread(
    harness: Harness, slack_env: dict[str, str],
) -> None:
    settings = Settings.from_env({**slack_env, "TFSYNC_QUEUE_URL": "https://sqs.example/q"})
    consumer = Consumer(settings, StateRepository(settings), None, None,
                        ClassifierSource.fixed(settings, Classifier()), harness.services.notifier)
    await consumer.handle({"MessageId": "m-1", "Body": eventbridge(create_bucket_record("short-lived",
                                                                                        event_id(1, "gone")))})
    await consumer.handle({"MessageId": "m-2", "Body": eventbridge(delete_bucket_record("short-lived",
                                                                                        event_id(2, "gone"), 60))})
    assert await harness.services.notifier.flush()

    [parent] = harness.emulator.messages("infra")
    thread = harness.emulator.thread("infra", parent.ts)
    assert [m.text.split(" ")[-1] for m in thread[1:]] == ["gone"]
    assert "*Gone*" in texts(thread[0].blocks) and action_ids(thread[0].blocks) == []
