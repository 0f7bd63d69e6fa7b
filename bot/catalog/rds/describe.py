"""Amazon RDS: DB instances and Aurora clusters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags, sorted_strings, true_or_none
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

_PASSWORD_NOTE = "The master password is not read back: it stays as AWS holds it until this code sets one."  # noqa: S105 - advice text, not a password


def _groups(value: Any) -> list[str]:
    return sorted_strings(
        g.get("VpcSecurityGroupId", g.get("vpcSecurityGroupId")) if isinstance(g, dict) else g for g in value or ()
    )


def _parameter_group(value: Any) -> str | None:
    return value if value and not str(value).startswith("default.") else None


def _instance_args(db: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    storage_type = db.get("StorageType")
    groups = db.get("DBParameterGroups") or ()
    return {
        "identifier": db.get("DBInstanceIdentifier"),
        "engine": db.get("Engine"),
        "engine_version": db.get("EngineVersion"),
        "instance_class": db.get("DBInstanceClass"),
        "allocated_storage": db.get("AllocatedStorage"),
        "max_allocated_storage": db.get("MaxAllocatedStorage"),
        "storage_type": storage_type,
        "iops": db.get("Iops") if storage_type in ("io1", "io2", "gp3") else None,
        "db_name": db.get("DBName"),
        "username": db.get("MasterUsername"),
        "manage_master_user_password": True if db.get("MasterUserSecret") else None,
        "db_subnet_group_name": dig(db, "DBSubnetGroup", "DBSubnetGroupName") or db.get("DBSubnetGroupName"),
        "vpc_security_group_ids": _groups(db.get("VpcSecurityGroups")),
        "parameter_group_name": _parameter_group(dig(groups, 0, "DBParameterGroupName")),
        "multi_az": true_or_none(db.get("MultiAZ")),
        "publicly_accessible": true_or_none(db.get("PubliclyAccessible")),
        "storage_encrypted": true_or_none(db.get("StorageEncrypted")),
        "deletion_protection": true_or_none(db.get("DeletionProtection")),
        "tags": clean_tags(tags),
    }


def _describe_instance(clients: Clients, resource: Resource) -> Model:
    found = clients("rds").describe_db_instances(DBInstanceIdentifier=resource.import_id)["DBInstances"]
    if not found:
        raise NotFound(f"DB instance {resource.import_id}")
    db = found[0]
    args = _instance_args(db, pair_tags(db.get("TagList")))
    notes = () if args["manage_master_user_password"] else (_PASSWORD_NOTE,)
    return Model(args=args, notes=notes)


def _recase(body: Mapping[str, Any]) -> dict[str, Any]:
    """CloudTrail's camelCase RDS fields (dBInstanceIdentifier) under their API names (DBInstanceIdentifier)."""
    out = {}
    for key, value in body.items():
        if key.startswith("dB"):
            out["DB" + key[2:]] = value
        else:
            out[key[0].upper() + key[1:]] = value
    return out


def _instance_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _recase(record.request) if record is not None else {}
    response = _recase(record.response) if record is not None else {}
    db = {**request, **{k: v for k, v in response.items() if v is not None}}
    db["DBInstanceIdentifier"] = resource.import_id
    db["DBSubnetGroupName"] = request.get("DBSubnetGroupName")
    db.pop("DBSubnetGroup", None)
    if "VpcSecurityGroupIds" in request and not db.get("VpcSecurityGroups"):
        db["VpcSecurityGroups"] = request["VpcSecurityGroupIds"]
    args = _instance_args(db, resource.tags)
    args["manage_master_user_password"] = true_or_none(request.get("ManageMasterUserPassword"))
    notes = () if args["manage_master_user_password"] else (_PASSWORD_NOTE,)
    return Model(args=args, notes=notes)


def _cluster_args(cluster: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    mode = cluster.get("EngineMode")
    return {
        "cluster_identifier": cluster.get("DBClusterIdentifier"),
        "engine": cluster.get("Engine"),
        "engine_version": cluster.get("EngineVersion"),
        "engine_mode": mode if mode and mode != "provisioned" else None,
        "database_name": cluster.get("DatabaseName"),
        "master_username": cluster.get("MasterUsername"),
        "manage_master_user_password": True if cluster.get("MasterUserSecret") else None,
        "db_subnet_group_name": cluster.get("DBSubnetGroup") if isinstance(cluster.get("DBSubnetGroup"), str)
        else cluster.get("DBSubnetGroupName"),
        "vpc_security_group_ids": _groups(cluster.get("VpcSecurityGroups")),
        "storage_encrypted": true_or_none(cluster.get("StorageEncrypted")),
        "deletion_protection": true_or_none(cluster.get("DeletionProtection")),
        "tags": clean_tags(tags),
    }


def _describe_cluster(clients: Clients, resource: Resource) -> Model:
    found = clients("rds").describe_db_clusters(DBClusterIdentifier=resource.import_id)["DBClusters"]
    if not found:
        raise NotFound(f"DB cluster {resource.import_id}")
    cluster = found[0]
    args = _cluster_args(cluster, pair_tags(cluster.get("TagList")))
    notes = () if args["manage_master_user_password"] else (_PASSWORD_NOTE,)
    return Model(args=args, notes=notes)


def _cluster_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _recase(record.request) if record is not None else {}
    response = _recase(record.response) if record is not None else {}
    cluster = {**request, **{k: v for k, v in response.items() if v is not None}}
    cluster["DBClusterIdentifier"] = resource.import_id
    if "VpcSecurityGroupIds" in request and not cluster.get("VpcSecurityGroups"):
        cluster["VpcSecurityGroups"] = request["VpcSecurityGroupIds"]
    args = _cluster_args(cluster, resource.tags)
    args["manage_master_user_password"] = true_or_none(request.get("ManageMasterUserPassword"))
    notes = () if args["manage_master_user_password"] else (_PASSWORD_NOTE,)
    return Model(args=args, notes=notes)


CODEGEN = (
    TypeCodegen("aws_db_instance", _describe_instance, _instance_from_event),
    TypeCodegen("aws_rds_cluster", _describe_cluster, _cluster_from_event),
)
