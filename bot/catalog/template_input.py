"""What the per-type readers hand the templates: a resource's Terraform arguments, and where they came from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.events import CloudTrailRecord
from bot.resource import Resource


class NotFound(Exception):
    """A describe call answered, but without the resource (deleted, or not visible to these credentials)."""


@dataclass(frozen=True, slots=True)
class Companion:
    """A resource the current AWS provider models separately (e.g. a bucket's versioning), imported alongside."""

    tf_type: str
    import_id: str
    # Appended to the resource's label where one resource has several companions of a type (security group rules).
    suffix: str = ""

    def label(self, base: str) -> str:
        return f"{base}_{self.suffix}" if self.suffix else base


@dataclass(frozen=True, slots=True)
class Model:
    """A template's input: Terraform arguments by name (nested blocks as dicts or lists of dicts)."""

    args: dict[str, Any]
    companions: tuple[Companion, ...] = ()
    # Lines the template prints as comments above the resource, e.g. why a value could not be read.
    notes: tuple[str, ...] = ()


class Clients:
    """boto3 clients for one region of one account, made on first use; tests and the sandbox point them at moto via
    Settings. The factory decides the account: bot/accounts.py hands out one per resource's account."""

    def __init__(self, factory: Callable[[str, str], Any], region: str) -> None:
        self._factory = factory
        self.region = region
        self._clients: dict[str, Any] = {}

    def __call__(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._factory(service, self.region)
        return self._clients[service]


Describe = Callable[[Clients, Resource], Model]
FromEvent = Callable[[CloudTrailRecord | None, Resource], Model]


@dataclass(frozen=True, slots=True)
class TypeCodegen:
    """How to read one Terraform type's arguments: live through boto3, or from its creation event."""

    tf_type: str
    describe: Describe
    from_event: FromEvent
    companion_types: tuple[str, ...] = field(default=())

