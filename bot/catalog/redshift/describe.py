"""Amazon Redshift provisioned clusters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags, sorted_strings
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

_PASSWORD_NOTE = "The master password is not read back: it stays as AWS holds it until this code sets one."  # noqa: S105 - advice text, not a password
_DEFAULT_DATABASE = "dev"
_DEFAULT_PORT = 5439
_DEFAULT_RETENTION = 1  # days of automated snapshots
_DEFAULT_VERSION = "1.0"


def _recase(body: Any) -> dict[str, Any]:
    """CloudTrail's camelCase fields (clusterIdentifier) under the API's names (ClusterIdentifier)."""
    if not isinstance(body, Mapping):
        return {}
    inner = body.get("cluster") or body.get("Cluster")
    body = inner if isinstance(inner, Mapping) else body
    return {k[0].upper() + k[1:]: v for k, v in body.items() if isinstance(k, str) and k}


def _default_or(value: Any, default: Any) -> Any:
    return value if value is not None and value != default else None


def _cluster_args(cluster: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    nodes = cluster.get("NumberOfNodes")
    groups = cluster.get("VpcSecurityGroups")
    group_ids = [g.get("VpcSecurityGroupId", g.get("vpcSecurityGroupId")) for g in groups] if groups \
        else cluster.get("VpcSecurityGroupIds")
    parameter_group = (dig(cluster, "ClusterParameterGroups", 0, "ParameterGroupName")
                       or dig(cluster, "ClusterParameterGroups", 0, "parameterGroupName")
                       or cluster.get("ClusterParameterGroupName"))
    roles = [r.get("IamRoleArn", r.get("iamRoleArn")) if isinstance(r, Mapping) else r
             for r in cluster.get("IamRoles") or ()]
    encrypted = cluster.get("Encrypted") is True
    return {
        "cluster_identifier": cluster.get("ClusterIdentifier"),
        "node_type": cluster.get("NodeType"),
        "number_of_nodes": _default_or(nodes, 1),
        "database_name": _default_or(cluster.get("DBName"), _DEFAULT_DATABASE),
        "master_username": cluster.get("MasterUsername"),
        "manage_master_password": True if cluster.get("MasterPasswordSecretArn") else None,
        "port": _default_or(dig(cluster, "Endpoint", "Port") or cluster.get("Port"), _DEFAULT_PORT),
        "cluster_subnet_group_name": cluster.get("ClusterSubnetGroupName"),
        "vpc_security_group_ids": sorted_strings(group_ids),
        "cluster_parameter_group_name": parameter_group
        if parameter_group and not str(parameter_group).startswith("default.") else None,
        "cluster_version": _default_or(cluster.get("ClusterVersion"), _DEFAULT_VERSION),
        # The provider's default has changed between major versions: written as AWS reports it.
        "publicly_accessible": cluster.get("PubliclyAccessible") is True,
        "encrypted": True if encrypted else None,
        "kms_key_id": cluster.get("KmsKeyId") if encrypted and cluster.get("KmsKeyId") else None,
        "enhanced_vpc_routing": True if cluster.get("EnhancedVpcRouting") is True else None,
        "iam_roles": sorted_strings(roles),
        "default_iam_role_arn": cluster.get("DefaultIamRoleArn"),
        "preferred_maintenance_window": cluster.get("PreferredMaintenanceWindow"),
        "automated_snapshot_retention_period": _default_or(cluster.get("AutomatedSnapshotRetentionPeriod"),
                                                           _DEFAULT_RETENTION),
        "manual_snapshot_retention_period": _default_or(cluster.get("ManualSnapshotRetentionPeriod"), -1),
        "allow_version_upgrade": False if cluster.get("AllowVersionUpgrade") is False else None,
        # AWS reports both as words ("enabled", "Enabled"); off is the provider's default.
        "availability_zone_relocation_enabled": True
        if str(cluster.get("AvailabilityZoneRelocationStatus", "")).lower() == "enabled" else None,
        "multi_az": True if str(cluster.get("MultiAZ", "")).lower() == "enabled" else None,
        "tags": clean_tags(tags),
    }


def _notes(args: Mapping[str, Any]) -> tuple[str, ...]:
    return () if args.get("manage_master_password") else (_PASSWORD_NOTE,)


def _describe_cluster(clients: Clients, resource: Resource) -> Model:
    found = clients("redshift").describe_clusters(ClusterIdentifier=resource.import_id)["Clusters"]
    if not found:
        raise NotFound(f"Redshift cluster {resource.import_id}")
    cluster = found[0]
    args = _cluster_args(cluster, pair_tags(cluster.get("Tags")))
    return Model(args=args, notes=_notes(args))


def _cluster_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _recase(record.request) if record is not None else {}
    response = _recase(record.response) if record is not None else {}
    cluster = {**request, **{k: v for k, v in response.items() if v is not None}}
    cluster["ClusterIdentifier"] = resource.import_id
    args = _cluster_args(cluster, resource.tags)
    args["publicly_accessible"] = cluster.get("PubliclyAccessible") is True if "PubliclyAccessible" in cluster \
        else None
    return Model(args=args, notes=_notes(args))


CODEGEN = (TypeCodegen("aws_redshift_cluster", _describe_cluster, _cluster_from_event),)
