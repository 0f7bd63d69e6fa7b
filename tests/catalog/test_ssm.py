import json

import pytest

from bot.catalog import CATALOG, ExtractError
from bot.catalog.base import NotACreation
from bot.classify import Classifier
from bot.events import CloudTrailRecord, parse_body
from tests.conftest import DATA

# No corpus record creates a parameter; tests/data/cloudtrail holds records derived from published shapes.
CORPUS_IDS: dict[str, list[tuple[str, str]]] = {}
CREATE = DATA / "cloudtrail" / "ssm__PutParameter__create.json"
OVERWRITE = DATA / "cloudtrail" / "ssm__PutParameter__overwrite.json"


def classify(path):
    [result] = Classifier().classify_envelope(parse_body(path.read_bytes(), path.name, 1 << 20))
    return result


def resolve(raw):
    return CATALOG["aws_ssm_parameter"].resolve(CloudTrailRecord(raw, "t"))


def test_new_parameter_is_detected_by_its_name():
    result = classify(CREATE)
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_ssm_parameter", "/payments/prod/db-host")
    assert resource.arn == "arn:aws:ssm:ap-southeast-2:123456789012:parameter/payments/prod/db-host"
    assert resource.console_url == (
        "https://ap-southeast-2.console.aws.amazon.com/systems-manager/parameters/"
        "%252Fpayments%252Fprod%252Fdb-host/description?region=ap-southeast-2"
    )
    assert resource.tags == {"team": "payments"}
    assert resource.loses_data is True


def test_overwrite_of_an_existing_parameter_is_not_a_creation():
    result = classify(OVERWRITE)
    assert (result.verdict, result.reason_code) == ("ignored", "not-a-create")
    assert "/payments/prod/db-host" in result.reason


@pytest.mark.parametrize("flag", [True, "true", "True"])
def test_overwrite_without_a_response_version_is_not_a_creation(flag):
    raw = json.loads(OVERWRITE.read_text(encoding="utf-8"))
    raw["responseElements"] = None
    raw["requestParameters"]["overwrite"] = flag
    with pytest.raises(NotACreation, match="overwrite=true"):
        resolve(raw)


def test_overwrite_that_wrote_version_one_created_the_parameter():
    # --overwrite on a name that did not exist still creates it; version 1 proves it was new.
    raw = json.loads(OVERWRITE.read_text(encoding="utf-8"))
    raw["responseElements"]["version"] = 1
    [found] = resolve(raw)
    assert found.import_id == "/payments/prod/db-host"


def test_later_version_without_overwrite_flag_is_not_a_creation():
    raw = json.loads(CREATE.read_text(encoding="utf-8"))
    raw["responseElements"]["version"] = 3
    with pytest.raises(NotACreation, match="version 3"):
        resolve(raw)


def test_flat_name_arn_and_console_url():
    raw = json.loads(CREATE.read_text(encoding="utf-8"))
    raw["requestParameters"]["name"] = "feature-flags"
    [found] = resolve(raw)
    assert found.arn == "arn:aws:ssm:ap-southeast-2:123456789012:parameter/feature-flags"
    assert found.console_url.endswith("/systems-manager/parameters/feature-flags/description?region=ap-southeast-2")


def test_record_without_the_name_is_an_extract_error():
    raw = json.loads(CREATE.read_text(encoding="utf-8"))
    del raw["requestParameters"]["name"]
    with pytest.raises(ExtractError, match=r"requestParameters\.name"):
        resolve(raw)


def test_state_attributes_map_to_the_name():
    attributes = {"id": "/payments/prod/db-host", "name": "/payments/prod/db-host", "arn": "arn:aws:ssm:x"}
    assert CATALOG["aws_ssm_parameter"].state_import_id(attributes) == "/payments/prod/db-host"


def test_the_api_models_pascal_case_spellings():
    # The SSM API model spells the members Name, Overwrite, Tags [{Key, Value}] and, in the result, Version;
    # CloudTrail's records say name/overwrite/tags/version.
    raw = json.loads(CREATE.read_text(encoding="utf-8"))
    request = raw["requestParameters"]
    raw["requestParameters"] = {"Name": request["name"], "Type": request["type"], "Value": request["value"],
                                "Tags": [{"Key": "team", "Value": "payments"}]}
    raw["responseElements"] = {"Version": 1, "Tier": "Standard"}
    [found] = resolve(raw)
    assert (found.import_id, found.tags) == ("/payments/prod/db-host", {"team": "payments"})
    raw["responseElements"] = {"Version": 2, "Tier": "Standard"}
    with pytest.raises(NotACreation, match="version 2"):
        resolve(raw)


@pytest.mark.parametrize("flag", [True, "true", "True"])
def test_the_api_models_overwrite_spelling_without_a_response(flag):
    raw = json.loads(OVERWRITE.read_text(encoding="utf-8"))
    raw["responseElements"] = None
    raw["requestParameters"]["Overwrite"] = flag
    del raw["requestParameters"]["overwrite"]
    with pytest.raises(NotACreation, match="overwrite=true"):
        resolve(raw)


@pytest.mark.parametrize("flag", [False, "false"])
def test_overwrite_false_without_a_response_is_a_creation(flag):
    raw = json.loads(CREATE.read_text(encoding="utf-8"))
    raw["responseElements"] = None
    raw["requestParameters"]["overwrite"] = flag
    [found] = resolve(raw)
    assert found.import_id == "/payments/prod/db-host"
