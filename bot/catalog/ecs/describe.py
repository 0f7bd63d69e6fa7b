"""Amazon ECS clusters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _cluster_args(cluster: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    settings = [
        {"name": s.get("name"), "value": s.get("value")}
        for s in cluster.get("settings") or ()
        if s.get("name") == "containerInsights" and s.get("value") not in (None, "disabled")
    ]
    return {"name": cluster.get("clusterName"), "settings": settings, "tags": clean_tags(tags)}


def _describe_cluster(clients: Clients, resource: Resource) -> Model:
    found = clients("ecs").describe_clusters(clusters=[resource.import_id], include=["SETTINGS", "TAGS"])["clusters"]
    if not found or found[0].get("status") == "INACTIVE":
        raise NotFound(f"ECS cluster {resource.import_id}")
    return Model(args=_cluster_args(found[0], pair_tags(found[0].get("tags"), "key", "value")))


def _cluster_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    cluster = dict(dig(record.response, "cluster") or {}) if record is not None else {}
    if not cluster.get("settings") and record is not None:
        cluster["settings"] = record.request.get("settings")
    cluster["clusterName"] = resource.import_id
    return Model(args=_cluster_args(cluster, resource.tags))


CODEGEN = (TypeCodegen("aws_ecs_cluster", _describe_cluster, _cluster_from_event),)
