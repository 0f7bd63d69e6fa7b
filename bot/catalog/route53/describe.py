"""Amazon Route 53 hosted zones (the import ID is the zone ID without its /hostedzone/ prefix) and record sets
(ZONEID_name_TYPE[_SETIDENTIFIER])."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags
from bot.catalog.base import dig
from bot.catalog.route53 import created_sets, parse_record_id, record_id, record_name
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _zone_args(zone: Mapping[str, Any], vpcs: Any, tags: Mapping[str, str]) -> dict[str, Any]:
    return {
        "name": str(zone.get("Name") or "").rstrip("."),
        # The provider writes "Managed by Terraform" where comment is missing: always state the real one.
        "comment": dig(zone, "Config", "Comment") or "",
        "vpcs": [{"vpc_id": v.get("VPCId"), "vpc_region": v.get("VPCRegion")} for v in vpcs or () if v.get("VPCId")],
        "tags": clean_tags(tags),
    }


def _describe_zone(clients: Clients, resource: Resource) -> Model:
    route53 = clients("route53")
    found = route53.get_hosted_zone(Id=resource.import_id)
    tags = route53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=resource.import_id)
    tag_set = pair_tags(dig(tags, "ResourceTagSet", "Tags"))
    return Model(args=_zone_args(found["HostedZone"], found.get("VPCs"), tag_set))


def _zone_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    zone = {"Name": request.get("name") or resource.name,
            "Config": {"Comment": dig(request, "hostedZoneConfig", "comment")}}
    vpc = request.get("vPC") or request.get("vpc")
    vpcs = []
    if isinstance(vpc, dict):
        vpc_id = vpc.get("vPCId") or vpc.get("vpcId")
        vpcs = [{"VPCId": vpc_id, "VPCRegion": vpc.get("vPCRegion") or vpc.get("vpcRegion")}]
    return Model(args=_zone_args(zone, vpcs, resource.tags))


def _txt(value: str, kind: str) -> str:
    """A record value as the provider keeps it: TXT and SPF strings without their outer quotes."""
    if kind in ("TXT", "SPF") and len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return value[1:-1]
    return value


def _record_args(zone: str, rrset: Mapping[str, Any]) -> dict[str, Any]:
    """A record set's arguments from the API's shape (ResourceRecordSet)."""
    kind = str(rrset.get("Type") or "").upper()
    alias = rrset.get("AliasTarget") or {}
    geo = rrset.get("GeoLocation") or {}
    return {
        "zone_id": zone,
        "name": record_name(str(rrset.get("Name") or "")),
        "type": kind,
        "set_identifier": rrset.get("SetIdentifier") or None,
        "ttl": rrset.get("TTL"),
        "records": [_txt(str(r.get("Value")), kind) for r in rrset.get("ResourceRecords") or () if r.get("Value")],
        "health_check_id": rrset.get("HealthCheckId") or None,
        "multivalue_answer_routing_policy": True if rrset.get("MultiValueAnswer") else None,
        "alias": {
            "name": record_name(str(alias.get("DNSName") or "")),
            "zone_id": alias.get("HostedZoneId"),
            "evaluate_target_health": bool(alias.get("EvaluateTargetHealth")),
        } if alias.get("DNSName") else None,
        "weighted_routing_policy": {"weight": rrset["Weight"]} if rrset.get("Weight") is not None else None,
        "latency_routing_policy": {"region": rrset["Region"]} if rrset.get("Region") else None,
        "failover_routing_policy": {"type": rrset["Failover"]} if rrset.get("Failover") else None,
        "geolocation_routing_policy": {
            "continent": geo.get("ContinentCode"), "country": geo.get("CountryCode"),
            "subdivision": geo.get("SubdivisionCode"),
        } if geo else None,
    }


def _describe_record(clients: Clients, resource: Resource) -> Model:
    zone, name, kind, set_identifier = parse_record_id(resource.import_id)
    route53 = clients("route53")
    answer = route53.list_resource_record_sets(HostedZoneId=zone, StartRecordName=name, StartRecordType=kind)
    for rrset in answer.get("ResourceRecordSets") or ():
        if (record_name(rrset.get("Name", "")), rrset.get("Type"), rrset.get("SetIdentifier", "")) == (
                name, kind, set_identifier):
            return Model(args=_record_args(zone, rrset))
    raise NotFound(f"zone {zone} has no {kind} record set {name}" + (f" ({set_identifier})" if set_identifier else ""))


def _recase(value: Any) -> Any:
    """CloudTrail's camelCase (tTL, aliasTarget.dNSName) as the API's PascalCase, at any depth."""
    renames = {"tTL": "TTL", "dNSName": "DNSName", "tTl": "TTL", "ttl": "TTL"}
    if isinstance(value, dict):
        return {renames.get(k, k[:1].upper() + k[1:]): _recase(v) for k, v in value.items() if k}
    if isinstance(value, list):
        return [_recase(v) for v in value]
    return value


def _record_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    zone, name, kind, set_identifier = parse_record_id(resource.import_id)
    for rrset in created_sets(record.request) if record is not None else ():
        api = _recase(rrset)
        resource_records = api.get("ResourceRecords")
        if isinstance(resource_records, dict):  # {"items": [...]} or {"member": [...]}
            api["ResourceRecords"] = next((v for v in resource_records.values() if isinstance(v, list)), [])
        if record_id(zone, str(api.get("Name") or ""), str(api.get("Type") or ""),
                     str(api.get("SetIdentifier") or "")) == resource.import_id:
            return Model(args=_record_args(zone, api))
    return Model(args=_record_args(zone, {"Name": name, "Type": kind, "SetIdentifier": set_identifier}))


CODEGEN = (
    TypeCodegen("aws_route53_zone", _describe_zone, _zone_from_event),
    TypeCodegen("aws_route53_record", _describe_record, _record_from_event),
)
