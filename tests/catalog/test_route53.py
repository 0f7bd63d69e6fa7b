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


RECORDS_DOC = DATA / "cloudtrail" / "public" / "route53__ChangeResourceRecordSets__1.json"


def _changes(*changes, zone="Z1PA6795UKMFR9"):
    raw = json.loads(RECORDS_DOC.read_text(encoding="utf-8"))
    raw["requestParameters"] = {"hostedZoneId": zone, "changeBatch": {"changes": list(changes)}}
    return raw


def resolve_records(raw):
    return CATALOG["aws_route53_record"].resolve(CloudTrailRecord(raw, "t"))


def test_one_resource_per_created_record_set_from_the_documented_record():
    [result] = Classifier().classify_envelope(parse_body(RECORDS_DOC.read_bytes(), RECORDS_DOC.name, 1 << 20))
    assert result.verdict == "detected", result
    assert [(r.tf_type, r.import_id) for r in result.resources] == [
        ("aws_route53_record", "Z1PA6795UKMFR9_prod.example.com_A"),
        ("aws_route53_record", "Z1PA6795UKMFR9_test.example.com_A"),
    ]
    first = result.resources[0]
    assert first.name == "prod.example.com A"
    assert first.console_url == "https://console.aws.amazon.com/route53/v2/hostedzones#ListRecordSets/Z1PA6795UKMFR9"
    assert first.loses_data is False


def test_upserts_count_and_deletes_in_the_same_batch_do_not():
    raw = _changes(
        {"action": "DELETE", "resourceRecordSet": {"name": "old.example.com.", "type": "A"}},
        {"action": "UPSERT", "resourceRecordSet": {"name": "WWW.Example.com.", "type": "cname"}},
        zone="/hostedzone/Z1PA6795UKMFR9",
    )
    assert [f.import_id for f in resolve_records(raw)] == ["Z1PA6795UKMFR9_www.example.com_CNAME"]


def test_a_batch_that_only_deletes_is_not_a_creation():
    raw = _changes({"action": "DELETE", "resourceRecordSet": {"name": "_acme-challenge.example.com", "type": "TXT"}})
    [result] = [Classifier().classify(CloudTrailRecord(raw, "t"))]
    assert (result.verdict, result.reason_code) == ("ignored", "not-a-create")


def test_set_identifier_wildcard_and_pascal_case_lists_in_items():
    raw = _changes()
    raw["requestParameters"] = {"HostedZoneId": "Z9", "ChangeBatch": {"Changes": {"items": [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "\\052.example.com.", "Type": "A",
                                                   "SetIdentifier": "eu west"}}]}}}
    [found] = resolve_records(raw)
    assert found.import_id == "Z9_*.example.com_A_eu west"
    assert found.name == "*.example.com A (eu west)"


def test_record_without_zone_or_changes_is_an_extract_error():
    raw = _changes()
    raw["requestParameters"] = {"changeBatch": {"changes": []}}
    with pytest.raises(ExtractError, match="hostedZoneId"):
        resolve_records(raw)
    raw["requestParameters"] = {"hostedZoneId": "Z9"}
    with pytest.raises(ExtractError, match="changes"):
        resolve_records(raw)


def test_import_ids_parse_back_as_the_provider_reads_them():
    from bot.catalog.route53 import parse_record_id

    assert parse_record_id("Z1_dev.example.com_NS") == ("Z1", "dev.example.com", "NS", "")
    assert parse_record_id("Z1_dev.example.com_NS_dev") == ("Z1", "dev.example.com", "NS", "dev")
    assert parse_record_id("Z1__acme-challenge.example.com_TXT") == ("Z1", "_acme-challenge.example.com", "TXT", "")


def test_record_state_maps_to_the_import_id():
    state = {"id": "Z1_www.example.com_A_blue", "zone_id": "Z1", "name": "www.example.com", "type": "A",
             "set_identifier": "blue"}
    assert CATALOG["aws_route53_record"].state_import_id(state) == "Z1_www.example.com_A_blue"


def test_record_from_the_event_alone_keeps_values_and_unquotes_txt():
    from bot.catalog import DESCRIBE

    raw = _changes({"action": "CREATE", "resourceRecordSet": {
        "name": "mail.example.com.", "type": "TXT", "tTL": 60,
        "resourceRecords": [{"value": "\"v=spf1 -all\""}]}})
    record = CloudTrailRecord(raw, "t")
    [found] = resolve_records(raw)
    resource = Classifier().classify(record).resources[0]
    assert resource.import_id == found.import_id
    args = DESCRIBE["aws_route53_record"].from_event(record, resource).args
    assert (args["name"], args["type"], args["ttl"], args["records"]) == ("mail.example.com", "TXT", 60,
                                                                          ["v=spf1 -all"])
