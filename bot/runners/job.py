"""An adopt job and what comes back from it: phases as they happen, then one result."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import hcl2

from bot.codegen import GeneratedFile

logger = logging.getLogger(__name__)

ResultStatus = Literal["succeeded", "failed"]
# The adopt script prints exactly one line starting with this marker; everything after it is a JSON object.
RESULT_MARKER = "TFSYNC_RESULT "
_PLAN_KEYS = ("import", "add", "change", "destroy")
_BRANCH_SAFE = re.compile(r"[^A-Za-z0-9._/-]+")


class JobError(Exception):
    """An adopt job could not be set up or its result could not be read."""


@dataclass(frozen=True, slots=True)
class AdoptJob:
    """Everything a runner needs to adopt one resource; the files are the code generator's output."""

    job_id: str
    resource_id: str
    tf_type: str
    import_id: str
    address: str
    target_module: str  # "" for the root module
    mode: str  # pr | apply
    files: tuple[GeneratedFile, ...]
    imports: tuple[tuple[str, str], ...]  # (address, import ID) the plan must import, and nothing else
    # (address, Terraform-only arguments) whose in-place update on import the gate accepts (the catalog's list)
    argument_only: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # A bulk adoption's records (bot/decisions.py); () for one resource's job, whose record is resource_id.
    resources: tuple[str, ...] = ()

    @property
    def branch(self) -> str:
        """One branch per resource, so a retry lands on the same branch (and the same pull request)."""
        return f"tfsync/adopt-{_BRANCH_SAFE.sub('-', self.resource_id)}"

    @property
    def commit_message(self) -> str:
        return f"tfsync: adopt {self.address}\n\nImport ID: {self.import_id}\nResource: {self.resource_id}\n"

    def manifest(self) -> dict[str, Any]:
        """The job's description the adopt script reads next to the files (never passed through the environment)."""
        return {
            "job_id": self.job_id,
            "resource_id": self.resource_id,
            "tf_type": self.tf_type,
            "import_id": self.import_id,
            "address": self.address,
            "target_module": self.target_module,
            "mode": self.mode,
            "branch": self.branch,
            "files": [f.path for f in self.files],
            "imports": [{"address": a, "id": i} for a, i in self.imports],
            "argument_only": {address: list(names) for address, names in self.argument_only},
            "resources": list(self.resources or (self.resource_id,)),
        }


def imports_of(files: Iterable[GeneratedFile]) -> tuple[tuple[str, str], ...]:
    """Every (address, import ID) the files' import blocks declare, in file order."""
    found: list[tuple[str, str]] = []
    for generated in files:
        if "import" not in generated.content:
            continue
        document = hcl2.loads(generated.content)
        for block in document.get("import", []):
            address = str(block["to"]).removeprefix("${").removesuffix("}")
            found.append((address, _hcl_string(block["id"])))
    return tuple(found)


def _hcl_string(value: Any) -> str:
    """python-hcl2 keeps a string's quotes and escapes; undo them and Terraform's template escapes."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return json.loads(value).replace("$${", "${").replace("%%{", "%{")
    return str(value)


@dataclass(frozen=True, slots=True)
class PlanCounts:
    """The plan summary the clean-plan gate decides on."""

    imports: int = 0
    add: int = 0
    change: int = 0
    destroy: int = 0

    @property
    def clean(self) -> bool:
        return self.add == self.change == self.destroy == 0

    def describe(self) -> str:
        return f"{self.imports} to import, {self.add} to add, {self.change} to change, {self.destroy} to destroy"

    @classmethod
    def from_mapping(cls, value: Mapping[str, Any] | None) -> PlanCounts | None:
        if not isinstance(value, Mapping):
            return None
        numbers: dict[str, int] = {}
        for key in _PLAN_KEYS:
            n = value.get(key)
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                return None
            numbers[key] = n
        return cls(numbers["import"], numbers["add"], numbers["change"], numbers["destroy"])


@dataclass(frozen=True, slots=True)
class PlanChange:
    """One resource the plan would change: its address, Terraform's actions, the attributes that differ, and the
    attributes that force a replacement."""

    address: str
    actions: tuple[str, ...]
    attributes: tuple[str, ...] = ()
    replace: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, value: Any) -> PlanChange | None:
        if not isinstance(value, Mapping) or not isinstance(value.get("address"), str):
            return None

        def words(key: str) -> tuple[str, ...]:
            items = value.get(key)
            return tuple(str(i) for i in items) if isinstance(items, list) else ()

        return cls(value["address"], words("actions"), words("attributes"), words("replace"))

    def describe(self) -> str:
        """In plain words: `module.x.aws_kms_key.k would be replaced: key_usage forces it`."""
        actions = set(self.actions)
        what = ("replaced" if {"create", "delete"} <= actions else "created" if "create" in actions
                else "destroyed" if "delete" in actions else "changed")
        text = f"{self.address} would be {what}"
        changed = [a for a in self.attributes if a not in self.replace]
        if self.replace:
            text += f": {', '.join(self.replace)} {'forces' if len(self.replace) == 1 else 'force'} it"
        if changed and what != "created":
            text += f"{';' if self.replace else ':'} {', '.join(changed)} would change"
        return text


@dataclass(frozen=True, slots=True)
class JobResult:
    """How a job ended: status, the commit or pull request, the plan, the reason it failed, where its log is."""

    status: ResultStatus
    commit: str | None = None
    pr_url: str | None = None
    plan: PlanCounts | None = None
    error: str | None = None
    log_location: str | None = None
    skipped_checks: tuple[str, ...] = ()
    build_status: str | None = None  # CodeBuild's own word for it, where a build ran
    # True only when a real plan ran and the clean-plan gate passed (and, in apply mode, the apply did).
    verified: bool = False
    changes: tuple[PlanChange, ...] = ()  # what kept a plan from being clean
    # Terraform-only settings the gate accepted as the only update of an imported resource ("" when none)
    accepted: str = ""
    step: str | None = None  # the adopt script's step it ended in ("gate": the clean-plan gate refused the plan)

    def plan_summary(self) -> str:
        """The plan's counts, and what the gate accepted as Terraform-only, for the thread."""
        if self.plan is None:
            return ""
        text = self.plan.describe()
        return f"{text}; Terraform-only settings only, nothing in AWS: {self.accepted}" if self.accepted else text

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"

    @property
    def link(self) -> str | None:
        return self.pr_url or self.commit

    @property
    def gate_refused(self) -> bool:
        """Whether the clean-plan gate refused the plan (not exactly the expected imports, or not clean)."""
        return self.status == "failed" and self.step == "gate"


