import json

import pytest

from bot.catalog import CATALOG, ExtractError
from bot.classify import Classifier
from bot.events import CloudTrailRecord, parse_body
from tests.conftest import DATA

# The corpus's only CreateHostedZone is Terraform's (ignored); tests/data/cloudtrail holds a human copy of it.
CORPUS_IDS: dict[str, list[tuple[str, str]]] = {}
HUMAN = DATA / "cloudtrail" / "route53__CreateHostedZone__human.json"


def test_zone_import_id_drops_the_hostedzone_prefix():
    [result] = Classifier().classify_envelope(parse_body(HUMAN.read_bytes(), HUMAN.name, 1 << 20))
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_route53_zone", "AAAAAAAAAAAAAAAA")
    assert resource.name == "arms.xxxxxxxxxx.com"
    assert resource.arn == "arn:aws:route53:::hostedzone/AAAAAAAAAAAAAAAA"
    assert (
        resource.console_url == "https://console.aws.amazon.com/route53/v2/hostedzones#ListRecordSets/AAAAAAAAAAAAAAAA"
    )
    assert resource.tags == {}
    assert resource.loses_data is True


def test_response_without_the_zone_id_is_an_extract_error():
    raw = json.loads(HUMAN.read_text(encoding="utf-8"))
    raw["responseElements"] = None
    with pytest.raises(ExtractError, match=r"responseElements\.hostedZone\.id"):
        CATALOG["aws_route53_zone"].resolve(CloudTrailRecord(raw, "t"))


@pytest.mark.parametrize(
    "attributes",
    [
        {"id": "Z1D633PJN98FT9", "zone_id": "Z1D633PJN98FT9", "name": "example.com"},
        {"id": "/hostedzone/Z1D633PJN98FT9"},
    ],
)
def test_state_attributes_map_to_the_bare_zone_id(attributes):
    assert CATALOG["aws_route53_zone"].state_import_id(attributes) == "Z1D633PJN98FT9"
