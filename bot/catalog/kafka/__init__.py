"""Amazon MSK (Managed Streaming for Apache Kafka): provisioned clusters."""

from __future__ import annotations

from bot.catalog.base import (
    CatalogEntry,
    Found,
    Located,
    Lookup,
    OtherType,
    console,
    dig,
    first,
    need,
    q,
    region_of,
    spelled_text,
    tags_from_map,
)
from bot.catalog.template_input import Clients, NotFound
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _console(region: str, arn: str) -> str:
    return console(region, f"msk/home?region={q(region)}#/cluster/{q(arn)}/view")


def _cluster(record: CloudTrailRecord) -> list[Found]:
    request, response = record.request, record.response
    kind = first((spelled_text(response, "clusterType"), "SERVERLESS" if dig(request, "serverless") is not None
                  or dig(request, "Serverless") is not None else "")).upper()
    if kind == "SERVERLESS":
        raise OtherType("aws_msk_serverless_cluster", "an MSK Serverless cluster")
    name = need(first((spelled_text(response, "clusterName"), spelled_text(request, "clusterName"))),
                "requestParameters.clusterName")
    # The ARN ends in an ID MSK makes up; a record without the response leaves it to the lookup.
    arn = spelled_text(response, "clusterArn")
    region = region_of(record)
    tags = tags_from_map(dig(request, "tags")) or tags_from_map(dig(request, "Tags"))
    return [
        Found(
            import_id=arn,
            name=name,
            arn=arn,
            console_url=_console(region, arn) if arn else console(region, f"msk/home?region={q(region)}#/clusters"),
            tags=tags,
        )
    ]


def _find(clients: Clients, resource: Resource) -> Located:
    """The provisioned cluster of that name (ListClustersV2 filters by name prefix, so the name is matched whole)."""
    kafka = clients("kafka")
    token = ""
    while True:
        page = kafka.list_clusters_v2(ClusterNameFilter=resource.name, ClusterTypeFilter="PROVISIONED",
                                      **({"NextToken": token} if token else {}))
        for cluster in page.get("ClusterInfoList", []):
            if cluster.get("ClusterName") == resource.name:
                return Located(import_id=cluster["ClusterArn"], arn=cluster["ClusterArn"])
        token = page.get("NextToken", "")
        if not token:
            raise NotFound(f"MSK cluster {resource.name}")


ENTRIES = (
    CatalogEntry(
        tf_type="aws_msk_cluster",
        label="MSK cluster",
        service="kafka",
        event_source="kafka.amazonaws.com",
        create_events=("CreateCluster", "CreateClusterV2"),
        delete_events=("DeleteCluster",),
        resolve=_cluster,
        import_id_format=(
            "cluster ARN: `terraform import aws_msk_cluster.example "
            "arn:aws:kafka:us-west-2:123456789012:cluster/example/279c0212-d057-4dba-9aa9-1c4e5a25bfc7-3`"
        ),
        # The topics and their messages live on the brokers' storage.
        loses_data=True,
        lookup=Lookup(call="kafka:ListClustersV2", find=_find),
    ),
)
