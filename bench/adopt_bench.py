"""Adopt submit -> gate verdict in the sandbox: the time from a person submitting the Adopt form to the record's
verdict (adopted, or adopt_failed at the gate), over N adoptions of buckets made by ClickOps.

The whole sandbox runs in this process as `bin/dev run` starts it (embedded AWS, the Slack emulator, tfsync over
Socket Mode), and each adoption is driven through the sandbox's HTTP API as the page drives it: the job clones the
sandbox repository, places the files, runs `terraform init` (the AWS provider from the plugin directory, symlinked,
so it is reused between jobs) and `terraform plan` against the embedded AWS's S3 backend, and the gate. Goal: p50
at most 20 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from bot.config import Settings
from bot.terraform.plugins import find_plugin_dir
from renderers.slack.ids import Action, Block

GOAL_P50_SECONDS = 20.0
VERDICTS = ("adopted", "adopt_failed")


class _Api:
    def __init__(self, base: str, session: aiohttp.ClientSession) -> None:
        self.base = base
        self.session = session

    async def get(self, path: str, **params: str) -> Any:
        async with self.session.get(self.base + path, params=params) as response:
            response.raise_for_status()
            return await response.json()

    async def post(self, path: str, body: dict[str, Any]) -> Any:
        async with self.session.post(self.base + path, json=body) as response:
            response.raise_for_status()
            return await response.json()


async def _eventually(check: Any, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := await check():
            return found
        await asyncio.sleep(0.05)
    raise TimeoutError(f"nothing after {seconds:.0f} s")


async def _adopt_one(api: _Api, running: Any, index: int) -> tuple[float, str]:
    name = f"bench-assets-{index:02d}"
    await api.post("/sandbox/clickops", {"tf_type": "aws_s3_bucket", "name": name, "as": "console"})

    async def parent() -> dict[str, Any] | None:
        messages = (await api.get("/sandbox/messages", channel="aws-changes"))["messages"]
        return next((m for m in messages if f" {name} " in m["text"]), None)

    thread = await _eventually(parent, 60)
    opened = await api.post("/sandbox/interact", {"user": "alice", "channel": thread["channel"],
                                                  "message_ts": thread["ts"], "action_id": Action.RESOURCE_ADOPT})
    started = time.monotonic()
    await api.post("/sandbox/views/submit", {
        "user": "alice", "view_id": opened["view"]["id"],
        "values": {Block.TF_NAME_INPUT: {Action.TF_NAME_SET: f"bench_{index:02d}"},
                   Block.MODULE_INPUT: {Action.MODULE_SELECT: "module.storage"}},
    })
    from bot.state import StateRepository

    repo = StateRepository(running.settings)

    async def verdict() -> str | None:
        for record in await repo.by_status("adopted") + await repo.by_status("adopt_failed"):
            if record.import_id == name:
                return record.status
        return None

    status = await _eventually(verdict, 600)
    return time.monotonic() - started, status


async def measure(adoptions: int) -> list[tuple[float, str]]:
    from app import start_tfsync
    from sandbox.app import Sandbox

    with tempfile.TemporaryDirectory(prefix="tfsync-adopt-bench-") as folder:
        settings = Settings.from_env({"TFSYNC_SANDBOX_PORT": "0",
                                      "TFSYNC_REPOSITORY_PATH": str(Path(folder) / "infrastructure")})
        async with Sandbox(settings, start=start_tfsync) as running, aiohttp.ClientSession() as session:
            api = _Api(running.url, session)
            return [await _adopt_one(api, running, i) for i in range(adoptions)]


def run(adoptions: int = 10) -> bool:
    from sandbox.app import QUIET_LOGGERS

    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    if find_plugin_dir() is None:
        print("adopt: not measured: no hashicorp/aws provider in a plugin directory here, so no plan can run")
        return True
    results = asyncio.run(measure(adoptions))
    seconds = sorted(s for s, _ in results)
    verdicts = [v for _, v in results]
    p50 = statistics.median(seconds)
    print(f"adopt submit -> gate verdict in the sandbox, {adoptions} adoptions (init + plan against moto):")
    print(f"  p50 {p50:.1f} s, max {seconds[-1]:.1f} s, min {seconds[0]:.1f} s "
          f"(goal p50 <= {GOAL_P50_SECONDS:.0f} s); verdicts: {verdicts.count('adopted')} adopted, "
          f"{verdicts.count('adopt_failed')} failed")
    return p50 <= GOAL_P50_SECONDS and verdicts.count("adopted") == adoptions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.adopt_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--adoptions", type=int, default=10)
    args = parser.parse_args(argv)
    return 0 if run(args.adoptions) else 1


if __name__ == "__main__":
    raise SystemExit(main())
