"""End to end through the sandbox's API: ClickOps -> CloudTrail event on the queue -> tfsync's consumer -> a Slack
thread in the emulator -> clicks and modal submissions over Socket Mode -> a git commit, or a resource deleted."""

from __future__ import annotations

import subprocess
from typing import Any

import boto3
import pytest

from bot.terraform.plugins import find_plugin_dir
from renderers.slack.ids import Action, Block
from sandbox.app import DEFAULT_CHANNEL, Running
from sandbox.aws import STATE_BUCKET, STATE_KEY
from tests.sandbox_app.conftest import Api, eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")


def aws(sandbox: Running, service: str) -> Any:
    return boto3.client(service, region_name="us-east-1", endpoint_url=sandbox.settings.aws_endpoint_url)


async def thread_for(api: Api, name: str) -> dict[str, Any]:
    """The parent message tfsync posted for a resource (its text names the resource)."""

    async def find() -> dict[str, Any] | None:
        messages = (await api.get("/sandbox/messages", channel=DEFAULT_CHANNEL))["messages"]
        return next((m for m in messages if f" {name} " in m["text"]), None)

    return await eventually(find)


def git(sandbox: Running, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=sandbox.repository, capture_output=True, text=True, check=True).stdout


async def test_the_page_and_its_assets_are_served_locally(api: Api) -> None:
    async with api.session.get(api.url + "/") as response:
        html = await response.text()
    assert response.status == 200 and "<title>tfsync sandbox</title>" in html
    assert "http://" not in html and "https://" not in html  # nothing from a CDN
    for asset in ("/static/app.js", "/static/blockkit.js", "/static/app.css", "/static/tfsync.svg"):
        async with api.session.get(api.url + asset) as response:
            body = await response.text()
            assert response.status == 200 and body
            assert "innerHTML" not in body


async def test_console_bucket_is_adopted_under_a_new_name_into_a_child_module(api: Api, sandbox: Running) -> None:
    made = await api.post("/sandbox/clickops", {"tf_type": "aws_s3_bucket", "name": "team-logs",
                                                "tags": {"team": "data"}, "actor": "dev@example.com",
                                                "as": "console"})
    assert made["import_id"] == "team-logs" and made["event_id"]
    parent = await thread_for(api, "team-logs")
    assert parent["user"] == sandbox.emulator.workspace.bot_user.id and parent["replies"] == []
    # The actor's email maps to the Slack user, who is mentioned.
    assert f"<@{sandbox.emulator.workspace.user('dev').id}>" in str(parent["blocks"])

    opened = await api.post("/sandbox/interact", {"user": "alice", "channel": parent["channel"],
                                                  "message_ts": parent["ts"], "action_id": Action.RESOURCE_ADOPT})
    view = opened["view"]
    assert view["callback_id"] == "tfsync-adoption-submit" and view["is_open"]

    refused = await api.post("/sandbox/views/submit", {
        "user": "alice", "view_id": view["id"],
        "values": {Block.TF_NAME_INPUT: {Action.TF_NAME_SET: "9 not an identifier"}},
    })
    assert refused["response_action"] == "errors" and Block.TF_NAME_INPUT in refused["errors"]
    assert not refused["closed"]

    accepted = await api.post("/sandbox/views/submit", {
        "user": "alice", "view_id": view["id"],
        "values": {Block.TF_NAME_INPUT: {Action.TF_NAME_SET: "team_logs_bucket"},
                   Block.MODULE_INPUT: {Action.MODULE_SELECT: "module.storage"}},
    })
    assert accepted["errors"] == {}

    async def adopt_commit() -> dict[str, Any] | None:
        commits = (await api.get("/sandbox/git/log"))["commits"]
        return next((c for c in commits if "team_logs_bucket" in c["message"]), None)

    commit = await eventually(adopt_commit)
    module_files = [f for f in commit["files"] if f.startswith("modules/storage/")]
    root_files = [f for f in commit["files"] if "/" not in f]
    assert module_files and root_files, commit["files"]
    resource_code = git(sandbox, "show", f"{commit['sha']}:{module_files[0]}")
    assert 'resource "aws_s3_bucket" "team_logs_bucket"' in resource_code and '"team-logs"' in resource_code
    imports = "".join(git(sandbox, "show", f"{commit['sha']}:{name}") for name in root_files)
    assert "module.storage.aws_s3_bucket.team_logs_bucket" in imports and 'id = "team-logs"' in imports
    # The base branch is untouched; the adopt lives on its own branch.
    assert "team_logs_bucket" not in git(sandbox, "log", "--format=%s", "main")

    async def adopted() -> dict[str, Any] | None:
        thread = await thread_for(api, "team-logs")
        return next((reply for reply in thread["replies"] if reply["text"].startswith(("Adopted", "Committed"))),
                    None)

    final = await eventually(adopted, seconds=120)
    if find_plugin_dir() is None:
        # No provider here: the code is committed, and the thread says it was not verified; never a check mark.
        assert final["text"].startswith("Committed, not verified") and ":white_check_mark:" not in str(final)
        return
    # A real plan proved it: init, plan and the gate each reported, in the job's one progress reply (updated in
    # place as the job went on), and the plan summary is in the thread.
    assert ":white_check_mark: Adopted" in str(final["blocks"])
    assert "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy" in str(final["blocks"])
    replies = (await thread_for(api, "team-logs"))["replies"]
    [progress] = [reply for reply in replies if ":gear:" in str(reply["blocks"])]
    shown = str(progress["blocks"])
    for step in ("init: succeeded", "plan: succeeded", "gate: succeeded"):
        assert step in shown, shown


