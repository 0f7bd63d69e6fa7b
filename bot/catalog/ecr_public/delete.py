"""Deleting ECR Public repositories: only an empty one unless the person confirmed deleting its images too."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRefused, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_repository(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ecr = aws("ecr-public")
    images = call(ecr.describe_images, repositoryName=req.import_id).get("imageDetails") or []
    if images and not req.confirm_empty:
        raise DeleteRefused(f"public repository {req.import_id} still holds {len(images)} image(s); confirm "
                            "emptying it to delete them too")
    call(ecr.delete_repository, repositoryName=req.import_id, force=bool(images))
    return DeleteOutcome(f"Deleted public repository {req.import_id}"
                         + (f" and its {len(images)} image(s)." if images else "."))


EXECUTORS = {
    "aws_ecrpublic_repository": delete_repository,
}
