"""A resource a person created, as tfsync identifies it: the type and import ID, and what people see of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource a person created, identified the way `terraform import` will find it."""

    tf_type: str
    import_id: str
    name: str
    arn: str
    region: str
    account_id: str
    actor: str
    console_url: str
    suggested_name: str
    loses_data: bool
    tags: dict[str, str] = field(default_factory=dict)
    # When the creation record lacks the import ID (import_id ""): the describe call that finds it, and, once that
    # call has failed, what went wrong, in words for the thread.
    resolve: str = ""
    unresolved: str = ""

    @property
    def identity(self) -> str:
        """What tells this resource apart from others of its type, account and region: the import ID, or while it is
        unknown, the name the record gives (as unique as the name is for the type)."""
        return self.import_id or f"unresolved:{self.name}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "tf_type": self.tf_type,
            "import_id": self.import_id or None,
            "resolve": self.resolve or None,
            "name": self.name,
            "arn": self.arn,
            "region": self.region,
            "account_id": self.account_id,
            "actor": self.actor,
            "console_url": self.console_url,
            "suggested_name": self.suggested_name,
            "loses_data": self.loses_data,
            "tags": self.tags,
        }
