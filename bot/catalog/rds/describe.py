"""Amazon RDS: DB instances, Aurora clusters and their members; DocumentDB clusters."""

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


def _first(body: Mapping[str, Any], *names: str) -> Any:
    """The first of `names` the body holds: the API's response field, then CloudTrail's request field."""
    for name in names:
        if body.get(name) is not None:
            return body[name]
    return None


def _positive(value: Any) -> Any:
    return value if isinstance(value, int | float) and not isinstance(value, bool) and value > 0 else None


def _arn(value: Any) -> str | None:
    """A KMS key the provider accepts back: AWS reports an ARN (a key chosen by alias is reported by its ARN)."""
    return value if isinstance(value, str) and value.startswith("arn:") else None


def _shared_args(body: Mapping[str, Any]) -> dict[str, Any]:
    """What instances and clusters both report, under the argument names they share."""
    logs = _first(body, "EnabledCloudwatchLogsExports", "EnableCloudwatchLogsExports")
    return {
        "backup_retention_period": _first(body, "BackupRetentionPeriod"),
        "copy_tags_to_snapshot": true_or_none(_first(body, "CopyTagsToSnapshot")),
        "enabled_cloudwatch_logs_exports": sorted_strings(logs),
        "iam_database_authentication_enabled": true_or_none(
            _first(body, "IAMDatabaseAuthenticationEnabled", "EnableIAMDatabaseAuthentication")
        ),
        "performance_insights_enabled": true_or_none(
            _first(body, "PerformanceInsightsEnabled", "EnablePerformanceInsights")
        ),
        "storage_encrypted": true_or_none(body.get("StorageEncrypted")),
        "kms_key_id": _arn(body.get("KmsKeyId")) if body.get("StorageEncrypted") else None,
        "deletion_protection": true_or_none(body.get("DeletionProtection")),
    }