@dataclass(frozen=True, slots=True)
class JobPhase:
    """A step of a job: its name (clone, plan, BUILD, ...), its status, and a short note."""

    name: str
    status: str = "started"
    detail: str = ""


class JobReporter(Protocol):
    """Where a runner reports a job's progress; the Slack layer implements it, the runner never knows Slack."""

    async def phase(self, job: AdoptJob, phase: JobPhase) -> None: ...

    async def result(self, job: AdoptJob, result: JobResult) -> None: ...


class LoggingReporter:
    """Reports a job's progress as log lines; for surfaces that show nothing."""

    async def phase(self, job: AdoptJob, phase: JobPhase) -> None:
        logger.info("job %s: %s %s %s", job.job_id, phase.name, phase.status, phase.detail)

    async def result(self, job: AdoptJob, result: JobResult) -> None:
        logger.info("job %s ended: %s %s", job.job_id, result.status, result.error or result.link or "")


class SafeReporter:
    """A JobReporter that never raises: a report that fails (Slack down, a message refused) is logged and the job
    goes on, so how a job ends never depends on whether its progress could be shown. Runners and the decision
    service wrap whatever reporter they are given in one."""

    def __init__(self, inner: JobReporter) -> None:
        self.inner = inner

    @classmethod
    def wrap(cls, reporter: JobReporter) -> SafeReporter:
        return reporter if isinstance(reporter, SafeReporter) else cls(reporter)

    async def phase(self, job: AdoptJob, phase: JobPhase) -> None:
        try:
            await self.inner.phase(job, phase)
        except Exception:
            logger.exception("job %s: could not report the phase %s %s", job.job_id, phase.name, phase.status)

    async def result(self, job: AdoptJob, result: JobResult) -> None:
        try:
            await self.inner.result(job, result)
        except Exception:
            logger.exception("job %s: could not report its result (%s)", job.job_id, result.status)


@dataclass(slots=True)
class RecordingReporter:
    """Keeps every report in order; for the CLI, the sandbox's logs and tests."""

    phases: list[tuple[str, JobPhase]] = field(default_factory=list)
    results: list[tuple[str, JobResult]] = field(default_factory=list)

    async def phase(self, job: AdoptJob, phase: JobPhase) -> None:
        self.phases.append((job.job_id, phase))

    async def result(self, job: AdoptJob, result: JobResult) -> None:
        self.results.append((job.job_id, result))


def parse_result_line(text: str) -> dict[str, Any] | None:
    """The adopt script's result object from its output (the last result line wins), or None if it printed none."""
    found: dict[str, Any] | None = None
    for line in text.splitlines():
        start = line.find(RESULT_MARKER)
        if start < 0:
            continue
        try:
            value = json.loads(line[start + len(RESULT_MARKER) :])
        except ValueError:
            continue
        if isinstance(value, dict) and value.get("status") in ("succeeded", "failed"):
            found = value
    return found


def result_from_line(value: Mapping[str, Any], log_location: str | None = None) -> JobResult:
    """A JobResult from the script's result object."""

    def text(key: str) -> str | None:
        item = value.get(key)
        return item if isinstance(item, str) and item else None

    status: ResultStatus = "succeeded" if value.get("status") == "succeeded" else "failed"
    error = text("error")
    if status == "failed" and not error:
        error = "the adopt job failed without saying why"
    listed = value.get("changes")
    changes: list[Any] = listed if isinstance(listed, list) else []
    return JobResult(
        status=status,
        commit=text("commit"),
        pr_url=text("pr"),
        plan=PlanCounts.from_mapping(value.get("plan")),
        error=error,
        log_location=log_location,
        verified=value.get("verified") is True and status == "succeeded",
        accepted=text("accepted") or "",
        changes=tuple(c for c in map(PlanChange.from_mapping, changes) if c is not None),
        step=text("step"),
    )
