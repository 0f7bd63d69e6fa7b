"""Amazon Route 53 hosted zones and their record sets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog import _arn
from bot.catalog._describe import items
from bot.catalog.base import (
    CatalogEntry,
    ExtractError,
    Found,
    NotACreation,
    console,
    dig,
    first,
    need,
    q,
    region_of,
    text,
)
from bot.events import CloudTrailRecord

_ZONE_PREFIX = "/hostedzone/"
# Changes that leave a record set in place afterwards. UPSERT makes the set where it does not exist yet; where it
# replaced one, the set is reported all the same (a set a Terraform state manages is screened out as managed).
_CREATING = ("CREATE", "UPSERT")
# What Route 53 writes in place of a '*' in a name it returns.
_WILDCARD = "\\052"
# The record types the API takes (RRType).
RECORD_TYPES = frozenset({"A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV",
                          "SSHFP", "SVCB", "TLSA", "TXT"})


def zone_id(value: str) -> str:
    """A hosted zone ID as import takes it: the API's '/hostedzone/Z123' without its prefix."""
    return value.removeprefix(_ZONE_PREFIX)


def _zone_console(region: str, zone: str) -> str:
    """The zone's page (its record sets); Route 53 is global: its console has no regional host."""
    return console(region, f"route53/v2/hostedzones#ListRecordSets/{q(zone)}", subdomain="")


def _zone(record: CloudTrailRecord) -> list[Found]:
    raw_id = need(dig(record.response, "hostedZone", "id"), "responseElements.hostedZone.id")
    zone = zone_id(raw_id)
    # The API echoes the name fully qualified; Terraform and people write it without the final dot.
    name = first((text(record.request.get("name")), text(dig(record.response, "hostedZone", "name")))).rstrip(".")
    return [
        Found(
            import_id=zone,
            name=name or zone,
            arn=_arn.global_arn(record, "route53", f"hostedzone/{zone}"),
            console_url=_zone_console(region_of(record), zone),
            # CreateHostedZone takes no tags; they come later through ChangeTagsForResource.
            tags={},
        )
    ]


def record_name(value: str) -> str:
    """A record set's name as the provider writes it: lower case, without the final dot, '*' for the wildcard."""
    return value.replace(_WILDCARD, "*").rstrip(".").lower()


def record_id(zone: str, name: str, kind: str, set_identifier: str = "") -> str:
    """ZONEID_name_TYPE, with _SETIDENTIFIER appended where the set has one (the provider's import ID)."""
    return "_".join(part for part in (zone, record_name(name), kind.upper(), set_identifier) if part)


def parse_record_id(import_id: str) -> tuple[str, str, str, str]:
    """(zone ID, name, type, set identifier) from an import ID, read as the provider reads it: the type is the last
    part, or the one before it when the last is the set identifier."""
    zone, _, rest = import_id.partition("_")
    name, _, last = rest.rpartition("_")
    if last.upper() in RECORD_TYPES:
        return zone, name, last.upper(), ""
    name, _, kind = name.rpartition("_")
    return zone, name, kind.upper(), last


def _field(obj: Any, *names: str) -> Any:
    """The first of a field's spellings an object has (CloudTrail writes tTL, some producers TTL or ttl)."""
    if not isinstance(obj, dict):
        return None
    for name in names:
        if name in obj:
            return obj[name]
    return None


def created_sets(request: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The record sets a ChangeResourceRecordSets request creates (or upserts), as CloudTrail wrote them."""
    batch = _field(request, "changeBatch", "ChangeBatch") or {}
    changes = items(_field(batch, "changes", "Changes"))
    out = []
    for change in changes:
        action = text(_field(change, "action", "Action")).upper()
        record_set = _field(change, "resourceRecordSet", "ResourceRecordSet")
        if action in _CREATING and isinstance(record_set, dict):
            out.append(record_set)
    return out


def _records(record: CloudTrailRecord) -> list[Found]:
    request = record.request
    changes = items(_field(_field(request, "changeBatch", "ChangeBatch"), "changes", "Changes"))
    raw_zone = need(_field(request, "hostedZoneId", "HostedZoneId", "id", "Id"), "requestParameters.hostedZoneId")
    zone = zone_id(raw_zone)
    created = created_sets(request)
    if not created:
        if changes:
            raise NotACreation("the change batch only deletes record sets")
        raise ExtractError("the record has no requestParameters.changeBatch.changes")
    found = []
    for record_set in created:
        name = record_name(need(_field(record_set, "name", "Name"), "resourceRecordSet.name"))
        kind = need(_field(record_set, "type", "Type"), "resourceRecordSet.type").upper()
        set_identifier = text(_field(record_set, "setIdentifier", "SetIdentifier"))
        found.append(Found(
            import_id=record_id(zone, name, kind, set_identifier),
            name=f"{name} {kind}" + (f" ({set_identifier})" if set_identifier else ""),
            # Record sets have no ARN of their own.
            arn="",
            console_url=_zone_console(region_of(record), zone),
            # Record sets take no tags.
            tags={},
        ))
    return found


def _record_state_id(attributes: Mapping[str, Any]) -> str | None:
    zone = attributes.get("zone_id")
    name = attributes.get("name") or attributes.get("fqdn")
    kind = attributes.get("type")
    if isinstance(zone, str) and isinstance(name, str) and isinstance(kind, str) and zone and name and kind:
        set_identifier = attributes.get("set_identifier")
        return record_id(zone_id(zone), name, kind, set_identifier if isinstance(set_identifier, str) else "")
    value = attributes.get("id")
    return value if isinstance(value, str) and value else None


def _state_id(attributes: Mapping[str, Any]) -> str | None:
    value = attributes.get("zone_id") or attributes.get("id")
    if not isinstance(value, str):
        return None
    return zone_id(value) or None


ENTRIES = (
    CatalogEntry(
        tf_type="aws_route53_zone",
        label="Route 53 hosted zone",
        service="route53",
        event_source="route53.amazonaws.com",
        create_events=("CreateHostedZone",),
        delete_events=("DeleteHostedZone",),
        resolve=_zone,
        import_id_format="zone ID: `terraform import aws_route53_zone.myzone Z1D633PJN98FT9`",
        # Its record sets are data no creation event describes.
        loses_data=True,
        state_import_id=_state_id,
    ),
    CatalogEntry(
        tf_type="aws_route53_record",
        label="Route 53 record",
        service="route53",
        event_source="route53.amazonaws.com",
        create_events=("ChangeResourceRecordSets",),
        # A record set is deleted by a DELETE change of this same call, which names it by zone, name and type: the
        # single identifiers bot/consumer/gone.py matches never make its composite import ID, so none is listed.
        delete_events=(),
        resolve=_records,
        import_id_format=(
            "zone ID, name, type and set identifier if any, joined by '_': `terraform import "
            "aws_route53_record.myrecord Z4KAPRWWNC7JR_dev.example.com_NS` "
            "(`Z4KAPRWWNC7JR_dev.example.com_NS_dev` with a set identifier)"
        ),
        # Its values are all in the definition that adopts it.
        loses_data=False,
        state_import_id=_record_state_id,
    ),
)
