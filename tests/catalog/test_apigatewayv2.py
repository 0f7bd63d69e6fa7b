import json

import pytest

from bot.catalog import BY_EVENT, CATALOG, DESCRIBE, ExtractError
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from tests.conftest import DATA

CORPUS_IDS: dict[str, list[tuple[str, str]]] = {}
CONSOLE = DATA / "cloudtrail" / "apigateway__CreateApi__console.json"


def _raw():
    return json.loads(CONSOLE.read_text(encoding="utf-8"))


def resolve(raw):
    [found] = CATALOG["aws_apigatewayv2_api"].resolve(CloudTrailRecord(raw, "t"))
    return found


def test_http_api_from_a_console_record():
    result = Classifier().classify(CloudTrailRecord(_raw(), "t"))
    assert result.verdict == "detected", result.reason
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id, resource.name) == ("aws_apigatewayv2_api", "a1b2c3d4e5",
                                                                     "orders-http")
    assert resource.arn == "arn:aws:apigateway:eu-west-1::/apis/a1b2c3d4e5"
    assert resource.console_url == (
        "https://eu-west-1.console.aws.amazon.com/apigateway/main/api-detail?api=a1b2c3d4e5&region=eu-west-1")
    assert resource.tags == {"team": "shop"}


def test_rest_and_v2_apis_share_the_source_but_not_the_events():
    assert BY_EVENT[("apigateway.amazonaws.com", "CreateApi")].tf_type == "aws_apigatewayv2_api"
    assert BY_EVENT[("apigateway.amazonaws.com", "ImportApi")].tf_type == "aws_apigatewayv2_api"
    assert BY_EVENT[("apigateway.amazonaws.com", "CreateRestApi")].tf_type == "aws_api_gateway_rest_api"


def test_wrapped_request_and_response_shapes():
    raw = _raw()
    raw["requestParameters"] = {"createApiInput": {"name": "ws", "protocolType": "WEBSOCKET", "tags": {"a": "b"}}}
    raw["responseElements"] = {"CreateApiResponse": {"ApiId": "zz99", "Name": "ws"}}
    found = resolve(raw)
    assert (found.import_id, found.name, found.tags) == ("zz99", "ws", {"a": "b"})


def test_record_without_the_api_id_is_an_extract_error():
    raw = _raw()
    raw["responseElements"] = None
    with pytest.raises(ExtractError, match=r"responseElements\.apiId"):
        resolve(raw)


def test_the_event_alone_gives_name_protocol_and_cors():
    record = CloudTrailRecord(_raw(), "t")
    [resource] = Classifier().classify(record).resources
    args = DESCRIBE["aws_apigatewayv2_api"].from_event(record, resource).args
    assert (args["name"], args["protocol_type"]) == ("orders-http", "HTTP")
    assert args["cors_configuration"]["allow_methods"] == ["GET", "POST"]
    assert args["route_selection_expression"] is None
