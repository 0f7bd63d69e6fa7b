"""Deleting Route 53 hosted zones (only an empty one unless the person confirmed emptying it) and record sets (any
but the zone's own NS and SOA at its apex, which go with the zone)."""

from __future__ import annotations

from bot.catalog._delete import AlreadyGone, DeleteOutcome, DeleteRefused, DeleteRequest, call
from bot.catalog.route53 import parse_record_id, record_name
from bot.catalog.template_input import Clients


def delete_zone(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    route53 = aws("route53")
    zone = call(route53.get_hosted_zone, Id=req.import_id)["HostedZone"]
    apex = zone["Name"]
    extra = []
    for page in route53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=req.import_id):
        for record in page["ResourceRecordSets"]:
            # The apex NS and SOA records come with the zone and go with it.
            if not (record["Name"] == apex and record["Type"] in ("NS", "SOA")):
                extra.append(record)
    if extra and not req.confirm_empty:
        raise DeleteRefused(f"zone {apex} still holds {len(extra)} record(s); confirm emptying it to delete them too")
    if extra:
        route53.change_resource_record_sets(
            HostedZoneId=req.import_id,
            ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": r} for r in extra]},
        )
    call(route53.delete_hosted_zone, Id=req.import_id)
    return DeleteOutcome(f"Deleted hosted zone {apex}" + (f" and its {len(extra)} record(s)." if extra else "."))


def delete_record(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    zone, name, kind, set_identifier = parse_record_id(req.import_id)
    route53 = aws("route53")
    apex = record_name(call(route53.get_hosted_zone, Id=zone)["HostedZone"]["Name"])
    if name == apex and kind in ("NS", "SOA"):
        raise DeleteRefused(f"the {kind} record at the apex of {apex} belongs to the zone and goes only with it")
    answer = route53.list_resource_record_sets(HostedZoneId=zone, StartRecordName=name, StartRecordType=kind)
    for rrset in answer.get("ResourceRecordSets") or ():
        if (record_name(rrset.get("Name", "")), rrset.get("Type"), rrset.get("SetIdentifier", "")) == (
                name, kind, set_identifier):
            # A DELETE must repeat the set exactly as it is, values included.
            call(route53.change_resource_record_sets, HostedZoneId=zone,
                 ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": rrset}]})
            return DeleteOutcome(f"Deleted the {kind} record {name} from zone {apex}; the code that adopts it holds "
                                 "its values.")
    raise AlreadyGone(f"zone {zone} has no {kind} record {name}")


EXECUTORS = {
    "aws_route53_zone": delete_zone,
    "aws_route53_record": delete_record,
}
