"""Amazon ECR Public repositories: the repository's name, gallery catalog data and tags (never its images)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, optional, pair_tags, sorted_strings
from bot.catalog.template_input import Clients, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _catalog(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, Mapping):
        return None
    block = {
        "description": data.get("description") or None,
        "about_text": data.get("aboutText") or None,
        "usage_text": data.get("usageText") or None,
        "architectures": sorted_strings(data.get("architectures")),
        "operating_systems": sorted_strings(data.get("operatingSystems")),
    }
    return block if any(block.values()) else None


def _repository_args(name: str, catalog: Any, tags: Mapping[str, str]) -> dict[str, Any]:
    return {"repository_name": name, "catalog_data": _catalog(catalog), "tags": clean_tags(tags)}


def _describe_repository(clients: Clients, resource: Resource) -> Model:
    ecr = clients("ecr-public")
    [repository] = ecr.describe_repositories(repositoryNames=[resource.import_id])["repositories"]
    catalog = optional(ecr.get_repository_catalog_data, "RepositoryCatalogDataNotFoundException",
                       repositoryName=resource.import_id)
    tags = ecr.list_tags_for_resource(resourceArn=repository["repositoryArn"]).get("tags")
    return Model(args=_repository_args(resource.import_id, (catalog or {}).get("catalogData"),
                                       pair_tags(tags)))


def _repository_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    return Model(args=_repository_args(resource.import_id, request.get("catalogData"), resource.tags))


CODEGEN = (TypeCodegen("aws_ecrpublic_repository", _describe_repository, _repository_from_event),)
