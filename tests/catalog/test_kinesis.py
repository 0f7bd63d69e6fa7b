import json

import pytest

from bot.catalog import CATALOG, ExtractError
from bot.events import CloudTrailRecord
from tests.conftest import DATA, corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "kinesis__CreateStream__1.json": [("aws_kinesis_stream", "GoodStream")],
}


def resolve(raw: dict):
    return CATALOG["aws_kinesis_stream"].resolve(CloudTrailRecord(raw, "t"))


def test_stream_arn_and_console_url_without_a_response():
    [found] = resolve(corpus_record("kinesis__CreateStream__1.json"))
    assert found.arn == "arn:aws:kinesis:us-east-1:012345678910:stream/GoodStream"
    assert found.console_url == (
        "https://us-east-1.console.aws.amazon.com/kinesis/home?region=us-east-1#/streams/details/GoodStream/details"
    )
    assert CATALOG["aws_kinesis_stream"].loses_data is True


def test_tags():
    raw = json.loads((DATA / "cloudtrail" / "kinesis__CreateStream__tagged.json").read_text())
    [found] = resolve(raw)
    assert found.tags == {"team": "ingest"}


def test_missing_stream_name():
    raw = corpus_record("kinesis__CreateStream__1.json")
    del raw["requestParameters"]["streamName"]
    with pytest.raises(ExtractError, match=r"requestParameters\.streamName"):
        resolve(raw)


def test_state_import_id_is_the_name_not_the_arn_id():
    attributes = {"id": "arn:aws:kinesis:us-east-1:012345678910:stream/GoodStream", "name": "GoodStream"}
    assert CATALOG["aws_kinesis_stream"].state_import_id(attributes) == "GoodStream"


def test_the_api_models_pascal_case_spellings():
    # The Kinesis API model spells the members StreamName and Tags; CloudTrail's records say streamName (the 2014
    # SDK record kinesis__CreateStream__1 and the 2021 CloudFormation one kinesis__CreateStream__2 alike).
    raw = corpus_record("kinesis__CreateStream__1.json")
    raw["requestParameters"] = {"StreamName": "GoodStream", "ShardCount": 1, "Tags": {"team": "ingest"}}
    [found] = resolve(raw)
    assert (found.import_id, found.tags) == ("GoodStream", {"team": "ingest"})
    assert found.arn == "arn:aws:kinesis:us-east-1:012345678910:stream/GoodStream"


def test_an_on_demand_stream_from_a_cloudformation_record_reads_the_same_name():
    # kinesis__CreateStream__2 (2021, made by CloudFormation, so classified as ignored) keeps the 2014 spelling.
    [found] = resolve(corpus_record("kinesis__CreateStream__2.json"))
    assert found.import_id == "engagement"
