"""Amazon EKS clusters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, sorted_strings
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _cluster_args(cluster: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    vpc = cluster.get("resourcesVpcConfig") or {}
    return {
        "name": cluster.get("name"),
        "role_arn": cluster.get("roleArn"),
        "version": cluster.get("version"),
        "vpc_config": {
            "subnet_ids": sorted_strings(vpc.get("subnetIds")),
            "security_group_ids": sorted_strings(vpc.get("securityGroupIds")),
            "endpoint_private_access": True if vpc.get("endpointPrivateAccess") else None,
            "endpoint_public_access": False if vpc.get("endpointPublicAccess") is False else None,
            "public_access_cidrs": [c for c in vpc.get("publicAccessCidrs") or () if c != "0.0.0.0/0"] or None,
        },
        "enabled_cluster_log_types": sorted_strings(
            t for entry in dig(cluster, "logging", "clusterLogging") or () if entry.get("enabled")
            for t in entry.get("types") or ()
        ),
        "tags": clean_tags(tags),
    }


def _describe_cluster(clients: Clients, resource: Resource) -> Model:
    cluster = clients("eks").describe_cluster(name=resource.import_id)["cluster"]
    return Model(args=_cluster_args(cluster, cluster.get("tags") or {}))


def _cluster_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    cluster = dict(dig(record.response, "cluster") or {}) if record is not None else {}
    for key in ("roleArn", "version", "resourcesVpcConfig", "logging"):
        cluster.setdefault(key, request.get(key))
    cluster["name"] = resource.import_id
    return Model(args=_cluster_args(cluster, resource.tags))


CODEGEN = (TypeCodegen("aws_eks_cluster", _describe_cluster, _cluster_from_event),)
