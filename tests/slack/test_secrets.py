"""Slack tokens never reach the logs, even at DEBUG, where slack_sdk and Bolt log every request they make."""

from __future__ import annotations

import logging

import pytest

from bot.classify import Classifier
from bot.config import Settings
from bot.consumer import ClassifierSource, Consumer
from bot.state import StateRepository
from tests.consumer_events import create_bucket_record, event_id, eventbridge
from tests.slack.conftest import Harness


def test_settings_never_show_tokens():
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-very-secret", "SLACK_APP_TOKEN": "xapp-very-secret"})
    shown = f"{settings!r} {settings} {settings.redacted()}"
    assert "very-secret" not in shown
    assert settings.slack_bot_token.reveal() == "xoxb-very-secret"


async def test_tokens_stay_out_of_debug_logs_while_the_app_works(
    harness: Harness, slack_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = Settings.from_env({**slack_env, "TFSYNC_QUEUE_URL": "https://sqs.example/q"})
    consumer = Consumer(settings, StateRepository(settings), None, None,
                        ClassifierSource.fixed(settings, Classifier()), harness.services.notifier)
    body = eventbridge(create_bucket_record("logs", event_id(9)))
    outcome = await consumer.handle({"MessageId": "m-1", "Body": body})
    assert outcome.value == "done"
    assert await harness.services.notifier.flush()  # the publisher shows changes once stored, not while told
    [parent] = harness.emulator.messages("infra")
    envelope = await harness.emulator.click("tess", harness.channel, parent.ts, "tfsync-resource-adopt")
    await envelope.wait_ack(seconds=3)

    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "chat.postMessage" in text or "views.open" in text  # the client did log its requests
    for token in (slack_env["SLACK_BOT_TOKEN"], slack_env["SLACK_APP_TOKEN"]):
        assert token and token not in text
