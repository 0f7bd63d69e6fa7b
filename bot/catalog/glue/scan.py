"""AWS Glue: every job of the region, with its kind, Glue version and workers (or capacity)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope, text
from bot.catalog.glue import _console_url


def _jobs(scope: ScanScope) -> Iterator[Listed]:
    # GetJobs answers each job's whole definition (ListJobs only names); AWS makes no job by itself.
    for job in paged(scope.clients("glue"), "get_jobs", "Jobs"):
        name = job["Name"]
        yield Listed(
            import_id=name,
            name=name,
            arn=scope.arn("glue", f"job/{name}"),
            console_url=_console_url(scope.region, name),
            facts=_facts(job),
        )


def _facts(job: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    facts = []
    kind = text((job.get("Command") or {}).get("Name"))  # glueetl, gluestreaming, pythonshell, glueray
    if kind:
        facts.append(("job type", kind))
    version = text(job.get("GlueVersion"))
    if version:
        facts.append(("Glue version", version))
    worker_type, workers = text(job.get("WorkerType")), job.get("NumberOfWorkers")
    capacity = job.get("MaxCapacity")
    if worker_type and isinstance(workers, int):
        facts.append(("workers", f"{workers} x {worker_type}"))
    elif isinstance(capacity, int | float) and capacity:
        # A Python shell job, or one sized in DPUs before worker types.
        facts.append(("capacity", f"{capacity:g} DPU"))
    return tuple(facts)


LISTERS = {
    "aws_glue_job": Lister(("glue:GetJobs",), _jobs),
}
