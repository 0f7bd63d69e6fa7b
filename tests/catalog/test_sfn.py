import json

import pytest

from bot.catalog import CATALOG, ExtractError
from bot.events import CloudTrailRecord
from tests.conftest import DATA, corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "states__CreateStateMachine__1.json": [
        (
            "aws_sfn_state_machine",
            "arn:aws:states:us-east-1:123456789012:stateMachine:testUser.2016-10-27-18-17-06.bd144e18-0437-476e-9bb",
        )
    ],
}


def resolve(raw: dict):
    return CATALOG["aws_sfn_state_machine"].resolve(CloudTrailRecord(raw, "t"))


def test_arn_console_url_and_tags():
    [found] = resolve(json.loads((DATA / "cloudtrail" / "states__CreateStateMachine__tagged.json").read_text()))
    assert found.import_id == found.arn == "arn:aws:states:us-east-1:123456789012:stateMachine:OrderFlow"
    assert found.name == "OrderFlow"
    assert found.console_url == (
        "https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/statemachines/view/"
        "arn%3Aaws%3Astates%3Aus-east-1%3A123456789012%3AstateMachine%3AOrderFlow"
    )
    assert found.tags == {"team": "orders"}
    assert CATALOG["aws_sfn_state_machine"].loses_data is False


def test_arn_built_without_a_response_and_error_without_an_account():
    raw = corpus_record("states__CreateStateMachine__1.json")
    raw["responseElements"] = None
    [found] = resolve(raw)
    assert found.import_id == (
        "arn:aws:states:us-east-1:123456789012:stateMachine:testUser.2016-10-27-18-17-06.bd144e18-0437-476e-9bb"
    )
    raw.pop("recipientAccountId")
    raw["userIdentity"].pop("accountId")
    with pytest.raises(ExtractError, match=r"responseElements\.stateMachineArn"):
        resolve(raw)


def test_a_published_version_keeps_the_unversioned_arn_as_the_import_id():
    # Since state machine versions (2023) a CreateStateMachine with publish=true also returns
    # stateMachineVersionArn (API model: CreateStateMachineOutput); the machine is still the unversioned ARN.
    raw = corpus_record("states__CreateStateMachine__1.json")
    arn = raw["responseElements"]["stateMachineArn"]
    raw["requestParameters"]["publish"] = True
    raw["responseElements"]["stateMachineVersionArn"] = f"{arn}:1"
    [found] = resolve(raw)
    assert found.import_id == found.arn == arn
