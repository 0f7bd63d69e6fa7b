import json

import pytest

from bot.catalog import CATALOG, ExtractError
from bot.classify import Classifier
from bot.events import CloudTrailRecord, parse_body
from tests.conftest import DATA

# No corpus record creates a secret; tests/data/cloudtrail holds one derived from published shapes.
CORPUS_IDS: dict[str, list[tuple[str, str]]] = {}
FIXTURE = DATA / "cloudtrail" / "secretsmanager__CreateSecret__human.json"
ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/payments/db-password-lvRO68"


def raw_fixture():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def resolve(raw):
    [found] = CATALOG["aws_secretsmanager_secret"].resolve(CloudTrailRecord(raw, "t"))
    return found


def test_console_created_secret_is_detected_by_its_arn():
    envelope = parse_body(FIXTURE.read_bytes(), FIXTURE.name, 1 << 20)
    [result] = Classifier().classify_envelope(envelope)
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id, resource.arn) == ("aws_secretsmanager_secret", ARN, ARN)
    assert resource.name == "prod/payments/db-password"
    assert resource.console_url == (
        "https://eu-west-1.console.aws.amazon.com/secretsmanager/secret"
        "?name=prod%2Fpayments%2Fdb-password&region=eu-west-1"
    )
    assert resource.tags == {"team": "payments", "Name": "payments-db-password"}
    assert resource.suggested_name == "payments_db_password"
    assert resource.loses_data is True


def test_other_spellings_of_the_response_arn_and_name_from_the_arn():
    raw = raw_fixture()
    raw["responseElements"] = {"aRN": ARN}
    del raw["requestParameters"]["name"]
    found = resolve(raw)
    assert found.import_id == ARN
    assert found.name == "prod/payments/db-password"


def test_response_without_the_arn_is_detected_with_the_call_that_finds_it():
    # As in the AWS documentation's CreateSecret example: responseElements null, no errorCode. The name is in the
    # request; DescribeSecret in the resource's account finds the ARN (tests/test_resolution.py makes the call).
    raw = raw_fixture()
    raw["responseElements"] = None
    found = resolve(raw)
    assert (found.import_id, found.arn, found.name) == ("", "", "prod/payments/db-password")
    result = Classifier().classify(CloudTrailRecord(raw, "t"))
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.import_id, resource.resolve) == ("", "secretsmanager:DescribeSecret")
    line = result.as_dict()["resources"][0]
    assert (line["import_id"], line["resolve"]) == (None, "secretsmanager:DescribeSecret")


def test_a_record_with_neither_the_arn_nor_the_name_is_an_incomplete_error():
    raw = raw_fixture()
    raw["responseElements"] = None
    del raw["requestParameters"]["name"]
    with pytest.raises(ExtractError, match=r"responseElements\.arn"):
        resolve(raw)
    result = Classifier().classify(CloudTrailRecord(raw, "t"))
    assert (result.verdict, result.reason_code) == ("error", "incomplete")


def test_state_id_is_the_arn():
    attributes = {"id": ARN, "arn": ARN, "name": "prod/payments/db-password"}
    assert CATALOG["aws_secretsmanager_secret"].state_import_id(attributes) == ARN