def _instance_args(db: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    storage_type = db.get("StorageType")
    groups = db.get("DBParameterGroups") or ()
    monitoring = _positive(db.get("MonitoringInterval"))
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
        "port": dig(db, "Endpoint", "Port") or db.get("DbInstancePort") or db.get("Port"),
        "db_subnet_group_name": dig(db, "DBSubnetGroup", "DBSubnetGroupName") or db.get("DBSubnetGroupName"),
        "vpc_security_group_ids": _groups(db.get("VpcSecurityGroups")),
        "parameter_group_name": _parameter_group(dig(groups, 0, "DBParameterGroupName")),
        "multi_az": true_or_none(db.get("MultiAZ")),
        "publicly_accessible": true_or_none(db.get("PubliclyAccessible")),
        **_shared_args(db),
        "backup_window": db.get("PreferredBackupWindow"),
        "maintenance_window": db.get("PreferredMaintenanceWindow"),
        # The provider's default is true; it reads the flag back, so only "off" needs writing.
        "auto_minor_version_upgrade": False if db.get("AutoMinorVersionUpgrade") is False else None,
        "monitoring_interval": monitoring,
        "monitoring_role_arn": db.get("MonitoringRoleArn") if monitoring else None,
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


def _capacity(value: Any) -> Any:
    """An Aurora capacity as the provider reads it (a whole number of ACUs is written without its `.0`)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _fields(body: Any, names: Mapping[str, str]) -> dict[str, Any]:
    """{argument: value} for each API field (PascalCase, or CloudTrail's camelCase) the body holds."""
    if not isinstance(body, Mapping):
        return {}
    found = {argument: _first(body, field, field[0].lower() + field[1:]) for field, argument in names.items()}
    return {argument: value for argument, value in found.items() if value is not None}


_SERVERLESS_V2 = {"MinCapacity": "min_capacity", "MaxCapacity": "max_capacity",
                  "SecondsUntilAutoPause": "seconds_until_auto_pause"}
_SERVERLESS_V1 = {"AutoPause": "auto_pause", "MinCapacity": "min_capacity", "MaxCapacity": "max_capacity",
                  "SecondsUntilAutoPause": "seconds_until_auto_pause", "SecondsBeforeTimeout": "seconds_before_timeout",
                  "TimeoutAction": "timeout_action"}


def _serverless_v2(cluster: Mapping[str, Any]) -> dict[str, Any] | None:
    scaling = _fields(cluster.get("ServerlessV2ScalingConfiguration"), _SERVERLESS_V2)
    if "min_capacity" not in scaling or "max_capacity" not in scaling:
        return None
    return {argument: _capacity(value) for argument, value in scaling.items()}


def _serverless_v1(cluster: Mapping[str, Any]) -> dict[str, Any] | None:
    """Aurora Serverless v1's capacity settings, which AWS reports only for clusters in that engine mode."""
    if cluster.get("EngineMode") != "serverless":
        return None
    return _fields(cluster.get("ScalingConfigurationInfo") or cluster.get("ScalingConfiguration"), _SERVERLESS_V1)


def _cluster_args(cluster: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    mode = cluster.get("EngineMode")
    group = cluster.get("DBClusterParameterGroup")
    return {
        "cluster_identifier": cluster.get("DBClusterIdentifier"),
        "engine": cluster.get("Engine"),
        "engine_version": cluster.get("EngineVersion"),
        "engine_mode": mode if mode and mode != "provisioned" else None,
        "database_name": cluster.get("DatabaseName"),
        "master_username": cluster.get("MasterUsername"),
        "manage_master_user_password": True if cluster.get("MasterUserSecret") else None,
        "port": cluster.get("Port"),
        "db_subnet_group_name": cluster.get("DBSubnetGroup") if isinstance(cluster.get("DBSubnetGroup"), str)
        else cluster.get("DBSubnetGroupName"),
        "vpc_security_group_ids": _groups(cluster.get("VpcSecurityGroups")),
        "db_cluster_parameter_group_name": _parameter_group(
            group if isinstance(group, str) else cluster.get("DBClusterParameterGroupName")
        ),
        "db_cluster_instance_class": cluster.get("DBClusterInstanceClass"),
        "iops": cluster.get("Iops") if cluster.get("DBClusterInstanceClass") else None,
        **_shared_args(cluster),
        "preferred_backup_window": cluster.get("PreferredBackupWindow"),
        "preferred_maintenance_window": cluster.get("PreferredMaintenanceWindow"),
        "enable_http_endpoint": true_or_none(_first(cluster, "HttpEndpointEnabled", "EnableHttpEndpoint")),
        "backtrack_window": _positive(cluster.get("BacktrackWindow")),
        "serverlessv2_scaling": _serverless_v2(cluster),
        "scaling": _serverless_v1(cluster),
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




def _member_args(db: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    """An Aurora member's own settings: storage, credentials, backups and encryption are its cluster's."""
    groups = db.get("DBParameterGroups") or ()
    monitoring = _positive(db.get("MonitoringInterval"))
    return {
        "identifier": db.get("DBInstanceIdentifier"),
        "cluster_identifier": db.get("DBClusterIdentifier"),
        "engine": db.get("Engine"),
        "engine_version": db.get("EngineVersion"),
        "instance_class": db.get("DBInstanceClass"),
        "db_parameter_group_name": _parameter_group(
            dig(groups, 0, "DBParameterGroupName") or db.get("DBParameterGroupName")
        ),
        "publicly_accessible": true_or_none(db.get("PubliclyAccessible")),
        "preferred_maintenance_window": db.get("PreferredMaintenanceWindow"),
        # The provider's default is true; it reads the flag back, so only "off" needs writing.
        "auto_minor_version_upgrade": False if db.get("AutoMinorVersionUpgrade") is False else None,
        "promotion_tier": _positive(db.get("PromotionTier")),
        "copy_tags_to_snapshot": true_or_none(db.get("CopyTagsToSnapshot")),
        "monitoring_interval": monitoring,
        "monitoring_role_arn": db.get("MonitoringRoleArn") if monitoring else None,
        "performance_insights_enabled": true_or_none(
            _first(db, "PerformanceInsightsEnabled", "EnablePerformanceInsights")
        ),
        "tags": clean_tags(tags),
    }


def _describe_member(clients: Clients, resource: Resource) -> Model:
    found = clients("rds").describe_db_instances(DBInstanceIdentifier=resource.import_id)["DBInstances"]
    if not found:
        raise NotFound(f"DB instance {resource.import_id}")
    return Model(args=_member_args(found[0], pair_tags(found[0].get("TagList"))))


def _member_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _recase(record.request) if record is not None else {}
    response = _recase(record.response) if record is not None else {}
    db = {**request, **{k: v for k, v in response.items() if v is not None}}
    db["DBInstanceIdentifier"] = resource.import_id
    return Model(args=_member_args(db, resource.tags))


_DOCDB_PORT = 27017
_DOCDB_RETENTION = 1  # days: the provider's default, and DocumentDB's


def _docdb_args(cluster: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    group = cluster.get("DBClusterParameterGroup")
    subnet_group = cluster.get("DBSubnetGroup")
    retention = cluster.get("BackupRetentionPeriod")
    storage_type = cluster.get("StorageType")
    return {
        "cluster_identifier": cluster.get("DBClusterIdentifier"),
        "engine_version": cluster.get("EngineVersion"),
        "master_username": cluster.get("MasterUsername"),
        "port": cluster.get("Port") if cluster.get("Port") not in (None, _DOCDB_PORT) else None,
        "db_subnet_group_name": subnet_group if isinstance(subnet_group, str) else cluster.get("DBSubnetGroupName"),
        "vpc_security_group_ids": _groups(cluster.get("VpcSecurityGroups")),
        "db_cluster_parameter_group_name": _parameter_group(
            group if isinstance(group, str) else cluster.get("DBClusterParameterGroupName")
        ),
        "storage_encrypted": true_or_none(cluster.get("StorageEncrypted")),
        "kms_key_id": _arn(cluster.get("KmsKeyId")) if cluster.get("StorageEncrypted") else None,
        # The provider reads the storage type back as reported and does not compute it: written whenever reported.
        "storage_type": storage_type or None,
        "backup_retention_period": retention if retention not in (None, _DOCDB_RETENTION) else None,
        "preferred_backup_window": cluster.get("PreferredBackupWindow"),
        "preferred_maintenance_window": cluster.get("PreferredMaintenanceWindow"),
        "enabled_cloudwatch_logs_exports": sorted_strings(
            _first(cluster, "EnabledCloudwatchLogsExports", "EnableCloudwatchLogsExports")
        ),
        "deletion_protection": true_or_none(cluster.get("DeletionProtection")),
        "tags": clean_tags(tags),
    }


def _describe_docdb(clients: Clients, resource: Resource) -> Model:
    docdb = clients("docdb")
    found = docdb.describe_db_clusters(DBClusterIdentifier=resource.import_id)["DBClusters"]
    if not found:
        raise NotFound(f"DocumentDB cluster {resource.import_id}")
    cluster = found[0]
    # DescribeDBClusters of the DocumentDB API reports no tags; they are read from the cluster's ARN.
    tags = pair_tags(docdb.list_tags_for_resource(ResourceName=cluster["DBClusterArn"]).get("TagList"))
    return Model(args=_docdb_args(cluster, tags), notes=(_PASSWORD_NOTE,))


def _docdb_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _recase(record.request) if record is not None else {}
    response = _recase(record.response) if record is not None else {}
    cluster = {**request, **{k: v for k, v in response.items() if v is not None}}
    cluster["DBClusterIdentifier"] = resource.import_id
    if "VpcSecurityGroupIds" in request and not cluster.get("VpcSecurityGroups"):
        cluster["VpcSecurityGroups"] = request["VpcSecurityGroupIds"]
    return Model(args=_docdb_args(cluster, resource.tags), notes=(_PASSWORD_NOTE,))


CODEGEN = (
    TypeCodegen("aws_db_instance", _describe_instance, _instance_from_event),
    TypeCodegen("aws_rds_cluster", _describe_cluster, _cluster_from_event),
    TypeCodegen("aws_rds_cluster_instance", _describe_member, _member_from_event),
    TypeCodegen("aws_docdb_cluster", _describe_docdb, _docdb_from_event),
)
