import json

import pytest

from bot.catalog import CATALOG, ExtractError
from bot.events import CloudTrailRecord
from tests.conftest import DATA, corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "sns__CreateTopic__1.json": [("aws_sns_topic", "arn:aws:sns:ap-northeast-2:000000000000:sns-test.fifo")],
    "sns__CreateTopic__2.json": [("aws_sns_topic", "arn:aws:sns:us-east-1:00000000000:pwncloud-data-exfiltration")],
    "sns__CreateTopic__3.json": [("aws_sns_topic", "arn:aws:sns:us-east-1:123456789123:test")],
}


def resolve(raw: dict):
    return CATALOG["aws_sns_topic"].resolve(CloudTrailRecord(raw, "t"))


def test_topic_arn_name_and_console_url():
    [found] = resolve(corpus_record("sns__CreateTopic__1.json"))
    assert found.name == "sns-test.fifo"
    assert found.arn == found.import_id
    assert found.console_url == (
        "https://ap-northeast-2.console.aws.amazon.com/sns/v3/home?region=ap-northeast-2#/topic/"
        "arn%3Aaws%3Asns%3Aap-northeast-2%3A000000000000%3Asns-test.fifo"
    )
    assert CATALOG["aws_sns_topic"].loses_data is False


def test_tags():
    [found] = resolve(json.loads((DATA / "cloudtrail" / "sns__CreateTopic__tagged.json").read_text()))
    assert found.tags == {"env": "prod"}


def test_arn_built_from_region_account_and_name_without_a_response():
    raw = corpus_record("sns__CreateTopic__3.json")
    raw["responseElements"] = None
    [found] = resolve(raw)
    assert found.import_id == "arn:aws:sns:us-east-1:123456789123:test"
    raw["awsRegion"] = "cn-north-1"
    [found] = resolve(raw)
    assert found.import_id == "arn:aws-cn:sns:cn-north-1:123456789123:test"


def test_no_response_and_no_account_is_an_extract_error():
    raw = corpus_record("sns__CreateTopic__2.json")
    raw["responseElements"] = None
    raw.pop("recipientAccountId")
    raw["userIdentity"].pop("accountId")
    with pytest.raises(ExtractError, match=r"responseElements\.topicArn"):
        resolve(raw)


def test_state_import_id_is_the_arn():
    arn = "arn:aws:sns:us-east-1:123456789123:test"
    assert CATALOG["aws_sns_topic"].state_import_id({"id": arn, "arn": arn, "name": "test"}) == arn


def test_the_api_models_pascal_case_spellings():
    # The SNS API model spells the members Name, Tags [{Key, Value}] and, in the result, TopicArn; CloudTrail's own
    # records say name/tags/topicArn (sns__CreateTopic__2, a CLI call, renamed here).
    raw = corpus_record("sns__CreateTopic__2.json")
    raw["requestParameters"] = {"Name": "pwncloud-data-exfiltration", "Tags": [{"Key": "team", "Value": "red"}]}
    raw["responseElements"] = {"TopicArn": raw["responseElements"]["topicArn"]}
    [found] = resolve(raw)
    assert found.import_id == found.arn == "arn:aws:sns:us-east-1:00000000000:pwncloud-data-exfiltration"
    assert (found.name, found.tags) == ("pwncloud-data-exfiltration", {"team": "red"})


def test_missing_name_names_the_field():
    raw = corpus_record("sns__CreateTopic__2.json")
    del raw["requestParameters"]["name"]
    with pytest.raises(ExtractError, match=r"requestParameters\.name"):
        resolve(raw)
