"""Making Route 53 hosted zones and record sets, as the console does, and the CloudTrail records of the calls."""

from __future__ import annotations

import uuid

from bot.catalog._create import Call, CreateContext, pairs, slug


def create_zone(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    domain = f"{slug(name, limit=50)}.example.com"
    reference = str(uuid.uuid4())
    route53 = ctx.client("route53")
    zone = route53.create_hosted_zone(Name=domain, CallerReference=reference)["HostedZone"]
    if tags:
        route53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zone["Id"].split("/")[-1],
                                          AddTags=pairs(tags))
    return Call({"name": domain, "callerReference": reference},
                {"hostedZone": {"id": zone["Id"], "name": f"{domain}.", "callerReference": reference}})


def create_record(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    # A record set needs a zone; the sandbox's zone is made quietly on first use. Record sets take no tags.
    route53 = ctx.client("route53")
    zones = route53.list_hosted_zones_by_name(DNSName="sandbox.example.com").get("HostedZones") or []
    zone = next((z["Id"] for z in zones if z["Name"] == "sandbox.example.com."), None)
    if zone is None:
        zone = route53.create_hosted_zone(Name="sandbox.example.com", CallerReference=str(uuid.uuid4()))[
            "HostedZone"]["Id"]
    host = f"{slug(name, limit=50)}.sandbox.example.com"
    address = f"192.0.2.{ctx.counter() % 250 + 1}"
    rrset = {"Name": host, "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": address}]}
    change = route53.change_resource_record_sets(
        HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": rrset}]})["ChangeInfo"]
    return Call({"hostedZoneId": zone.split("/")[-1],
                 "changeBatch": {"changes": [{"action": "CREATE", "resourceRecordSet": {
                     "name": host, "type": "A", "tTL": 300, "resourceRecords": [{"value": address}]}}]}},
                {"changeInfo": {"id": change["Id"], "status": change["Status"]}},
                event_name="ChangeResourceRecordSets")


CREATORS = {
    "aws_route53_zone": create_zone,
    "aws_route53_record": create_record,
}
