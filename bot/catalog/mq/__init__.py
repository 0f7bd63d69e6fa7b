"""Amazon MQ: message brokers (ActiveMQ and RabbitMQ)."""

from __future__ import annotations

from typing import Any

from bot.catalog import _arn
from bot.catalog._describe import unwrap
from bot.catalog.base import (
    CatalogEntry,
    ExtractError,
    Found,
    Located,
    Lookup,
    console,
    dig,
    first,
    q,
    region_of,
    spelled_text,
    tags_from_map,
    tags_from_pairs,
)
from bot.catalog.template_input import Clients, NotFound
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _id_in(arn: str) -> str:
    # arn:<partition>:mq:<region>:<account>:broker:<name>:<id>; the broker's ID is always the last part.
    parts = arn.split(":")
    return parts[-1] if len(parts) >= 7 and parts[5] == "broker" else ""


def _tags(request: Any) -> dict[str, str]:
    tags = dig(request, "tags") if dig(request, "tags") is not None else dig(request, "Tags")
    # The REST API takes a map; a list of pairs is read too.
    return tags_from_pairs(tags) if isinstance(tags, list) else tags_from_map(tags)


def _console(region: str, broker_id: str) -> str:
    if not broker_id:
        return console(region, f"amazon-mq/home?region={q(region)}#/brokers")
    return console(region, f"amazon-mq/home?region={q(region)}#/brokers/details?id={q(broker_id)}")


def _broker(record: CloudTrailRecord) -> list[Found]:
    response = unwrap(record.response, "CreateBrokerResponse")
    request = unwrap(record.request, "CreateBrokerRequest")
    arn = spelled_text(response, "brokerArn")
    broker_id = first((spelled_text(response, "brokerId"), _id_in(arn)))
    name = first((spelled_text(request, "brokerName"), spelled_text(response, "brokerName")))
    if not broker_id and not name:
        raise ExtractError("the record has no responseElements.brokerId or requestParameters.brokerName")
    region = region_of(record)
    if not arn and broker_id and name:
        arn = _arn.build(record, "mq", f"broker:{name}:{broker_id}")
    return [
        Found(
            # A record without the response (an error'd delivery, a null responseElements) leaves the ID, which
            # Amazon MQ makes up, to the lookup by name.
            import_id=broker_id,
            name=name or broker_id,
            arn=arn,
            console_url=_console(region, broker_id),
            tags=_tags(request),
        )
    ]


def _find(clients: Clients, resource: Resource) -> Located:
    """The broker of that name: names are unique in an account and region."""
    mq = clients("mq")
    token = ""
    while True:
        page = mq.list_brokers(MaxResults=100, **({"NextToken": token} if token else {}))
        for broker in page.get("BrokerSummaries", []):
            if broker.get("BrokerName") == resource.name and broker.get("BrokerId"):
                return Located(import_id=broker["BrokerId"], arn=broker.get("BrokerArn", ""))
        token = page.get("NextToken", "")
        if not token:
            raise NotFound(f"MQ broker {resource.name}")


ENTRIES = (
    CatalogEntry(
        tf_type="aws_mq_broker",
        label="MQ broker",
        service="mq",
        # CloudTrail names the service amazonmq, not mq (the API's endpoint prefix).
        event_source="amazonmq.amazonaws.com",
        create_events=("CreateBroker",),
        delete_events=("DeleteBroker",),
        resolve=_broker,
        import_id_format=(
            "broker ID: `terraform import aws_mq_broker.example a1b2c3d4-d5f6-7777-8888-9999aaaabbbbcccc`"
        ),
        # Queued messages live on the broker's storage, and Amazon MQ keeps no backup of them.
        loses_data=True,
        lookup=Lookup(call="mq:ListBrokers", find=_find),
    ),
)
