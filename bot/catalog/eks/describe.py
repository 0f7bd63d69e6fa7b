"""Amazon EKS clusters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, sorted_strings
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _vpc_config(vpc: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "subnet_ids": sorted_strings(vpc.get("subnetIds")),
        "security_group_ids": sorted_strings(vpc.get("securityGroupIds")),
        "endpoint_private_access": True if vpc.get("endpointPrivateAccess") else None,
        "endpoint_public_access": False if vpc.get("endpointPublicAccess") is False else None,
        "public_access_cidrs": [c for c in vpc.get("publicAccessCidrs") or () if c != "0.0.0.0/0"] or None,
    }


def _network_config(network: Mapping[str, Any]) -> dict[str, Any] | None:
    """kubernetes_network_config: the service CIDR and IP family the cluster was created with (both force a new
    cluster), and EKS Auto Mode's load balancing switch."""
    out = {
        "service_ipv4_cidr": network.get("serviceIpv4Cidr") or None,
        "ip_family": network.get("ipFamily") or None,
        "elastic_load_balancing": _enabled(network.get("elasticLoadBalancing")),
    }
    return out if any(v is not None for v in out.values()) else None


def _compute(config: Any) -> dict[str, Any] | None:
    """EKS Auto Mode's compute_config, as the provider reads it back whenever AWS returns it."""
    if not isinstance(config, Mapping) or config.get("enabled") is None:
        return None
    return {"enabled": bool(config["enabled"]), "node_pools": sorted_strings(config.get("nodePools")),
            "node_role_arn": config.get("nodeRoleArn") or None}


def _remote_networks(config: Any) -> dict[str, list[str]] | None:
    """Hybrid nodes' remote node and pod CIDRs (they force a new cluster)."""
    if not isinstance(config, Mapping):
        return None
    out = {
        kind: sorted_strings(cidr for network in config.get(field) or () for cidr in network.get("cidrs") or ())
        for kind, field in (("nodes", "remoteNodeNetworks"), ("pods", "remotePodNetworks"))
    }
    return out if out["nodes"] else None


def _encryption(configs: Any) -> dict[str, Any] | None:
    for config in configs or ():
        key = dig(config, "provider", "keyArn")
        if key:
            return {"resources": sorted_strings(config.get("resources")), "key_arn": key}
    return None


def _enabled(config: Any) -> dict[str, Any] | None:
    """A block with one `enabled` flag; the provider reads it back whenever AWS returns it, even when off."""
    if not isinstance(config, Mapping) or config.get("enabled") is None:
        return None
    return {"enabled": bool(config["enabled"])}


def _cluster_args(cluster: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    return {
        "name": cluster.get("name"),
        "role_arn": cluster.get("roleArn"),
        "version": cluster.get("version"),
        "vpc_config": _vpc_config(cluster.get("resourcesVpcConfig") or {}),
        "enabled_cluster_log_types": sorted_strings(
            t for entry in dig(cluster, "logging", "clusterLogging") or () if entry.get("enabled")
            for t in entry.get("types") or ()
        ),
        "authentication_mode": dig(cluster, "accessConfig", "authenticationMode") or None,
        "kubernetes_network_config": _network_config(cluster.get("kubernetesNetworkConfig") or {}),
        "compute": _compute(cluster.get("computeConfig")),
        "block_storage": _enabled(dig(cluster, "storageConfig", "blockStorage")),
        "remote_networks": _remote_networks(cluster.get("remoteNetworkConfig")),
        "encryption": _encryption(cluster.get("encryptionConfig")),
        "support_type": dig(cluster, "upgradePolicy", "supportType") or None,
        "zonal_shift": _enabled(cluster.get("zonalShiftConfig")),
        "tags": clean_tags(tags),
    }


def _describe_cluster(clients: Clients, resource: Resource) -> Model:
    cluster = clients("eks").describe_cluster(name=resource.import_id)["cluster"]
    return Model(args=_cluster_args(cluster, cluster.get("tags") or {}))


def _cluster_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    cluster = dict(dig(record.response, "cluster") or {}) if record is not None else {}
    for key in ("roleArn", "version", "resourcesVpcConfig", "logging", "accessConfig", "kubernetesNetworkConfig",
                "encryptionConfig", "upgradePolicy", "zonalShiftConfig", "computeConfig", "storageConfig",
                "remoteNetworkConfig"):
        cluster.setdefault(key, request.get(key))
    cluster["name"] = resource.import_id
    return Model(args=_cluster_args(cluster, resource.tags))


CODEGEN = (TypeCodegen("aws_eks_cluster", _describe_cluster, _cluster_from_event),)
