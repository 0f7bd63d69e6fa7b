"""Cognito user pools: made in moto as the console makes them, and whether one is gone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def make_user_pool(aws: Aws) -> Made:
    # The console sends the deletion protection choice (moto reports none for a pool made without).
    tags = {"team": "identity", "Name": "customers ${env}"}
    pool = aws("cognito-idp").create_user_pool(
        PoolName="customers", MfaConfiguration="OPTIONAL", DeletionProtection="INACTIVE",
        AutoVerifiedAttributes=["email"],
        UsernameAttributes=["email"], UserPoolTags=tags,
        Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireUppercase": True, "RequireLowercase": True,
                                     "RequireNumbers": True, "RequireSymbols": False,
                                     "TemporaryPasswordValidityDays": 3}},
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
        Schema=[{"Name": "tenant", "AttributeDataType": "String", "Mutable": True,
                 "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"}}],
    )["UserPool"]
    record = cloudtrail("cognito-idp.amazonaws.com", "CreateUserPool",
                        {"poolName": "customers", "mfaConfiguration": "OPTIONAL", "userPoolTags": tags,
                         "autoVerifiedAttributes": ["email"], "usernameAttributes": ["email"]},
                        {"userPool": {"id": pool["Id"], "name": "customers", "arn": pool["Arn"]}})
    expect = {"name": "customers", "mfa_configuration": "OPTIONAL", "auto_verified_attributes": ["email"],
              "username_attributes": ["email"], "tags": tags}
    return Made(record, pool["Id"], expect)


def _pool_gone(aws: Aws, pool_id: str) -> bool:
    try:
        aws("cognito-idp").describe_user_pool(UserPoolId=pool_id)
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "ResourceNotFoundException", exc.response
        return True
    return False


CASES = {"aws_cognito_user_pool": make_user_pool}
GONE = {"aws_cognito_user_pool": _pool_gone}
PROVIDER_ENDPOINTS = {"cognitoidp"}
