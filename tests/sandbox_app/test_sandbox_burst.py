"""A burst in the sandbox: twenty resources made at once become one digest, not twenty threads.

The channel posts one new resource a turn, deciding each turn with what has arrived meanwhile; how many resources
are stored before the burst is known depends on the machine's speed. With a threshold of one, the burst is known
from the second resource on, whatever the speed, so the outcome is exact: at most one thread, then the digest.
"""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.app import DEFAULT_CHANNEL
from tests.sandbox_app.conftest import Api, eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def sandbox_env() -> dict[str, str]:
    return {"TFSYNC_BURST_THRESHOLD": "1"}


async def test_burst_of_twenty_becomes_one_digest_not_twenty_threads(api: Api) -> None:
    before = len((await api.get("/sandbox/messages", channel=DEFAULT_CHANNEL))["messages"])
    made = (await api.post("/sandbox/clickops/burst", {"tf_type": "aws_sqs_queue", "name": "burst-jobs"}))["created"]
    assert len(made) == 20

    async def shown() -> list[dict[str, Any]] | None:
        new = (await api.get("/sandbox/messages", channel=DEFAULT_CHANNEL))["messages"][before:]
        digests = [m for m in new if "new resources* were created outside Terraform" in str(m["blocks"])]
        if not digests:
            return None
        counted = int(str(digests[0]["blocks"]).split("new resources*")[0].rsplit("*", 1)[1])
        return new if counted + len(new) - 1 == len(made) else None

    new = await eventually(shown, seconds=60)
    # The burst is one digest, and at most the one resource posted before a burst could be known.
    assert len(new) <= 2
