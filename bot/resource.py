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

    def as_dict(self) -> dict[str, Any]:
        return {
            "tf_type": self.tf_type,
            "import_id": self.import_id,
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
