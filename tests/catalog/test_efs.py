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


# Mount targets

MOUNT_TARGET = "elasticfilesystem__CreateMountTarget__console.json"


def mount_target_record() -> dict:
    return json.loads((DATA / "cloudtrail" / MOUNT_TARGET).read_text(encoding="utf-8"))


def test_mount_target_identity_and_name():
    result = Classifier().classify(CloudTrailRecord(mount_target_record(), "t"))
    assert result.verdict == "detected", result
    [target] = result.resources
    file_system = mount_target_record()["requestParameters"]["fileSystemId"]
    assert (target.tf_type, target.import_id) == ("aws_efs_mount_target", "fsmt-0c1d2e3f4a5b6c7d8")
    # No name of its own: its file system and the zone it serves.
    assert target.name == f"{file_system} in us-east-1a"
    assert target.arn == ""
    assert target.console_url == (
        f"https://us-east-1.console.aws.amazon.com/efs/home?region=us-east-1#/file-systems/{file_system}"
    )
    assert target.loses_data is False
    assert CATALOG["aws_efs_mount_target"].delete_events == ("DeleteMountTarget",)


def test_mount_target_in_pascal_case_is_named_by_its_subnet():
    raw = mount_target_record()
    raw["responseElements"] = {"MountTargetId": "fsmt-1"}
    [found] = CATALOG["aws_efs_mount_target"].resolve(CloudTrailRecord(raw, "t"))
    assert found.import_id == "fsmt-1"
    assert found.name.endswith(" in subnet-0123456789abcdef0")


def test_missing_mount_target_id():
    raw = mount_target_record()
    raw["responseElements"] = None
    with pytest.raises(ExtractError, match=r"responseElements\.mountTargetId"):
        CATALOG["aws_efs_mount_target"].resolve(CloudTrailRecord(raw, "t"))
