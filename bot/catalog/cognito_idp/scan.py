"""Amazon Cognito: every user pool of the region."""

from __future__ import annotations

from collections.abc import Iterator

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope, text
from bot.catalog.cognito_idp import _console_url

# ListUserPools requires a page size; 60 is the most it takes.
_PAGE = 60


def _user_pools(scope: ScanScope) -> Iterator[Listed]:
    # AWS makes no user pool by itself. The listing carries neither tags nor what would say how a pool is used (its
    # user count is DescribeUserPool's, one call per pool), so a pool has no facts here.
    for pool in paged(scope.clients("cognito-idp"), "list_user_pools", "UserPools", MaxResults=_PAGE):
        pool_id = pool["Id"]
        yield Listed(
            import_id=pool_id,
            name=text(pool.get("Name")) or pool_id,
            arn=scope.arn("cognito-idp", f"userpool/{pool_id}"),
            console_url=_console_url(scope.region, pool_id),
        )


LISTERS = {
    "aws_cognito_user_pool": Lister(("cognito-idp:ListUserPools",), _user_pools),
}