async def test_terraform_made_bucket_gets_no_thread(api: Api, sandbox: Running) -> None:
    await api.post("/sandbox/clickops", {"tf_type": "aws_s3_bucket", "name": "tf-made-logs", "as": "terraform"})
    # A console-made resource sent after it: once its thread is there, the queue has been read past both.
    await api.post("/sandbox/clickops", {"tf_type": "aws_sqs_queue", "name": "after-terraform"})
    await thread_for(api, "after-terraform")
    sqs = aws(sandbox, "sqs")

    async def drained() -> bool:
        attributes = sqs.get_queue_attributes(
            QueueUrl=sandbox.provisioned.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return attributes["ApproximateNumberOfMessages"] == attributes["ApproximateNumberOfMessagesNotVisible"] == "0"

    await eventually(drained)
    messages = (await api.get("/sandbox/messages"))["messages"]
    assert not [m for m in messages if "tf-made-logs" in m["text"]]
    assert aws(sandbox, "s3").head_bucket(Bucket="tf-made-logs")


async def test_instance_deleted_after_confirmation_is_gone_from_aws(api: Api, sandbox: Running) -> None:
    made = await api.post("/sandbox/clickops", {"tf_type": "aws_instance", "name": "scratch-box"})
    instance_id = made["import_id"]
    assert instance_id.startswith("i-")
    parent = await thread_for(api, "scratch-box")
    delete_button = next(e for b in parent["blocks"] if b["type"] == "actions" for e in b["elements"]
                         if e["action_id"] == Action.RESOURCE_DELETE)
    assert delete_button["style"] == "danger" and delete_button["confirm"]  # the page asks before it sends

    opened = await api.post("/sandbox/interact", {"user": "alice", "channel": parent["channel"],
                                                  "message_ts": parent["ts"], "action_id": Action.RESOURCE_DELETE})
    view = opened["view"]
    assert view["callback_id"] == "tfsync-deletion-submit"
    values: dict[str, Any] = {}
    if any(b.get("block_id") == Block.CONFIRMATION_INPUT for b in view["blocks"]):
        values = {Block.CONFIRMATION_INPUT: {Action.CONFIRMATION_TYPE: "scratch-box"}}
    answer = await api.post("/sandbox/views/submit", {"user": "alice", "view_id": view["id"], "values": values})
    assert answer["errors"] == {}
    ec2 = aws(sandbox, "ec2")

    async def terminated() -> bool:
        reservations = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
        return reservations[0]["Instances"][0]["State"]["Name"] == "terminated"

    await eventually(terminated)


async def test_managed_resources_and_state_are_in_the_embedded_aws(sandbox: Running) -> None:
    state = aws(sandbox, "s3").get_object(Bucket=STATE_BUCKET, Key=STATE_KEY)["Body"].read()
    assert b'"acme-app-assets"' in state
    assert aws(sandbox, "s3").head_bucket(Bucket="acme-app-assets")
    assert aws(sandbox, "dynamodb").describe_table(TableName="acme-orders")
    queue = aws(sandbox, "sqs").get_queue_attributes(QueueUrl=sandbox.provisioned.queue_url,
                                                     AttributeNames=["RedrivePolicy"])["Attributes"]
    assert sandbox.provisioned.dlq_url.rsplit("/", 1)[-1] in queue["RedrivePolicy"]


async def test_slash_command_answers_only_the_person(api: Api) -> None:
    answer = await api.post("/sandbox/command", {"user": "bob", "channel": DEFAULT_CHANNEL, "text": "/tfsync help"})
    assert answer["ok"] and answer["ephemerals"]
    bob = (await api.get("/sandbox/workspace"))["users"]
    bob_id = next(u["id"] for u in bob if u["name"] == "bob")
    assert all(e["user"] == bob_id for e in answer["ephemerals"])
    assert "/tfsync" in str(answer["ephemerals"][0]["blocks"]) + answer["ephemerals"][0]["text"]
    bad = await api.post("/sandbox/command", {"user": "bob", "text": "tfsync help"}, status=400)
    assert "starts with /" in bad["error"]


async def test_home_tab_is_published_for_the_person(api: Api) -> None:
    answer = await api.get("/sandbox/home", user="alice")
    view = answer["view"]
    assert view["type"] == "home" and view["blocks"]


async def test_unknown_type_and_bad_bodies_are_refused(api: Api) -> None:
    refused = await api.post("/sandbox/clickops", {"tf_type": "aws_nothing"}, status=400)
    assert "not a type" in refused["error"]
    refused = await api.post("/sandbox/clickops", {"tf_type": "aws_s3_bucket", "tags": ["x"]}, status=400)
    assert "tags" in refused["error"]
    refused = await api.post("/sandbox/interact", {"user": "nobody", "action_id": "x", "channel": "c",
                                                   "message_ts": "1"}, status=400)
    assert "nobody" in refused["error"]


async def test_an_unknown_slash_command_is_answered_as_slack_answers_it(api: Api) -> None:
    answer = await api.post("/sandbox/command", {"user": "bob", "channel": DEFAULT_CHANNEL, "text": "/tfsynk list"})
    assert answer["ok"] is False and answer["view"] is None
    assert answer["problem"].startswith("/tfsynk is not a valid command.")
    [note] = answer["ephemerals"]
    assert note["text"] == answer["problem"]
    shown = await api.get("/sandbox/ephemerals", user="bob")
    assert note in shown["ephemerals"]


async def test_clickops_refuses_an_account_outside_the_sandbox(api: Api) -> None:
    answer = await api.post("/sandbox/clickops", {"tf_type": "aws_iam_role", "account": "111122223333"}, status=400)
    assert "'account' must be one of 123456789012, 999999999999" in str(answer)
