"""Amazon ECR repositories."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _repository_args(repo: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    encryption = repo.get("encryptionConfiguration") or {}
    kms = encryption.get("encryptionType") == "KMS"
    return {
        "name": repo.get("repositoryName"),
        "image_tag_mutability": m if (m := repo.get("imageTagMutability")) not in (None, "MUTABLE") else None,
        "scan_on_push": True if dig(repo, "imageScanningConfiguration", "scanOnPush") else None,
        "encryption": {"encryption_type": "KMS", "kms_key": encryption.get("kmsKey")} if kms else None,
        "tags": clean_tags(tags),
    }


def _describe_repository(clients: Clients, resource: Resource) -> Model:
    ecr = clients("ecr")
    found = ecr.describe_repositories(repositoryNames=[resource.import_id])["repositories"]
    if not found:
        raise NotFound(f"repository {resource.import_id}")
    tags = pair_tags(ecr.list_tags_for_resource(resourceArn=found[0]["repositoryArn"]).get("tags"))
    return Model(args=_repository_args(found[0], tags))


def _repository_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    response = dig(record.response, "repository") if record is not None else None
    repo = {**request, **(response or {})}
    repo["repositoryName"] = resource.import_id
    return Model(args=_repository_args(repo, resource.tags))


CODEGEN = (TypeCodegen("aws_ecr_repository", _describe_repository, _repository_from_event),)
