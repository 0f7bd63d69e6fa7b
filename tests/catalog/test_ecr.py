import json

import pytest

from bot.catalog import CATALOG, ExtractError
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from tests.conftest import DATA, corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "ecr__CreateRepository__1.json": [("aws_ecr_repository", "test")],
    "ecr__CreateRepository__2.json": [("aws_ecr_repository", "nodejs-blue")],
}


def resolve(raw):
    [found] = CATALOG["aws_ecr_repository"].resolve(CloudTrailRecord(raw, "t"))
    return found


def test_repository_arn_and_console_url():
    found = resolve(corpus_record("ecr__CreateRepository__2.json"))
    assert found.arn == "arn:aws:ecr:ap-northeast-1:999999999999:repository/nodejs-blue"
    assert found.console_url == (
        "https://ap-northeast-1.console.aws.amazon.com/ecr/repositories/private/999999999999/nodejs-blue"
        "?region=ap-northeast-1"
    )
    assert CATALOG["aws_ecr_repository"].loses_data is True


def test_namespaced_repository_without_response_and_its_tags():
    raw = corpus_record("ecr__CreateRepository__1.json")
    raw["responseElements"] = None
    raw["requestParameters"]["repositoryName"] = "team/app"
    raw["requestParameters"]["tags"] = [{"key": "team", "value": "platform"}]
    found = resolve(raw)
    assert found.import_id == "team/app"
    assert found.arn == "arn:aws:ecr:ap-northeast-2:000000000000:repository/team/app"
    assert found.console_url == (
        "https://ap-northeast-2.console.aws.amazon.com/ecr/repositories/private/000000000000/team/app"
        "?region=ap-northeast-2"
    )
    assert found.tags == {"team": "platform"}


def test_record_without_the_name_is_an_extract_error():
    raw = corpus_record("ecr__CreateRepository__1.json")
    raw["responseElements"] = None
    del raw["requestParameters"]["repositoryName"]
    with pytest.raises(ExtractError, match=r"requestParameters\.repositoryName"):
        resolve(raw)


def test_state_attributes_map_to_the_name():
    attributes = {"id": "nodejs-blue", "name": "nodejs-blue", "registry_id": "999999999999"}
    assert CATALOG["aws_ecr_repository"].state_import_id(attributes) == "nodejs-blue"


def test_a_2018_console_record_with_the_short_response():
    # AWS's documentation example (tests/data/cloudtrail/public/PROVENANCE.tsv): the response's repository of 2018
    # had no tag mutability, scanning or encryption fields; the name, ARN and registry are where they are today.
    raw = json.loads((DATA / "cloudtrail" / "public" / "ecr__CreateRepository__1.json").read_text(encoding="utf-8"))
    result = Classifier().classify(CloudTrailRecord(raw, "t"))
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_ecr_repository", "testrepo")
    assert resource.arn == "arn:aws:ecr:us-east-2:123456789012:repository/testrepo"
    assert resource.console_url == (
        "https://us-east-2.console.aws.amazon.com/ecr/repositories/private/123456789012/testrepo?region=us-east-2"
    )
