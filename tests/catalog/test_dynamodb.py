import pytest

from bot.catalog import BY_EVENT, CATALOG, ExtractError
from bot.events import CloudTrailRecord
from tests.conftest import corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "dynamodb__CreateTable__1.json": [("aws_dynamodb_table", "ct-watcher-test")],
}


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
