"""A tfsync process for tests to kill -9 mid-job: `python -m tests.decision_worker --adopt ID --delete ID --build ID`.

It builds the decision services as the app does (`app.build_decisions`, settings from the environment, so the
leases are TFSYNC_LEASE_SECONDS long) and starts, through the one decision path, an adoption whose runner never
ends, a delete whose remover never ends, and an adoption by the CodeBuild runner the settings describe (its build
starts; no event for it ever comes, and TFSYNC_JOB_POLL_SECONDS keeps the runner from asking). Then it waits for
the kill, printing `started` once the three claims are made.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from app import build_decisions
from bot.config import Settings
from bot.decisions import AdoptChoice
from bot.deletion import DeleteOutcome
from bot.runners import AdoptJob, JobReporter, JobResult, make_runner
from bot.state import ResourceRecord, StateRepository, schema


class EndlessRunner:
    """An adopt runner whose job never ends (as a job does when its process dies before it does)."""

    kind = "local"

    @contextmanager
    def layout(self, target: object = None) -> Iterator[Path | None]:
        yield None

    async def run(self, job: AdoptJob, reporter: JobReporter) -> JobResult:
        await asyncio.Event().wait()
        raise AssertionError("an endless job ended")


class EndlessRemover:
    """A remover whose delete never returns."""

    def remove(self, record: ResourceRecord, *, confirmed_data_loss: bool) -> DeleteOutcome:
        threading.Event().wait()
        raise AssertionError("an endless delete ended")


async def start(settings: Settings, adopt: str, delete: str, build: str) -> None:
    schema.configure(settings)
    repo = StateRepository(settings)
    endless = build_decisions(settings, repo, runner=EndlessRunner(), remover=EndlessRemover())
    building = build_decisions(settings, repo, runner=make_runner(settings), remover=EndlessRemover())
    await endless.adopt(adopt, None, "slack:U-alice", AdoptChoice("logs"))
    await endless.delete(delete, None, "slack:U-bob", confirmed=True)
    await building.adopt(build, None, "slack:U-carol", AdoptChoice("queue"))
    print("started", flush=True)
    await asyncio.Event().wait()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.decision_worker")
    for name in ("adopt", "delete", "build"):
        parser.add_argument(f"--{name}", required=True, help="a resource id")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(start(Settings.from_env(), args.adopt, args.delete, args.build))


if __name__ == "__main__":
    main()
