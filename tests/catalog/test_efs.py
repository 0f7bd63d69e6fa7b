import json

import pytest

from bot.catalog import CATALOG, ExtractError
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from tests.conftest import DATA, corpus_record

CONSOLE_RECORD = "elasticfilesystem__CreateFileSystem__console.json"


def resolve(raw: dict):
    return CATALOG["aws_efs_file_system"].resolve(CloudTrailRecord(raw, "t"))


def console_record() -> dict:
    return json.loads((DATA / "cloudtrail" / CONSOLE_RECORD).read_text(encoding="utf-8"))


def test_file_system_identity_arn_and_console_url():
    [found] = resolve(corpus_record("elasticfilesystem__CreateFileSystem__1.json"))
    assert found.import_id == "fs-0a49146a8cb95e621"
    assert found.arn == "arn:aws:elasticfilesystem:us-east-1:999999999999:file-system/fs-0a49146a8cb95e621"
    assert found.console_url == (
        "https://us-east-1.console.aws.amazon.com/efs/home?region=us-east-1#/file-systems/fs-0a49146a8cb95e621"
    )
    # Without a Name tag the file system is called by its ID.
    assert found.name == "fs-0a49146a8cb95e621"
    assert CATALOG["aws_efs_file_system"].loses_data is True


def test_a_console_creation_is_detected_with_its_name_and_tags():
    result = Classifier().classify(CloudTrailRecord(console_record(), CONSOLE_RECORD))
    assert result.verdict == "detected", result.reason
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_efs_file_system", "fs-0a49146a8cb95e621")
    assert resource.name == "shared-home"
    assert resource.suggested_name == "shared_home"
    assert resource.tags == {"Name": "shared-home", "team": "research"}


def test_the_arn_is_built_in_the_regions_partition_when_the_response_lacks_it():
    raw = console_record()
    raw["awsRegion"] = "cn-north-1"
    del raw["responseElements"]["fileSystemArn"]
    [found] = resolve(raw)
    assert found.arn == "arn:aws-cn:elasticfilesystem:cn-north-1:999999999999:file-system/fs-0a49146a8cb95e621"
    assert found.console_url.startswith("https://cn-north-1.console.amazonaws.cn/efs/")


def test_missing_file_system_id():
    raw = console_record()
    del raw["responseElements"]["fileSystemId"]
    with pytest.raises(ExtractError, match=r"responseElements\.fileSystemId"):
        resolve(raw)


def test_the_service_linked_role_creation_stays_ignored():
    # SageMaker's own file system (the corpus record) is AWS acting, not a person.
    result = Classifier().classify(CloudTrailRecord(corpus_record("elasticfilesystem__CreateFileSystem__1.json"), "t"))
    assert (result.verdict, result.reason_code) == ("ignored", "aws-service")
