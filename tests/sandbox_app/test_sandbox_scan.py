"""The scan in the sandbox, end to end: a resource whose creation event is lost on the way gets no thread; an
admin's `/tfsync scan` finds it (and nothing of tfsync's own deployment, which its own state manages), posts one
digest, and the resource waits in the backlog with its source; someone else may not start a scan."""

from __future__ import annotations

import asyncio
import subprocess
from typing import Any

import pytest

from renderers.slack.ids import Action
from sandbox.app import DEFAULT_CHANNEL, Running
from tests.sandbox_app.conftest import Api, eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def digests(api: Api) -> list[dict[str, Any]]:
    messages = (await api.get("/sandbox/messages", channel=DEFAULT_CHANNEL))["messages"]
    return [m for m in messages if m["text"].startswith("Scan found")]


async def test_a_lost_event_is_found_by_a_scan_and_nothing_of_tfsyncs_own(api: Api, sandbox: Running) -> None:
    made = await api.post("/sandbox/clickops", {"tf_type": "aws_s3_bucket", "name": "trail-gap-logs",
                                                "missed": True})
    assert made["missed"] is True and made["import_id"] == "trail-gap-logs"

    answer = await api.post("/sandbox/command", {"user": "alice", "channel": DEFAULT_CHANNEL,
                                                 "text": "/tfsync scan"})
    assert "Scan started" in answer["ephemerals"][0]["text"]
    [digest] = await eventually(lambda: digests(api), seconds=60)
    # The one bucket whose event was lost: tfsync's queues, tables, buckets and member role are in its own state,
    # the example resources in the example state, and AWS's defaults are never reported.
    assert digest["text"] == "Scan found 1 unmanaged resource", digest
    assert "*1* new in the backlog" in str(digest["blocks"])
    messages = (await api.get("/sandbox/messages", channel=DEFAULT_CHANNEL))["messages"]
    assert not [m for m in messages if "trail-gap-logs" in m["text"]], "a scan's find gets no thread of its own"

    listed = await api.post("/sandbox/command", {"user": "bob", "channel": DEFAULT_CHANNEL, "text": "/tfsync list"})
    assert "trail-gap-logs" in str(listed["ephemerals"][0]["blocks"])
    assert "found by a scan" in str(listed["ephemerals"][0]["blocks"])


async def test_a_second_scan_finds_the_same_resource_already_in_the_backlog(api: Api) -> None:
    await api.post("/sandbox/command", {"user": "alice", "channel": DEFAULT_CHANNEL, "text": "/tfsync scan"})
    found = await eventually(lambda: _at_least(api, 2), seconds=60)
    [second] = [d for d in found if "*1* already in the backlog" in str(d["blocks"])]
    assert "*0* new in the backlog" in str(second["blocks"])


async def _at_least(api: Api, count: int) -> list[dict[str, Any]] | None:
    found = await digests(api)
    return found if len(found) >= count else None


async def test_only_admins_start_a_scan(api: Api) -> None:
    before = len(await digests(api))
    answer = await api.post("/sandbox/command", {"user": "dev", "channel": DEFAULT_CHANNEL, "text": "/tfsync scan"})
    assert "Only tfsync admins can start a scan" in str(answer["ephemerals"][0])
    assert len(await digests(api)) == before


async def test_what_a_scan_found_is_adopted_in_bulk_as_one_commit(api: Api, sandbox: Running) -> None:
    for name in ("gap-a", "gap-b"):
        await api.post("/sandbox/clickops", {"tf_type": "aws_s3_bucket", "name": name, "missed": True})
    before = len(await digests(api))
    await api.post("/sandbox/command", {"user": "alice", "channel": DEFAULT_CHANNEL, "text": "/tfsync scan"})
    await eventually(lambda: _at_least(api, before + 1), seconds=60)

    answer = await api.post("/sandbox/command", {
        "user": "alice", "channel": DEFAULT_CHANNEL,
        "text": "/tfsync bulk adopt type=aws_s3_bucket name=gap-* into module.storage"})
    [preview] = answer["ephemerals"]
    assert "gap-a" in str(preview["blocks"]) and "gap-b" in str(preview["blocks"])
    clicked = await api.post("/sandbox/interact", {"user": "alice", "channel": DEFAULT_CHANNEL,
                                                   "message_ts": preview["ts"], "action_id": Action.BULK_CONFIRM,
                                                   "ephemeral": True})
    assert clicked["ok"], clicked

    def log(*args: str) -> str:
        return subprocess.run(["git", "log", "--all", *args], cwd=sandbox.repository, capture_output=True,
                              text=True, check=True).stdout

    async def committed() -> bool:
        return "tfsync: adopt 2 resources" in await asyncio.to_thread(log, "--format=%s")

    await eventually(committed, seconds=180)
    body = await asyncio.to_thread(log, "-1", "--format=%B", "--grep=adopt 2 resources")
    assert "module.storage.aws_s3_bucket.gap_a (import ID gap-a)" in body
    assert "module.storage.aws_s3_bucket.gap_b (import ID gap-b)" in body
