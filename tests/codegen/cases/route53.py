"""Route 53 record sets: made in moto as the console makes them, and whether one is gone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def make_record(aws: Aws) -> Made:
    route53 = aws("route53")
    zone = route53.create_hosted_zone(Name="example.com", CallerReference="ref-r")["HostedZone"]["Id"]
    zone_id = zone.removeprefix("/hostedzone/")
    rrset = {"Name": "api.example.com.", "Type": "TXT", "TTL": 120, "SetIdentifier": "blue", "Weight": 70,
             "ResourceRecords": [{"Value": '"v=spf1 include:${mail} -all"'}, {"Value": '"blue"'}]}
    change = route53.change_resource_record_sets(
        HostedZoneId=zone_id, ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": rrset}]})
    record = cloudtrail(
        "route53.amazonaws.com", "ChangeResourceRecordSets",
        {"hostedZoneId": zone_id, "changeBatch": {"changes": [{"action": "CREATE", "resourceRecordSet": {
            "name": "api.example.com.", "type": "TXT", "tTL": 120, "setIdentifier": "blue", "weight": 70,
            "resourceRecords": [{"value": '"v=spf1 include:${mail} -all"'}, {"value": '"blue"'}]}}]}},
        {"changeInfo": {"id": change["ChangeInfo"]["Id"], "status": "PENDING"}},
    )
    expect = {"zone_id": zone_id, "name": "api.example.com", "type": "TXT", "ttl": 120, "set_identifier": "blue",
              "records": ["v=spf1 include:${mail} -all", "blue"], "weighted_routing_policy": [{"weight": 70}]}
    return Made(record, f"{zone_id}_api.example.com_TXT_blue", expect)


def _record_gone(aws: Aws, import_id: str) -> bool:
    zone, rest = import_id.split("_", 1)
    sets = aws("route53").list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    return all(f"{s['Name'].rstrip('.').lower()}_{s['Type']}_{s.get('SetIdentifier', '')}".rstrip("_") != rest
               for s in sets)


CASES = {"aws_route53_record": make_record}
GONE = {"aws_route53_record": _record_gone}
