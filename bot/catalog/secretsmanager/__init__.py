"""AWS Secrets Manager."""

from __future__ import annotations

from bot.catalog.base import (
    CatalogEntry,
    ExtractError,
    Found,
    Located,
    Lookup,
    console,
    dig,
    first,
    q,
    region_of,
    state_attribute,
    tags_from_pairs,
    text,
)
from bot.catalog.template_input import Clients, NotFound
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _secret_console(region: str, name: str) -> str:
    return console(region, f"secretsmanager/secret?name={q(name)}&region={q(region)}")


def _secret(record: CloudTrailRecord) -> list[Found]:
    # The ARN ends in a random suffix Secrets Manager adds, so only the response knows it; producers spell the
    # field arn, aRN or ARN. Some records have no response at all (responseElements null): the name in the request
    # is then all there is, and DescribeSecret finds the ARN (_locate).
    arn = first(text(dig(record.response, key)) for key in ("arn", "aRN", "ARN"))
    name = first(text(dig(body, key)) for body in (record.request, record.response) for key in ("name", "Name"))
    if not arn and not name:
        raise ExtractError("the record has neither responseElements.arn nor requestParameters.name")
    if not name:
        # arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>
        name = arn.split(":secret:", 1)[-1].rsplit("-", 1)[0]
    region = region_of(record)
    return [
        Found(
            import_id=arn,
            name=name,
            arn=arn,
            console_url=_secret_console(region, name),
            tags=tags_from_pairs(record.request.get("tags")),
        )
    ]


def _locate(clients: Clients, resource: Resource) -> Located:
    secret = clients("secretsmanager").describe_secret(SecretId=resource.name)
    if secret.get("DeletedDate"):
        raise NotFound(f"secret {resource.name} is scheduled for deletion")
    return Located(import_id=secret["ARN"], arn=secret["ARN"])



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
        # The provider's id is the secret ARN, the same value import takes.
        state_import_id=state_attribute("arn", "id"),
        lookup=Lookup("secretsmanager:DescribeSecret", _locate),
        # How a destroy deletes, and whether a replica may overwrite: Terraform's own, not kept by AWS.
        argument_only_updates=("recovery_window_in_days", "force_overwrite_replica_secret"),
    ),
)
