import json

import pytest

from bot.catalog import BY_EVENT, CATALOG, ExtractError
from bot.events import CloudTrailRecord
from tests.conftest import DATA, corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "apigateway__CreateRestApi__1.json": [("aws_api_gateway_rest_api", "jrrfh5tt86")],
}


def resolve(raw: dict):
    return CATALOG["aws_api_gateway_rest_api"].resolve(CloudTrailRecord(raw, "t"))


def test_arn_console_url_and_name():
    [found] = resolve(corpus_record("apigateway__CreateRestApi__1.json"))
    assert found.name == "facialanalysis"
    assert found.arn == "arn:aws:apigateway:ap-northeast-1::/restapis/jrrfh5tt86"
    assert found.console_url == (
        "https://ap-northeast-1.console.aws.amazon.com/apigateway/main/apis/jrrfh5tt86/resources"
        "?api=jrrfh5tt86&region=ap-northeast-1"
    )
    assert CATALOG["aws_api_gateway_rest_api"].loses_data is False


def test_tags_from_the_request():
    raw = corpus_record("apigateway__CreateRestApi__1.json")
    raw["requestParameters"]["createRestApiInput"]["tags"] = {"team": "vision"}
    [found] = resolve(raw)
    assert found.tags == {"team": "vision"}


def test_import_rest_api():
    raw = json.loads((DATA / "cloudtrail" / "apigateway__ImportRestApi__1.json").read_text())
    assert BY_EVENT[("apigateway.amazonaws.com", raw["eventName"])].tf_type == "aws_api_gateway_rest_api"
    [found] = resolve(raw)
    assert (found.import_id, found.name, found.tags) == ("k3v9q2xw7a", "PetStore", {"team": "pets"})


def test_without_the_response_the_name_is_kept_for_get_rest_apis():
    raw = corpus_record("apigateway__CreateRestApi__1.json")
    raw["responseElements"] = None
    [found] = resolve(raw)
    assert (found.import_id, found.name, found.arn) == ("", "facialanalysis", "")
    assert CATALOG["aws_api_gateway_rest_api"].lookup.call == "apigateway:GetRestApis"
    # Older SDK records put the name at the top of the request.
    raw["requestParameters"] = {"name": "orders-api", "tags": {"team": "orders"}}
    [found] = resolve(raw)
    assert (found.name, found.tags) == ("orders-api", {"team": "orders"})
    raw["requestParameters"] = {}
    with pytest.raises(ExtractError, match=r"responseElements\.id"):
        resolve(raw)


