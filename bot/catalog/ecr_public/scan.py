"""Amazon ECR Public: the account's public repositories, listed in us-east-1, the only region ECR Public serves."""

from __future__ import annotations

from collections.abc import Iterator

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope
from bot.catalog.ecr_public import _repository_console

# ECR Public has one endpoint, in us-east-1: elsewhere there is nothing to list (and no endpoint to ask).
_HOME = "us-east-1"


def _repositories(scope: ScanScope) -> Iterator[Listed]:
    if scope.region != _HOME:
        return
    for repository in paged(scope.clients("ecr-public"), "describe_repositories", "repositories"):
        name = repository["repositoryName"]
        registry = repository.get("registryId") or scope.account_id
        uri = repository.get("repositoryUri")
        yield Listed(
            import_id=name,
            name=name,
            # ECR Public's ARNs carry no region.
            arn=repository.get("repositoryArn")
            or f"arn:{scope.partition}:ecr-public::{registry}:repository/{name}",
            console_url=_repository_console(scope.region, registry, name),
            facts=(("URI", uri),) if uri else (),
        )


LISTERS = {
    "aws_ecrpublic_repository": Lister(("ecr-public:DescribeRepositories",), _repositories),
}
