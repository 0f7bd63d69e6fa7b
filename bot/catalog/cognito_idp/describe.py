"""Amazon Cognito user pools: the pool's settings as Cognito reports them (its users are data, never code)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, sorted_strings
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

_USERS_NOTE = "The pool's users, their attributes and passwords stay in Cognito: they are never copied into code."
_SNAKE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# API names the provider spells otherwise.
_RENAMES = {"From": "from_email_address"}


def _snake(name: str) -> str:
    return _RENAMES.get(name) or _SNAKE.sub("_", name).lower()


def _block(value: Any, *keep: str) -> dict[str, Any] | None:
    """An API structure as a block's arguments (PascalCase names in snake case), the listed fields only."""
    if not isinstance(value, Mapping):
        return None
    out = {_snake(k): v for k, v in value.items() if k in keep and v not in (None, "")}
    return out or None


def _pool_args(pool: Mapping[str, Any]) -> dict[str, Any]:
    policies = (pool.get("Policies") or {}).get("PasswordPolicy")
    admin = pool.get("AdminCreateUserConfig") or {}
    recovery = (pool.get("AccountRecoverySetting") or {}).get("RecoveryMechanisms") or []
    custom = [a for a in pool.get("SchemaAttributes") or () if str(a.get("Name", "")).startswith("custom:")]
    lambdas = pool.get("LambdaConfig") or {}
    return {
        "name": pool.get("Name"),
        "deletion_protection": "ACTIVE" if pool.get("DeletionProtection") == "ACTIVE" else None,
        "mfa_configuration": pool.get("MfaConfiguration") if pool.get("MfaConfiguration") not in (None, "OFF") else None,
        "auto_verified_attributes": sorted_strings(pool.get("AutoVerifiedAttributes")),
        "alias_attributes": sorted_strings(pool.get("AliasAttributes")),
        "username_attributes": sorted_strings(pool.get("UsernameAttributes")),
        "sms_authentication_message": pool.get("SmsAuthenticationMessage") or None,
        "password_policy": _block(policies, "MinimumLength", "RequireLowercase", "RequireNumbers", "RequireSymbols",
                                  "RequireUppercase", "TemporaryPasswordValidityDays", "PasswordHistorySize"),
        "admin_create_user_config": {
            "allow_admin_create_user_only": bool(admin.get("AllowAdminCreateUserOnly")),
            "invite_message_template": _block(admin.get("InviteMessageTemplate"), "EmailMessage", "EmailSubject",
                                              "SMSMessage"),
        } if admin else None,
        "verification_message_template": _block(
            pool.get("VerificationMessageTemplate"), "DefaultEmailOption", "EmailMessage", "EmailSubject",
            "SmsMessage", "EmailMessageByLink", "EmailSubjectByLink"),
        "email_configuration": _block(pool.get("EmailConfiguration"), "EmailSendingAccount", "SourceArn",
                                      "From", "ReplyToEmailAddress", "ConfigurationSet"),
        "recovery_mechanisms": [{"name": m.get("Name"), "priority": m.get("Priority")} for m in recovery],
        "username_configuration": _block(pool.get("UsernameConfiguration"), "CaseSensitive"),
        "lambda_config": {_snake(k): v for k, v in lambdas.items() if isinstance(v, str) and v} or None,
        "schema": [
            {
                "name": str(a["Name"]).removeprefix("custom:"),
                "attribute_data_type": a.get("AttributeDataType"),
                "mutable": bool(a.get("Mutable")),
                "developer_only_attribute": bool(a.get("DeveloperOnlyAttribute")),
                "required": bool(a.get("Required")),
                "string_attribute_constraints": _block(a.get("StringAttributeConstraints"), "MinLength", "MaxLength"),
                "number_attribute_constraints": _block(a.get("NumberAttributeConstraints"), "MinValue", "MaxValue"),
            }
            for a in custom
        ],
        "tags": clean_tags(pool.get("UserPoolTags")),
    }


def _describe_user_pool(clients: Clients, resource: Resource) -> Model:
    idp = clients("cognito-idp")
    pool = idp.describe_user_pool(UserPoolId=resource.import_id).get("UserPool")
    if not pool:
        raise NotFound(f"user pool {resource.import_id} does not exist")
    return Model(args=_pool_args(pool), notes=(_USERS_NOTE,))


def _api_shape(value: Any) -> Any:
    if isinstance(value, Mapping):
        special = {"sMSMessage": "SMSMessage", "poolName": "Name"}
        return {special.get(k, k[:1].upper() + k[1:]): _api_shape(v) for k, v in value.items() if k}
    if isinstance(value, list):
        return [_api_shape(v) for v in value]
    return value


def _user_pool_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _api_shape(record.request) if record is not None else {}
    pool = {**request, "Name": request.get("Name") or resource.name, "UserPoolTags": resource.tags,
            # The request lists custom attributes without the custom: prefix the pool gives them.
            "SchemaAttributes": [{**a, "Name": f"custom:{a.get('Name')}"} for a in request.get("Schema") or ()
                                 if isinstance(a, Mapping) and a.get("Name")]}
    return Model(args=_pool_args(pool), notes=(_USERS_NOTE,))


CODEGEN = (TypeCodegen("aws_cognito_user_pool", _describe_user_pool, _user_pool_from_event),)
