"""Amazon Elastic Container Registry."""

from __future__ import annotations

from urllib.parse import quote

from bot.catalog import _arn
from bot.catalog.base import (
    CatalogEntry,
    Found,
    console,
    dig,
    first,
    need,
    q,
    region_of,
    state_attribute,
    tags_from_pairs,
    text,
)
from bot.events import CloudTrailRecord


def _repository_console(region: str, registry: str, name: str) -> str:
    # Namespaced names (team/app) keep their slashes in the console path.
    if not registry:
        return console(region, f"ecr/private-registry/repositories?region={q(region)}")
    return console(region, f"ecr/repositories/private/{q(registry)}/{quote(name, safe='/')}?region={q(region)}")


def _repository(record: CloudTrailRecord) -> list[Found]:
    name = need(
        first((text(record.request.get("repositoryName")), text(dig(record.response, "repository", "repositoryName")))),
        "requestParameters.repositoryName",
    )
    region = region_of(record)
    registry = first(
        (
            text(dig(record.response, "repository", "registryId")),
            text(record.request.get("registryId")),
            record.account_id,
        )
    )
    arn = text(dig(record.response, "repository", "repositoryArn"))
    if not arn and registry:
        arn = _arn.build(record, "ecr", f"repository/{name}", registry)
    console_url = _repository_console(region, registry, name)
    return [
        Found(
            import_id=name,
            name=name,
            arn=arn,
            console_url=console_url,
            tags=tags_from_pairs(record.request.get("tags")),
        )
    ]



ENTRIES = (
    CatalogEntry(
        tf_type="aws_ecr_repository",
        label="ECR repository",
        service="ecr",
        event_source="ecr.amazonaws.com",
        create_events=("CreateRepository",),
        delete_events=("DeleteRepository",),
        resolve=_repository,
        import_id_format="repository name: `terraform import aws_ecr_repository.service test-service`",
        # Deleting a repository (with force) deletes every image in it.
        loses_data=True,
        state_import_id=state_attribute("name", "id"),
    ),
)
