"""Amazon ECR: every private repository of the region's registry."""

from __future__ import annotations

from collections.abc import Iterator

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope, text
from bot.catalog.ecr import _repository_console


def _repositories(scope: ScanScope) -> Iterator[Listed]:
    # Every repository is listed, those ECR made itself included: a pull-through cache rule's repositories
    # (<prefix>/<upstream path>) would need DescribePullThroughCacheRules to tell apart, which moto does not serve.
    for repository in paged(scope.clients("ecr"), "describe_repositories", "repositories"):
        name = repository["repositoryName"]
        registry = text(repository.get("registryId")) or scope.account_id
        mutability = text(repository.get("imageTagMutability"))
        yield Listed(
            import_id=name,
            name=name,
            arn=text(repository.get("repositoryArn")) or scope.arn("ecr", f"repository/{name}"),
            console_url=_repository_console(scope.region, registry, name),
            facts=(("image tags", mutability.lower()),) if mutability else (),
        )


LISTERS = {
    "aws_ecr_repository": Lister(("ecr:DescribeRepositories",), _repositories),
}
