import json

import pytest

from bot.catalog import BY_EVENT, CATALOG, ExtractError
from bot.events import CloudTrailRecord
from tests.conftest import DATA, corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "lambda__CreateFunction20150331__1.json": [("aws_lambda_function", "cloudtrail-events-test")],
    "lambda__CreateFunction20150331__2.json": [("aws_lambda_function", "cloudtrailwatcher-000000000000")],
}


def resolve(raw: dict):
    return CATALOG["aws_lambda_function"].resolve(CloudTrailRecord(raw, "t"))


def test_versioned_event_names():
    assert BY_EVENT[("lambda.amazonaws.com", "CreateFunction20150331")].tf_type == "aws_lambda_function"
    assert "DeleteFunction20150331" in CATALOG["aws_lambda_function"].delete_events
    assert CATALOG["aws_lambda_function"].loses_data is False


def test_arn_and_console_url():
    [found] = resolve(corpus_record("lambda__CreateFunction20150331__2.json"))
    assert found.arn == "arn:aws:lambda:ap-northeast-2:000000000000:function:cloudtrailwatcher-000000000000"
    assert found.console_url == (
        "https://ap-northeast-2.console.aws.amazon.com/lambda/home?region=ap-northeast-2"
        "#/functions/cloudtrailwatcher-000000000000"
    )


def test_tags():
    [found] = resolve(json.loads((DATA / "cloudtrail" / "lambda__CreateFunction20150331__tagged.json").read_text()))
    assert found.tags == {"team": "platform", "Name": "CT Watcher"}


@pytest.mark.parametrize(
    "given",
    [
        "arn:aws:lambda:us-east-1:1010101010101:function:cloudtrail-events-test",
        "1010101010101:function:cloudtrail-events-test",
        "cloudtrail-events-test",
    ],
)
def test_function_name_from_a_name_or_arn_when_the_response_is_missing(given):
    raw = corpus_record("lambda__CreateFunction20150331__1.json")
    raw["responseElements"] = None
    raw["requestParameters"]["functionName"] = given
    [found] = resolve(raw)
    assert found.import_id == "cloudtrail-events-test"
    assert found.arn == "arn:aws:lambda:us-east-1:1010101010101:function:cloudtrail-events-test"


def test_missing_function_name():
    raw = corpus_record("lambda__CreateFunction20150331__1.json")
    raw["responseElements"] = None
    del raw["requestParameters"]["functionName"]
    with pytest.raises(ExtractError, match=r"requestParameters\.functionName"):
        resolve(raw)


def test_state_import_id():
    attributes = {"id": "cloudtrail-events-test", "function_name": "cloudtrail-events-test"}
    assert CATALOG["aws_lambda_function"].state_import_id(attributes) == "cloudtrail-events-test"


def test_the_api_models_pascal_case_spellings():
    # The Lambda API model spells the members FunctionName, FunctionArn and Tags; CloudTrail's records say
    # functionName/functionArn/tags (lambda__CreateFunction20150331__2, renamed here one side at a time).
    raw = corpus_record("lambda__CreateFunction20150331__2.json")
    raw["requestParameters"]["FunctionName"] = raw["requestParameters"].pop("functionName")
    raw["requestParameters"]["Tags"] = {"team": "platform"}
    raw["responseElements"] = None
    [found] = resolve(raw)
    assert (found.import_id, found.tags) == ("cloudtrailwatcher-000000000000", {"team": "platform"})
    assert found.arn == "arn:aws:lambda:ap-northeast-2:000000000000:function:cloudtrailwatcher-000000000000"

    raw = corpus_record("lambda__CreateFunction20150331__2.json")
    response = raw["responseElements"]
    response["FunctionName"] = response.pop("functionName")
    response["FunctionArn"] = response.pop("functionArn")
    del raw["requestParameters"]["functionName"]
    [found] = resolve(raw)
    assert found.import_id == "cloudtrailwatcher-000000000000"
    assert found.arn == response["FunctionArn"]
