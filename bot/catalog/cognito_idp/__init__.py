"""Amazon Cognito user pools."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog._describe import unwrap
from bot.catalog.base import CatalogEntry, ExtractError, Found, console, dig, first, q, region_of, tags_from_map, text
from bot.events import CloudTrailRecord


def _user_pool(record: CloudTrailRecord) -> list[Found]:
    response = unwrap(record.response, "CreateUserPoolResponse")
    pool = dig(response, "userPool") or dig(response, "UserPool") or {}
    # Cognito assigns the ID (<region>_<random>); only the response has it.
    pool_id = first(text(dig(pool, key)) for key in ("id", "Id"))
    if not pool_id:
        raise ExtractError("the record has no responseElements.userPool.id")
    request = unwrap(record.request, "CreateUserPoolRequest")
    name = first(text(body.get(key)) for body in (pool, request) for key in ("name", "Name", "poolName", "PoolName"))
    arn = first(text(dig(pool, key)) for key in ("arn", "Arn", "aRN"))
    if not arn:
        # arn:<partition>:cognito-idp:<region>:<account>:userpool/<id>
        arn = _arn.build(record, "cognito-idp", f"userpool/{pool_id}")
    # The pool ID starts with its own region.
    region = pool_id.split("_", 1)[0] if "_" in pool_id else region_of(record)
    tags = tags_from_map(request.get("userPoolTags") or request.get("UserPoolTags"))
    return [
        Found(
            import_id=pool_id,
            name=name or pool_id,
            arn=arn,
            console_url=_console_url(region, pool_id),
            tags=tags,
        )
    ]


def _console_url(region: str, pool_id: str) -> str:
    return console(region, f"cognito/v2/idp/user-pools/{q(pool_id)}/users?region={q(region)}")


ENTRIES = (
    CatalogEntry(
        tf_type="aws_cognito_user_pool",
        label="Cognito user pool",
        service="cognito-idp",
        event_source="cognito-idp.amazonaws.com",
        create_events=("CreateUserPool",),
        delete_events=("DeleteUserPool",),
        resolve=_user_pool,
        import_id_format="user pool ID: `terraform import aws_cognito_user_pool.pool us-west-2_abc123`",
        # Its users, their attributes and passwords are in no Terraform definition.
        loses_data=True,
    ),
)
