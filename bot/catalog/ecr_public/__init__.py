"""Amazon ECR Public repositories (the public gallery's registry, served from us-east-1 only)."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, dig, first, need, q, region_of, tags_from_pairs, text
from bot.events import CloudTrailRecord


def _repository_console(region: str, registry: str, name: str) -> str:
    return console(region, f"ecr/repositories/public/{q(registry)}/{q(name)}?region={q(region)}")


def _repository(record: CloudTrailRecord) -> list[Found]:
    repository = dig(record.response, "repository") or dig(record.response, "Repository") or {}
    name = need(first(text(body.get(key)) for body in (record.request, repository)
                      for key in ("repositoryName", "RepositoryName")), "requestParameters.repositoryName")
    registry = first((text(dig(repository, "registryId")), record.account_id))
    arn = first(text(dig(repository, key)) for key in ("repositoryArn", "RepositoryArn"))
    if not arn and registry:
        # ECR Public's ARNs carry no region: arn:<partition>:ecr-public::<registry>:repository/<name>
        arn = _arn.global_arn(record, "ecr-public", f"repository/{name}", registry)
    region = region_of(record)
    return [
        Found(
            import_id=name,
            name=name,
            arn=arn,
            console_url=_repository_console(region, registry, name),
            tags=tags_from_pairs(record.request.get("tags") or record.request.get("Tags")),
        )
    ]


ENTRIES = (
    CatalogEntry(
        tf_type="aws_ecrpublic_repository",
        label="ECR Public repository",
        service="ecr-public",
        event_source="ecr-public.amazonaws.com",
        create_events=("CreateRepository",),
        delete_events=("DeleteRepository",),
        resolve=_repository,
        import_id_format="repository name: `terraform import aws_ecrpublic_repository.example example`",
        # Its images are in no Terraform definition.
        loses_data=True,
    ),
)
