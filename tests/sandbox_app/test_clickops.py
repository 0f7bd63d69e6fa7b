"""ClickOps: every catalog type made in moto, its creation event on the queue in EventBridge's shape, and what
tfsync's classifier makes of it (detected from the console, ignored from Terraform)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from bot.catalog import CATALOG
from bot.classify import Classifier
from bot.config import Settings
from bot.events import parse_body
from sandbox.clickops import BURST_SIZE, CREATORS, EMULATOR_GAPS, ClickOps, ClickOpsError
from tests.codegen import cases

MAX_BODY = 1024 * 1024


@pytest.fixture
def clickops(aws_env: dict[str, str], aws_client: Callable[..., Any]) -> tuple[ClickOps, str]:
    url = aws_client("sqs").create_queue(QueueName="tfsync-events")["QueueUrl"]
    return ClickOps(Settings.from_env(aws_env), url), url


def drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    bodies = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not messages:
            return bodies
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def test_every_catalog_type_has_a_creator() -> None:
    assert set(CREATORS) == set(CATALOG)


def test_the_types_the_emulator_cannot_make_are_not_offered_and_say_why(clickops: tuple[ClickOps, str]) -> None:
    # The same types the tests cannot make in moto either, each tested with recorded responses instead.
    assert set(EMULATOR_GAPS) == set(cases.UNSERVED)
    ops, _ = clickops
    offered = {t["tf_type"] for t in ops.types()}
    assert offered == set(CREATORS) - set(EMULATOR_GAPS)
    for tf_type, why in EMULATOR_GAPS.items():
        with pytest.raises(ClickOpsError, match=f"the sandbox cannot make a {tf_type}: {re.escape(why)}"):
            ops.create(tf_type, "x", {})


@pytest.mark.parametrize("tf_type", sorted(set(CREATORS) - set(EMULATOR_GAPS)))
def test_console_creation_is_detected_with_the_import_id(
    tf_type: str, clickops: tuple[ClickOps, str], aws_client: Callable[..., Any],
) -> None:
    ops, url = clickops
    made = ops.create(tf_type, "Team Logs 1", {"team": "data"}, actor="alice@example.com")
    [body] = drain(aws_client("sqs"), url)
    assert body["detail-type"] == "AWS API Call via CloudTrail" and body["detail"]["eventID"] == made.event_id
    assert body["source"] == "aws." + CATALOG[tf_type].event_source.split(".")[0]
    envelope = parse_body(json.dumps(body), "test", MAX_BODY)
    [result] = Classifier().classify_envelope(envelope)
    assert result.verdict == "detected", result.reason
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == (tf_type, made.import_id)
    assert resource.actor.endswith("/alice@example.com")
    assert made.import_id


def test_terraform_creation_is_ignored_as_terraform(clickops: tuple[ClickOps, str],
                                                    aws_client: Callable[..., Any]) -> None:
    ops, url = clickops
    made = ops.create("aws_s3_bucket", "tf-made-bucket", {}, origin="terraform")
    assert aws_client("s3").head_bucket(Bucket="tf-made-bucket")
    [body] = drain(aws_client("sqs"), url)
    [result] = Classifier().classify_envelope(parse_body(json.dumps(body), "test", MAX_BODY))
    assert (result.verdict, result.reason_code) == ("ignored", "terraform")
    assert made.import_id == "tf-made-bucket"


def test_burst_makes_twenty_distinct_resources(clickops: tuple[ClickOps, str],
                                               aws_client: Callable[..., Any]) -> None:
    ops, url = clickops
    made = ops.burst("aws_sqs_queue", "jobs")
    assert len({m.import_id for m in made}) == BURST_SIZE
    assert len(drain(aws_client("sqs"), url)) == BURST_SIZE


def test_refusals_say_why(clickops: tuple[ClickOps, str]) -> None:
    ops, _url = clickops
    with pytest.raises(ClickOpsError, match="not a type"):
        ops.create("aws_nothing", "x")
    ops.create("aws_iam_role", "twice")
    with pytest.raises(ClickOpsError, match="AWS refused: EntityAlreadyExists"):
        ops.create("aws_iam_role", "twice")
