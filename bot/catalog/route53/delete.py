"""Deleting Route 53 hosted zones: only an empty one unless the person confirmed emptying it."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRefused, DeleteRequest, call
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


EXECUTORS = {
    "aws_route53_zone": delete_zone,
}
