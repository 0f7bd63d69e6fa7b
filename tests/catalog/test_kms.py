import copy
import json

import pytest

from bot.catalog import CATALOG, ExtractError
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from tests.conftest import DATA, corpus_record

ALIAS_DOC = DATA / "cloudtrail" / "public" / "kms__CreateAlias__1.json"

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "kms__CreateKey__1.json": [("aws_kms_key", "0000000-0000-0000-0000-0000000000000")],
    "kms__CreateKey__2.json": [("aws_kms_key", "1234abcd-12ab-34cd-56ef-1234567890ab")],
}


def resolve(raw):
    [found] = CATALOG["aws_kms_key"].resolve(CloudTrailRecord(raw, "t"))
    return found


def test_key_arn_and_console_url():
    found = resolve(corpus_record("kms__CreateKey__2.json"))
    assert found.arn == "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert found.console_url == (
        "https://us-west-2.console.aws.amazon.com/kms/home?region=us-west-2"
        "#/kms/keys/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    assert CATALOG["aws_kms_key"].loses_data is True


def test_key_tags_use_kms_tag_key_and_value():
    raw = corpus_record("kms__CreateKey__1.json")
    raw["requestParameters"]["tags"] = [{"tagKey": "app", "tagValue": "billing"}]
    assert resolve(raw).tags == {"app": "billing"}


def test_key_id_comes_from_resources_when_the_response_is_missing():
    raw = corpus_record("kms__CreateKey__1.json")
    raw["responseElements"] = None
    found = resolve(raw)
    assert found.import_id == "0000000-0000-0000-0000-0000000000000"
    assert found.arn == "arn:aws:kms:us-east-1:123456789123:key/0000000-0000-0000-0000-0000000000000"


def test_record_without_the_key_id_is_an_extract_error():
    raw = corpus_record("kms__CreateKey__2.json")
    raw["responseElements"] = None
    del raw["resources"]
    with pytest.raises(ExtractError, match=r"responseElements\.keyMetadata\.keyId"):
        resolve(raw)


def test_state_attributes_map_to_the_key_id():
    attributes = {"id": "1234abcd-12ab-34cd-56ef-1234567890ab", "key_id": "1234abcd-12ab-34cd-56ef-1234567890ab"}
    assert CATALOG["aws_kms_key"].state_import_id(attributes) == "1234abcd-12ab-34cd-56ef-1234567890ab"


def _alias_record():
    return json.loads(ALIAS_DOC.read_text(encoding="utf-8"))


def resolve_alias(raw):
    [found] = CATALOG["aws_kms_alias"].resolve(CloudTrailRecord(raw, "t"))
    return found


def test_alias_from_the_documented_record_with_a_null_response():
    [result] = [Classifier().classify(CloudTrailRecord(_alias_record(), "t"))]
    assert result.verdict == "detected", result.reason
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_kms_alias", "alias/my_alias")
    assert resource.name == "alias/my_alias"
    # The record's own account and region, not the other account its resources[] alias ARN names.
    assert resource.arn == "arn:aws:kms:us-east-1:111122223333:alias/my_alias"
    # The target was given as a key ARN; the console page is the key's.
    assert resource.console_url == (
        "https://us-east-1.console.aws.amazon.com/kms/home?region=us-east-1"
        "#/kms/keys/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    assert resource.loses_data is False


def test_alias_of_the_newer_record_shape_with_the_key_arn_in_the_response():
    # Since December 2022 CloudTrail writes the target key's ARN into responseElements.keyId.
    raw = _alias_record()
    key = "1234abcd-12ab-34cd-56ef-1234567890ab"
    raw["requestParameters"] = {"aliasName": "alias/ExampleAlias", "targetKeyId": key}
    raw["responseElements"] = {"keyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
    found = resolve_alias(raw)
    assert found.import_id == "alias/ExampleAlias"
    assert found.console_url.endswith("#/kms/keys/1234abcd-12ab-34cd-56ef-1234567890ab")


def test_alias_name_comes_from_resources_when_the_request_lacks_it():
    raw = _alias_record()
    raw["requestParameters"] = None
    assert resolve_alias(raw).import_id == "alias/my_alias"


def test_alias_name_in_pascal_case_and_hostile_characters_are_kept_verbatim():
    raw = _alias_record()
    del raw["resources"]
    raw["requestParameters"] = {"AliasName": 'alias/a"b${x}', "TargetKeyId": "k-1"}
    found = resolve_alias(raw)
    assert found.import_id == 'alias/a"b${x}'
    assert found.console_url.endswith("#/kms/keys/k-1")


def test_alias_record_without_a_name_is_an_extract_error():
    raw = _alias_record()
    del raw["resources"]
    raw["requestParameters"] = {"targetKeyId": "k-1"}
    with pytest.raises(ExtractError, match=r"requestParameters\.aliasName"):
        resolve_alias(raw)


def test_alias_name_without_the_prefix_is_an_extract_error():
    raw = copy.deepcopy(_alias_record())
    raw["requestParameters"]["aliasName"] = "my_alias"
    with pytest.raises(ExtractError, match="does not start with"):
        resolve_alias(raw)


def test_alias_state_maps_to_its_name():
    assert CATALOG["aws_kms_alias"].state_import_id({"id": "alias/a", "name": "alias/a"}) == "alias/a"
