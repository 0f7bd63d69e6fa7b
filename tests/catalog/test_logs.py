import json

import pytest

from bot.catalog import CATALOG, ExtractError
from bot.events import CloudTrailRecord
from tests.conftest import DATA, corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "logs__CreateLogGroup__1.json": [("aws_cloudwatch_log_group", "/ecs/nodejs-bluegreen")],
}


def resolve(raw: dict):
    return CATALOG["aws_cloudwatch_log_group"].resolve(CloudTrailRecord(raw, "t"))


def test_arn_and_console_url():
    [found] = resolve(corpus_record("logs__CreateLogGroup__1.json"))
    assert found.arn == "arn:aws:logs:ap-northeast-1:999999999999:log-group:/ecs/nodejs-bluegreen"
    assert found.console_url == (
        "https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1"
        "#logsV2:log-groups/log-group/$252Fecs$252Fnodejs-bluegreen"
    )
    assert CATALOG["aws_cloudwatch_log_group"].loses_data is True


def test_tags_and_a_name_with_a_space():
    [found] = resolve(json.loads((DATA / "cloudtrail" / "logs__CreateLogGroup__tagged.json").read_text()))
    assert found.import_id == "/aws/lambda/Order Intake"
    assert found.tags == {"team": "orders", "env": "prod"}
    assert found.console_url.endswith("#logsV2:log-groups/log-group/$252Faws$252Flambda$252FOrder$2520Intake")


def test_missing_name():
    raw = corpus_record("logs__CreateLogGroup__1.json")
    raw["requestParameters"] = None
    with pytest.raises(ExtractError, match=r"requestParameters\.logGroupName"):
        resolve(raw)
