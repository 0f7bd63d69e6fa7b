import json

import pytest

from bot.catalog import BY_EVENT, CATALOG, ExtractError
from bot.events import CloudTrailRecord
from tests.conftest import DATA, corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "events__PutRule__1.json": [("aws_cloudwatch_event_rule", "cttest2")],
}


def resolve(raw: dict):
    return CATALOG["aws_cloudwatch_event_rule"].resolve(CloudTrailRecord(raw, "t"))


def test_put_rule_is_the_creation_event():
    assert BY_EVENT[("events.amazonaws.com", "PutRule")].tf_type == "aws_cloudwatch_event_rule"
    assert CATALOG["aws_cloudwatch_event_rule"].loses_data is False


def test_default_bus_rule():
    [found] = resolve(corpus_record("events__PutRule__1.json"))
    assert found.arn == "arn:aws:events:us-east-1:123456789012:rule/cttest2"
    assert found.console_url == (
        "https://us-east-1.console.aws.amazon.com/events/home?region=us-east-1#/eventbus/default/rules/cttest2"
    )


def test_custom_bus_rule_is_bus_slash_rule():
    raw = json.loads((DATA / "cloudtrail" / "events__PutRule__custombus.json").read_text())
    [found] = resolve(raw)
    assert found.import_id == "orders-bus/order-created"
    assert found.name == "order-created"
    assert found.arn == "arn:aws:events:us-east-1:123456789012:rule/orders-bus/order-created"
    assert found.console_url.endswith("#/eventbus/orders-bus/rules/order-created")
    assert found.tags == {"team": "orders"}
    # A bus given by ARN is the same bus; without the response the ARN is built.
    raw["requestParameters"]["eventBusName"] = "arn:aws:events:us-east-1:123456789012:event-bus/orders-bus"
    raw["responseElements"] = None
    [found] = resolve(raw)
    assert found.import_id == "orders-bus/order-created"
    assert found.arn == "arn:aws:events:us-east-1:123456789012:rule/orders-bus/order-created"


def test_explicit_default_bus_is_the_bare_rule_name():
    raw = corpus_record("events__PutRule__1.json")
    raw["requestParameters"]["eventBusName"] = "default"
    [found] = resolve(raw)
    assert found.import_id == "cttest2"


def test_missing_rule_name():
    raw = corpus_record("events__PutRule__1.json")
    del raw["requestParameters"]["name"]
    with pytest.raises(ExtractError, match=r"requestParameters\.name"):
        resolve(raw)


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ({"id": "cttest2", "name": "cttest2", "event_bus_name": "default"}, "cttest2"),
        (
            {"id": "orders-bus/order-created", "name": "order-created", "event_bus_name": "orders-bus"},
            "orders-bus/order-created",
        ),
        (
            {
                "id": "arn:aws:events:us-east-1:123456789012:event-bus/orders-bus/order-created",
                "name": "order-created",
                "event_bus_name": "arn:aws:events:us-east-1:123456789012:event-bus/orders-bus",
            },
            "orders-bus/order-created",
        ),
        ({"id": "legacy-rule"}, "legacy-rule"),
    ],
)
def test_state_import_id(attributes, expected):
    assert CATALOG["aws_cloudwatch_event_rule"].state_import_id(attributes) == expected


def test_the_api_models_pascal_case_spellings():
    # The EventBridge API model spells the members Name, EventBusName, Tags [{Key, Value}] and RuleArn; CloudTrail's
    # records say name/eventBusName/tags/ruleArn (events__PutRule__2, made by Terraform, renamed here).
    raw = corpus_record("events__PutRule__2.json")
    raw["requestParameters"] = {
        "Name": "ARMS_UnprocessedRule",
        "EventBusName": "arn:aws:events:ap-northeast-1:999999999999:event-bus/arms",
        "ScheduleExpression": "cron(0 0/12 * * ? *)",
        "Tags": [{"Key": "team", "Value": "arms"}],
    }
    raw["responseElements"] = {"RuleArn": "arn:aws:events:ap-northeast-1:999999999999:rule/arms/ARMS_UnprocessedRule"}
    [found] = resolve(raw)
    assert (found.import_id, found.name) == ("arms/ARMS_UnprocessedRule", "ARMS_UnprocessedRule")
    assert found.arn == "arn:aws:events:ap-northeast-1:999999999999:rule/arms/ARMS_UnprocessedRule"
    assert found.tags == {"team": "arms"}


def test_a_record_naming_the_default_bus_by_arn_is_the_bare_rule_name():
    # events__PutRule__2 names the default bus; given as its ARN, it is still the default bus.
    raw = corpus_record("events__PutRule__2.json")
    raw["requestParameters"]["eventBusName"] = "arn:aws:events:ap-northeast-1:999999999999:event-bus/default"
    [found] = resolve(raw)
    assert found.import_id == "ARMS_UnprocessedRule"
    assert found.arn == "arn:aws:events:ap-northeast-1:999999999999:rule/ARMS_UnprocessedRule"
