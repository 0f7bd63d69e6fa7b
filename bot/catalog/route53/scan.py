"""Amazon Route 53: the account's hosted zones, public and private, and their record sets, listed once per account
(Route 53 is global), less the apex NS and SOA sets every zone is made with and the zones other services run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.base import LISTS_PER_ACCOUNT, Listed, Lister, ScanScope
from bot.catalog.route53 import _zone_console, record_id, record_name, zone_id

# Where CloudTrail records Route 53's calls, so where an event-detected zone or record set is placed.
_REGION = "us-east-1"
# The record sets Route 53 makes at a zone's apex when it makes the zone (and which live and die with it).
_APEX_SETS = frozenset({"NS", "SOA"})
# A fact shows a record set's values up to this length.
_VALUE_CHARS = 80


def _zones(scope: ScanScope) -> Iterator[dict[str, Any]]:
    """The account's hosted zones, less those another service made and runs (LinkedService: Cloud Map makes one
    for each of its DNS namespaces and changes its records itself)."""
    for zone in paged(scope.clients("route53"), "list_hosted_zones", "HostedZones"):
        if not zone.get("LinkedService"):
            yield zone


def _zone_listing(scope: ScanScope) -> Iterator[Listed]:
    for zone in _zones(scope):
        zone_ = zone_id(zone["Id"])
        private = bool((zone.get("Config") or {}).get("PrivateZone"))
        facts = [("type", "private" if private else "public")]
        if zone.get("ResourceRecordSetCount") is not None:
            facts.append(("record sets", str(zone["ResourceRecordSetCount"])))
        yield Listed(
            import_id=zone_,
            # The API writes the name fully qualified; Terraform and people write it without the final dot.
            name=str(zone["Name"]).rstrip(".") or zone_,
            arn=scope.arn("route53", f"hostedzone/{zone_}", regional=False, account=False),
            console_url=_zone_console(scope.region, zone_),
            facts=tuple(facts),
            region=_REGION,
        )


def _record_listing(scope: ScanScope) -> Iterator[Listed]:
    route53 = scope.clients("route53")
    for zone in _zones(scope):
        zone_ = zone_id(zone["Id"])
        apex = record_name(zone["Name"])
        for record_set in paged(route53, "list_resource_record_sets", "ResourceRecordSets", HostedZoneId=zone_):
            name = record_name(record_set["Name"])
            kind = str(record_set["Type"]).upper()
            if name == apex and kind in _APEX_SETS:
                continue
            set_identifier = record_set.get("SetIdentifier") or ""
            yield Listed(
                import_id=record_id(zone_, name, kind, set_identifier),
                name=f"{name} {kind}" + (f" ({set_identifier})" if set_identifier else ""),
                # Record sets have no ARN of their own.
                arn="",
                console_url=_zone_console(scope.region, zone_),
                facts=_record_facts(record_set, kind),
                region=_REGION,
            )


def _record_facts(record_set: dict[str, Any], kind: str) -> tuple[tuple[str, str], ...]:
    facts: list[tuple[str, str]] = [("type", kind)]
    alias = record_set.get("AliasTarget")
    if isinstance(alias, dict) and alias.get("DNSName"):
        facts.append(("alias of", record_name(str(alias["DNSName"]))))
    if record_set.get("TTL") is not None:
        facts.append(("TTL", f"{record_set['TTL']} s"))
    values = ", ".join(str(r.get("Value", "")) for r in record_set.get("ResourceRecords", []) if r.get("Value"))
    if values:
        facts.append(("values", values if len(values) <= _VALUE_CHARS else values[: _VALUE_CHARS - 1] + "…"))
    routing = _routing(record_set)
    if routing:
        facts.append(("routing", routing))
    return tuple(facts)


def _routing(record_set: dict[str, Any]) -> str:
    """The routing policy of a set with a set identifier, as the console names it."""
    if record_set.get("Weight") is not None:
        return f"weighted {record_set['Weight']}"
    if record_set.get("Region"):
        return f"latency {record_set['Region']}"
    if record_set.get("Failover"):
        return f"failover {str(record_set['Failover']).lower()}"
    if record_set.get("GeoLocation"):
        return "geolocation"
    if record_set.get("GeoProximityLocation"):
        return "geoproximity"
    if record_set.get("CidrRoutingConfig"):
        return "IP-based"
    if record_set.get("MultiValueAnswer"):
        return "multivalue answer"
    return ""


LISTERS = {
    "aws_route53_zone": Lister(("route53:ListHostedZones",), _zone_listing, per=LISTS_PER_ACCOUNT),
    "aws_route53_record": Lister(("route53:ListHostedZones", "route53:ListResourceRecordSets"), _record_listing,
                                 per=LISTS_PER_ACCOUNT),
}
