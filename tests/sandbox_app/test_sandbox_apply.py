"""The sandbox in apply mode: an adoption imports into the sandbox repository's own S3 backend in the embedded AWS,
lands on main, and from then on the resource is Terraform's (a Delete is refused as for any managed resource)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from bot.terraform.plugins import find_plugin_dir
from renderers.slack.ids import Action, Block
from sandbox.app import Running
from sandbox.aws import STATE_BUCKET, STATE_KEY
from tests.sandbox_app.conftest import Api, eventually
from tests.sandbox_app.test_sandbox_api import git, thread_for

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.skipif(find_plugin_dir() is None,
                       reason="not verified: no hashicorp/aws provider here, so apply mode cannot run"),
]


@pytest.fixture(scope="module")
def sandbox_env() -> dict[str, str]:
    return {"TFSYNC_ADOPT_MODE": "apply"}


def state(sandbox: Running) -> dict[str, Any]:
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=sandbox.settings.aws_endpoint_url)
    return json.loads(s3.get_object(Bucket=STATE_BUCKET, Key=STATE_KEY)["Body"].read())


async def test_an_applied_adoption_is_in_the_state_on_main_and_cannot_be_deleted(api: Api, sandbox: Running) -> None:
    seeded = {(r.get("module"), r["type"], r["name"]) for r in state(sandbox)["resources"]}
    assert ("module.storage", "aws_s3_bucket", "assets") in seeded, "the example state was written by Terraform"

    await api.post("/sandbox/clickops", {"tf_type": "aws_s3_bucket", "name": "applied-logs", "as": "console"})
    parent = await thread_for(api, "applied-logs")
    opened = await api.post("/sandbox/interact", {"user": "alice", "channel": parent["channel"],
                                                  "message_ts": parent["ts"], "action_id": Action.RESOURCE_ADOPT})
    await api.post("/sandbox/views/submit", {
        "user": "alice", "view_id": opened["view"]["id"],
        "values": {Block.TF_NAME_INPUT: {Action.TF_NAME_SET: "applied_logs"},
                   Block.MODULE_INPUT: {Action.MODULE_SELECT: "module.storage"}},
    })

    async def adopted() -> dict[str, Any] | None:
        thread = await thread_for(api, "applied-logs")
        return next((r for r in thread["replies"] if r["text"].startswith(("Adopted", "Adoption"))), None)

    final = await eventually(adopted, seconds=180)
    assert final["text"].startswith("Adopted"), final["blocks"]
    addresses = {(r.get("module"), r["type"], r["name"]) for r in state(sandbox)["resources"]}
    assert ("module.storage", "aws_s3_bucket", "applied_logs") in addresses
    assert "applied_logs" in git(sandbox, "log", "--format=%s", "main"), "apply mode lands on the base branch"

    # Now Terraform manages it: Delete is refused, and the bucket stays.
    thread = await thread_for(api, "applied-logs")
    record_id = next(b["value"] for block in thread["blocks"] if block.get("type") == "actions"
                     for b in block["elements"] if b.get("action_id") == Action.RESOURCE_DELETE) \
        if any(block.get("type") == "actions" for block in thread["blocks"]) else None
    assert record_id is None, "an adopted resource offers no Delete button"
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=sandbox.settings.aws_endpoint_url)
    assert "applied-logs" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
