"""Making a Cognito user pool, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext


def create_user_pool(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    pool_name = name.strip()[:128] or "sandbox-users"
    pool = ctx.client("cognito-idp").create_user_pool(
        PoolName=pool_name, AutoVerifiedAttributes=["email"], UsernameAttributes=["email"], UserPoolTags=tags,
        DeletionProtection="INACTIVE",
    )["UserPool"]
    # The console sends the deletion protection choice with the rest of the form.
    return Call({"poolName": pool_name, "autoVerifiedAttributes": ["email"], "usernameAttributes": ["email"],
                 "userPoolTags": dict(tags), "deletionProtection": "INACTIVE"},
                {"userPool": {"id": pool["Id"], "name": pool_name, "arn": pool.get("Arn", "")}})


CREATORS = {
    "aws_cognito_user_pool": create_user_pool,
}
