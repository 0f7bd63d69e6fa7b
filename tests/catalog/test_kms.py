import pytest

from bot.catalog import CATALOG, ExtractError
from bot.events import CloudTrailRecord
from tests.conftest import corpus_record

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
