import json

import pytest

from bot.catalog import CATALOG, DELETE, DESCRIBE, ExtractError
from bot.catalog.template_input import Clients
from bot.classify import Classifier
from bot.deletion import DeleteRefused, DeleteRequest
from bot.events import CloudTrailRecord
from tests.conftest import DATA

CORPUS_IDS: dict[str, list[tuple[str, str]]] = {}
CONSOLE = DATA / "cloudtrail" / "cognito-idp__CreateUserPool__console.json"


def _raw():
    return json.loads(CONSOLE.read_text(encoding="utf-8"))


def resolve(raw):
    [found] = CATALOG["aws_cognito_user_pool"].resolve(CloudTrailRecord(raw, "t"))
    return found


def test_user_pool_from_a_console_record():
    result = Classifier().classify(CloudTrailRecord(_raw(), "t"))
    assert result.verdict == "detected", result.reason
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id, resource.name) == ("aws_cognito_user_pool",
                                                                     "eu-central-1_AbCdEf123", "customers")
    assert resource.arn == "arn:aws:cognito-idp:eu-central-1:123456789012:userpool/eu-central-1_AbCdEf123"
    assert resource.console_url == ("https://eu-central-1.console.aws.amazon.com/cognito/v2/idp/user-pools/"
                                    "eu-central-1_AbCdEf123/users?region=eu-central-1")
    assert resource.tags == {"team": "identity"}
    assert resource.loses_data is True


def test_arn_built_when_the_response_has_none_and_pascal_case_fields():
    raw = _raw()
    raw["requestParameters"] = {"PoolName": "staff"}
    raw["responseElements"] = {"UserPool": {"Id": "eu-central-1_Zz9"}}
    found = resolve(raw)
    assert (found.import_id, found.name) == ("eu-central-1_Zz9", "staff")
    assert found.arn == "arn:aws:cognito-idp:eu-central-1:123456789012:userpool/eu-central-1_Zz9"


def test_record_without_the_pool_id_is_an_extract_error():
    raw = _raw()
    raw["responseElements"] = None
    with pytest.raises(ExtractError, match=r"responseElements\.userPool\.id"):
        resolve(raw)


def test_the_event_alone_gives_the_form_and_custom_attributes():
    record = CloudTrailRecord(_raw(), "t")
    [resource] = Classifier().classify(record).resources
    args = DESCRIBE["aws_cognito_user_pool"].from_event(record, resource).args
    assert args["name"] == "customers"
    assert args["deletion_protection"] == "ACTIVE"
    assert args["password_policy"]["minimum_length"] == 12
    assert args["recovery_mechanisms"] == [{"name": "verified_email", "priority": 1}]
    [tenant] = args["schema"]
    assert (tenant["name"], tenant["string_attribute_constraints"]) == ("tenant", {"min_length": "1",
                                                                                   "max_length": "64"})


def test_a_pool_with_users_or_protection_is_not_deleted(aws_client):
    idp = aws_client("cognito-idp")
    clients = Clients(lambda service, region: aws_client(service, region), "us-east-1")
    with_users = idp.create_user_pool(PoolName="with-users")["UserPool"]["Id"]
    idp.admin_create_user(UserPoolId=with_users, Username="dana")
    protected = idp.create_user_pool(PoolName="protected", DeletionProtection="ACTIVE")["UserPool"]["Id"]
    with pytest.raises(DeleteRefused, match="still has users"):
        DELETE["aws_cognito_user_pool"](clients, DeleteRequest("aws_cognito_user_pool", with_users, "us-east-1"))
    with pytest.raises(DeleteRefused, match="deletion protection"):
        DELETE["aws_cognito_user_pool"](clients, DeleteRequest("aws_cognito_user_pool", protected, "us-east-1"))
    assert idp.describe_user_pool(UserPoolId=with_users)["UserPool"]["Name"] == "with-users"
    assert idp.describe_user_pool(UserPoolId=protected)["UserPool"]["Name"] == "protected"
