"""AWS Secrets Manager: a region's secrets, less those another service made and manages (OwningService), replicas
of another region's secret, and secrets scheduled for deletion."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope, tags_from_pairs
from bot.catalog.secretsmanager import _secret_console


def _secrets(scope: ScanScope) -> Iterator[Listed]:
    # ListSecrets leaves secrets scheduled for deletion out unless IncludePlannedDeletion asks for them.
    for secret in paged(scope.clients("secretsmanager"), "list_secrets", "SecretList"):
        if secret.get("DeletedDate"):
            continue  # scheduled for deletion: gone when its recovery window ends
        if secret.get("OwningService"):
            # Made and managed by another service (RDS's master user password, Redshift's, AppFlow's...),
            # which deletes it with what it belongs to.
            continue
        primary = secret.get("PrimaryRegion")
        if primary and primary != scope.region:
            # A replica: Terraform manages it as a `replica` block of its primary's secret, listed there.
            continue
        arn = secret["ARN"]
        yield Listed(
            import_id=arn,
            name=secret["Name"],
            arn=arn,
            console_url=_secret_console(scope.region, secret["Name"]),
            tags=tags_from_pairs(secret.get("Tags")),
            facts=_facts(secret),
        )


def _facts(secret: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    facts = [("rotation", "on" if secret.get("RotationEnabled") else "off")]
    accessed = secret.get("LastAccessedDate")
    facts.append(("last accessed", accessed.date().isoformat() if isinstance(accessed, datetime) else "never"))
    return tuple(facts)


LISTERS = {
    "aws_secretsmanager_secret": Lister(("secretsmanager:ListSecrets",), _secrets),
}
