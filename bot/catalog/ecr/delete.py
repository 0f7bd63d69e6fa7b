"""Deleting ECR repositories: only an empty one unless the person confirmed emptying it."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRefused, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_ecr_repository(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ecr = aws("ecr")
    images = call(ecr.list_images, repositoryName=req.import_id, maxResults=1).get("imageIds", [])
    if images and not req.confirm_empty:
        raise DeleteRefused(f"repository {req.import_id} still holds images; confirm emptying it to delete them too")
    call(ecr.delete_repository, repositoryName=req.import_id, force=bool(images))
    return DeleteOutcome(f"Deleted repository {req.import_id}" + (" and its images." if images else "."))


EXECUTORS = {
    "aws_ecr_repository": delete_ecr_repository,
}
