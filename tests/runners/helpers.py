"""Adoptions through the engine's one decision path, awaited to their end, for the runner tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.accounts import AccountAccess
from bot.config import Settings
from bot.decisions import AdoptChoice, AdoptOutcome, DecisionService
from bot.deletion import DeleteOutcome
from bot.runners import AdoptJob, JobPhase, JobReporter, JobResult, Runner
from bot.state import ResourceRecord, StateRepository

OWN_ACCOUNT = "123456789012"  # moto's


class FailingReporter:
    """A reporter whose every report fails, as one does while Slack refuses every call."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def phase(self, job: AdoptJob, phase: JobPhase) -> None:
        self.calls.append(phase.name)
        raise RuntimeError("Slack is down")

    async def result(self, job: AdoptJob, result: JobResult) -> None:
        self.calls.append(f"result {result.status}")
        raise RuntimeError("Slack is down")


class NoRemover:
    """Adoption tests delete nothing."""

    def remove(self, record: ResourceRecord, *, confirmed_data_loss: bool) -> DeleteOutcome:
        raise AssertionError(f"an adoption test tried to delete {record.resource_id}")


def decisions_for(repo: StateRepository, runner: Runner, reporter: JobReporter, *, mode: str = "pr",
                  aws: Callable[..., Any] | None = None, owner: str | None = None,
                  lease_seconds: float = 120) -> DecisionService:
    accounts = None
    if aws is not None:
        # Every resource of these tests is in moto's own account, tfsync's.
        endpoint = aws("sts").meta.endpoint_url
        accounts = AccountAccess(Settings(aws_endpoint_url=endpoint, account_id=OWN_ACCOUNT))
    return DecisionService(repo, runner, NoRemover(), reporter=reporter, mode=mode, accounts=accounts,
                           owner=owner, lease_seconds=lease_seconds)


async def adopt(decisions: DecisionService, resource_id: str, actor: str, *, tf_name: str | None = None,
                target_module: str | None = None) -> AdoptOutcome:
    """Claim (the conditional write) and run the job to its end, as the background work of a click does."""
    record = await decisions.repo.get(resource_id)
    assert record is not None, resource_id
    claimed = await decisions.claim_adopt(record, actor, AdoptChoice(tf_name, target_module))
    return await decisions.run_adopt(claimed, actor)
