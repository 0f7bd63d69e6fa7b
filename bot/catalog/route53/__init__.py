"""Amazon Route 53 hosted zones."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, dig, first, need, q, region_of, text
from bot.events import CloudTrailRecord

_ZONE_PREFIX = "/hostedzone/"


def zone_id(value: str) -> str:
    """A hosted zone ID as import takes it: the API's '/hostedzone/Z123' without its prefix."""
    return value.removeprefix(_ZONE_PREFIX)


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
            # Route 53 is global: its console has no regional host.
            console_url=console(region_of(record), f"route53/v2/hostedzones#ListRecordSets/{q(zone)}", subdomain=""),
            # CreateHostedZone takes no tags; they come later through ChangeTagsForResource.
            tags={},
        )
    ]


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
)
