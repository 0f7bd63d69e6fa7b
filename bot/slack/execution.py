"""What the Slack layer hands on once a person decided: the adopt and delete executors it calls, as interfaces.

The Slack layer makes the conditional transition (detected -> adopting or deleting) itself, so exactly one click
wins; the executor gets the record already in `adopting` or `deleting`, does the work, and moves the record to its
end status. When `launch` or `delete` returns with the record moved on, the Slack layer posts the update in the
thread; an executor that finishes later (a build followed by events) reports through `ThreadUpdates`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.state.records import ResourceRecord
from renderers.slack.models import StepView


@dataclass(frozen=True, slots=True)
class AdoptRequest:
    """What the person chose in the Adopt form."""

    resource_id: str
    user_id: str
    tf_name: str
    target_module: str | None  # None: the root module
    tf_file: str
    retry: bool = False


@dataclass(frozen=True, slots=True)
class DeleteRequest:
    """A confirmed delete; `confirmed_data_loss` when the person typed the name of a resource that holds data."""

    resource_id: str
    user_id: str
    confirmed_data_loss: bool
    retry: bool = False


class AdoptLauncher(Protocol):
    async def launch(self, record: ResourceRecord, request: AdoptRequest) -> None:
        """Adopt the resource of a record in `adopting`, ending it in `adopted` or `adopt_failed`."""
        ...


class Deleter(Protocol):
    async def delete(self, record: ResourceRecord, request: DeleteRequest) -> None:
        """Delete the resource of a record in `deleting`, ending it in `deleted` or `delete_failed`."""
        ...


class ThreadUpdates(Protocol):
    """The thread of a resource, for executors: progress replies, and the parent kept current."""

    async def progress(self, record: ResourceRecord, phase: str, detail: str = "", job_url: str | None = None) -> None:
        ...

    async def status_changed(self, record: ResourceRecord, *, step: StepView | None = None) -> None:
        ...
