"""The runner interface: one adopt job in, phases and one result out, whichever runner the settings chose."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from bot.accounts import AccountTarget
from bot.runners.job import AdoptJob, JobReporter, JobResult


class Runner(Protocol):
    """Runs adopt jobs; implementations: LocalRunner (git on disk) and CodeBuildRunner (the adopter build)."""

    kind: str

    def layout(self, target: AccountTarget | None = None) -> AbstractContextManager[Path | None]:
        """A read-only checkout of the base branch the job in `target`'s account adopts into (its route's repository
        and root folder), for the code generator to place files by; or None."""
        ...

    async def run(self, job: AdoptJob, reporter: JobReporter) -> JobResult:
        """Run the job to its end, reporting each phase and then the result; never raises for a job failure."""
        ...
