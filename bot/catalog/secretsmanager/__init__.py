"""AWS Secrets Manager."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog.base import CatalogEntry, ExtractError, Found, console, dig, first, q, region_of, tags_from_pairs, text
from bot.events import CloudTrailRecord


def _secret(record: CloudTrailRecord) -> list[Found]:
    # The ARN ends in a random suffix Secrets Manager adds, so only the response knows it; producers spell the
    # field arn, aRN or ARN.
    arn = first(text(dig(record.response, key)) for key in ("arn", "aRN", "ARN"))
    if not arn:
        raise ExtractError("the record has no responseElements.arn")
    name = first((text(record.request.get("name")), text(record.response.get("name"))))
    if not name:
        # arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>
        name = arn.split(":secret:", 1)[-1].rsplit("-", 1)[0]
    region = region_of(record)
    return [
        Found(
            import_id=arn,
            name=name,
            arn=arn,
            console_url=(
                console(region, f"secretsmanager/secret?name={q(name)}&region={q(region)}")
            ),
            tags=tags_from_pairs(record.request.get("tags")),
        )
    ]


def _state_id(attributes: Mapping[str, Any]) -> str | None:
    # The provider's id is the secret ARN, the same value import takes.
    value = attributes.get("arn") or attributes.get("id")
    return value if isinstance(value, str) and value else None


ENTRIES = (
    CatalogEntry(
        tf_type="aws_secretsmanager_secret",
        label="Secrets Manager secret",
        service="secretsmanager",
        event_source="secretsmanager.amazonaws.com",
        create_events=("CreateSecret",),
        delete_events=("DeleteSecret",),
        resolve=_secret,
        import_id_format=(
            "secret ARN: `terraform import aws_secretsmanager_secret.example "
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:example-123456`"
        ),
        # The secret's value is not in any Terraform definition that would import it.
        loses_data=True,
        state_import_id=_state_id,
        # How a destroy deletes, and whether a replica may overwrite: Terraform's own, not kept by AWS.
        argument_only_updates=("recovery_window_in_days", "force_overwrite_replica_secret"),
    ),
)
