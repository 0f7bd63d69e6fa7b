import json

import pytest

from bot.catalog import BY_EVENT, CATALOG, ExtractError
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from tests.conftest import DATA, corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "dynamodb__CreateTable__1.json": [("aws_dynamodb_table", "ct-watcher-test")],
}


def public(name: str) -> dict:
    return json.loads((DATA / "cloudtrail" / "public" / name).read_text(encoding="utf-8"))


def resolve(raw: dict):
    return CATALOG["aws_dynamodb_table"].resolve(CloudTrailRecord(raw, "t"))


def test_table_arn_console_url_and_tags():
    [found] = resolve(corpus_record("dynamodb__CreateTable__1.json"))
    assert found.arn == "arn:aws:dynamodb:ap-northeast-2:000000000000:table/ct-watcher-test"
    assert found.console_url == (
        "https://ap-northeast-2.console.aws.amazon.com/dynamodbv2/home?region=ap-northeast-2#table?name=ct-watcher-test"
    )
    assert found.tags == {"Name": "test"}
    assert CATALOG["aws_dynamodb_table"].loses_data is True


def test_arn_is_built_when_the_response_is_missing():
    raw = corpus_record("dynamodb__CreateTable__1.json")
    raw["responseElements"] = None
    [found] = resolve(raw)
    assert found.import_id == "ct-watcher-test"
    assert found.arn == "arn:aws:dynamodb:ap-northeast-2:000000000000:table/ct-watcher-test"


def test_restore_names_the_target_table():
    raw = corpus_record("dynamodb__CreateTable__1.json")
    raw["eventName"] = "RestoreTableFromBackup"
    raw["requestParameters"] = {"targetTableName": "orders-restored", "backupArn": "arn:aws:dynamodb:x:backup/1"}
    raw["responseElements"] = None
    [found] = resolve(raw)
    assert found.import_id == "orders-restored"
    del raw["requestParameters"]["targetTableName"]
    with pytest.raises(ExtractError, match=r"requestParameters\.targetTableName"):
        resolve(raw)


def test_missing_table_name_names_the_field():
    raw = corpus_record("dynamodb__CreateTable__1.json")
    raw["responseElements"] = None
    del raw["requestParameters"]["tableName"]
    with pytest.raises(ExtractError, match=r"requestParameters\.tableName"):
        resolve(raw)


def test_events():
    assert BY_EVENT[("dynamodb.amazonaws.com", "CreateTable")].tf_type == "aws_dynamodb_table"
    assert BY_EVENT[("dynamodb.amazonaws.com", "RestoreTableToPointInTime")].tf_type == "aws_dynamodb_table"
    assert CATALOG["aws_dynamodb_table"].state_import_id({"id": "ct-watcher-test"}) == "ct-watcher-test"


def test_a_2015_record_without_a_table_arn_in_the_response():
    # AWS's documentation example (tests/data/cloudtrail/public/PROVENANCE.tsv): the tableDescription of 2015 had
    # no tableArn, so the ARN is built from the record's region and account.
    result = Classifier().classify(CloudTrailRecord(public("dynamodb__CreateTable__1.json"), "t"))
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id, resource.name) == ("aws_dynamodb_table", "Music", "Music")
    assert resource.arn == "arn:aws:dynamodb:us-west-2:111122223333:table/Music"
    assert resource.resolve == ""


def test_the_api_models_pascal_case_spellings():
    # The DynamoDB API's own JSON spells the members TableName, TableDescription, TableArn and Tags [{Key, Value}];
    # dynamodb__CreateTable__1 with each field renamed so, one request and one response at a time.
    raw = corpus_record("dynamodb__CreateTable__1.json")
    request = raw["requestParameters"]
    request["TableName"] = request.pop("tableName")
    request["Tags"] = [{"Key": "Name", "Value": "test"}]
    del request["tags"]
    [found] = resolve(raw)
    assert (found.import_id, found.tags) == ("ct-watcher-test", {"Name": "test"})
    assert found.arn == "arn:aws:dynamodb:ap-northeast-2:000000000000:table/ct-watcher-test"

    raw = corpus_record("dynamodb__CreateTable__1.json")
    description = raw["responseElements"].pop("tableDescription")
    description["TableArn"] = "arn:aws:dynamodb:ap-northeast-2:000000000000:table/ct-watcher-test"
    del description["tableArn"]
    raw["responseElements"]["TableDescription"] = description
    del raw["requestParameters"]["tableName"]
    [found] = resolve(raw)
    assert found.import_id == "ct-watcher-test"
    assert found.arn == "arn:aws:dynamodb:ap-northeast-2:000000000000:table/ct-watcher-test"


def test_an_import_names_the_table_in_its_parameters_or_in_the_response_arn():
    # ImportTable (API model: TableCreationParameters.TableName; the response's ImportTableDescription has the
    # table only as TableArn), from dynamodb__CreateTable__1's envelope.
    raw = corpus_record("dynamodb__CreateTable__1.json")
    raw["eventName"] = "ImportTable"
    raw["requestParameters"] = {"tableCreationParameters": {"tableName": "orders-imported"}}
    raw["responseElements"] = {"importTableDescription": {
        "tableArn": "arn:aws:dynamodb:ap-northeast-2:000000000000:table/orders-imported",
        "importStatus": "IN_PROGRESS",
    }}
    [found] = resolve(raw)
    assert (found.import_id, found.arn) == (
        "orders-imported", "arn:aws:dynamodb:ap-northeast-2:000000000000:table/orders-imported")
    raw["requestParameters"] = {"TableCreationParameters": {"TableName": "orders-imported"}}
    assert resolve(raw)[0].import_id == "orders-imported"
    raw["requestParameters"] = {}
    assert resolve(raw)[0].import_id == "orders-imported"
