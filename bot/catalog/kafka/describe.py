"""Amazon MSK provisioned clusters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, sorted_strings
from bot.catalog.base import dig, tags_from_map
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _pascal(body: Any) -> Any:
    """CloudTrail's camelCase fields (brokerNodeGroupInfo) under the API's names (BrokerNodeGroupInfo), at every
    level; tags keep their keys."""
    if isinstance(body, list):
        return [_pascal(item) for item in body]
    if not isinstance(body, Mapping):
        return body
    return {k[0].upper() + k[1:]: (v if k in ("tags", "Tags") else _pascal(v))
            for k, v in body.items() if isinstance(k, str) and k}


def _storage(group: Mapping[str, Any]) -> dict[str, Any] | None:
    ebs = dig(group, "StorageInfo", "EbsStorageInfo") or {}
    if not ebs.get("VolumeSize"):
        return None
    throughput = ebs.get("ProvisionedThroughput") or {}
    return {"volume_size": ebs.get("VolumeSize"),
            "provisioned_throughput": {"enabled": True, "volume_throughput": throughput.get("VolumeThroughput")}
            if throughput.get("Enabled") is True else None}


def _encryption(info: Mapping[str, Any]) -> dict[str, Any] | None:
    in_transit = info.get("EncryptionInTransit") or {}
    client_broker = in_transit.get("ClientBroker")
    key = dig(info, "EncryptionAtRest", "DataVolumeKMSKeyId")
    transit = {
        # TLS between clients and brokers, and within the cluster, are the provider's defaults.
        "client_broker": client_broker if client_broker and client_broker != "TLS" else None,
        "in_cluster": False if in_transit.get("InCluster") is False else None,
    }
    # An AWS-owned key is the default, reported as the account's aws/kafka key; a key chosen by its ARN is written.
    at_rest = key if isinstance(key, str) and key.startswith("arn:") and ":alias/aws/" not in key else None
    if not at_rest and not any(v is not None for v in transit.values()):
        return None
    return {"encryption_at_rest_kms_key_arn": at_rest,
            "encryption_in_transit": transit if any(v is not None for v in transit.values()) else None}


def _cluster_args(cluster: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    # DescribeClusterV2 nests a provisioned cluster's settings; DescribeCluster and the older request hold them flat.
    nested = cluster.get("Provisioned")
    provisioned: Mapping[str, Any] = nested if isinstance(nested, Mapping) else cluster
    group = provisioned.get("BrokerNodeGroupInfo") or {}
    software = provisioned.get("CurrentBrokerSoftwareInfo") or {}
    configuration = software.get("ConfigurationArn") or dig(provisioned, "ConfigurationInfo", "Arn")
    revision = software.get("ConfigurationRevision") or dig(provisioned, "ConfigurationInfo", "Revision")
    monitoring = provisioned.get("EnhancedMonitoring")
    distribution = group.get("BrokerAZDistribution")
    return {
        "cluster_name": cluster.get("ClusterName"),
        "kafka_version": software.get("KafkaVersion") or provisioned.get("KafkaVersion"),
        "number_of_broker_nodes": provisioned.get("NumberOfBrokerNodes"),
        "broker_node_group_info": {
            "instance_type": group.get("InstanceType"),
            "client_subnets": sorted_strings(group.get("ClientSubnets")),
            "security_groups": sorted_strings(group.get("SecurityGroups")),
            "az_distribution": distribution if distribution and distribution != "DEFAULT" else None,
            "storage": _storage(group),
        },
        "encryption_info": _encryption(provisioned.get("EncryptionInfo") or {}),
        "configuration_info": {"arn": configuration, "revision": revision}
        if isinstance(configuration, str) and configuration.startswith("arn:") and revision else None,
        "enhanced_monitoring": monitoring if monitoring and monitoring != "DEFAULT" else None,
        "tags": clean_tags(tags),
    }


def _describe_cluster(clients: Clients, resource: Resource) -> Model:
    cluster = clients("kafka").describe_cluster_v2(ClusterArn=resource.import_id).get("ClusterInfo")
    if not cluster:
        raise NotFound(f"MSK cluster {resource.import_id}")
    return Model(args=_cluster_args(cluster, tags_from_map(cluster.get("Tags"))))


def _cluster_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _pascal(record.request) if record is not None else {}
    response = _pascal(record.response) if record is not None else {}
    cluster = {**request, **{k: v for k, v in response.items() if v is not None}}
    cluster["ClusterName"] = resource.name or cluster.get("ClusterName")
    return Model(args=_cluster_args(cluster, resource.tags))


CODEGEN = (TypeCodegen("aws_msk_cluster", _describe_cluster, _cluster_from_event),)
