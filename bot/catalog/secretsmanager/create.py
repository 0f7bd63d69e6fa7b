"""Making a Secrets Manager secret, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

import re
import secrets

from bot.catalog._create import Call, CreateContext, ct_tags, pairs


def create_secret(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    secret_name = re.sub(r"[^A-Za-z0-9/_+=.@-]+", "-", name.strip()) or "sandbox-secret"
    made = ctx.client("secretsmanager").create_secret(Name=secret_name, SecretString=secrets.token_urlsafe(24),
                                                      Tags=pairs(tags))
    return Call({"name": secret_name, "tags": ct_tags(tags)}, {"arn": made["ARN"], "name": secret_name})


CREATORS = {
    "aws_secretsmanager_secret": create_secret,
}
