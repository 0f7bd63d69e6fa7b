"""Amazon RDS: DB instances and DB clusters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, OtherType, console, first, need, q, region_of, tags_from_pairs, text
from bot.events import CloudTrailRecord

# DocumentDB and Neptune are managed through the RDS API and log as rds.amazonaws.com with the same event names,
# but Terraform models them as other types (aws_docdb_*, aws_neptune_*) whose engines aws_rds_cluster and
# aws_db_instance reject; reporting them under the RDS types would suggest an import that cannot plan.
_OTHER_TYPES = {
    "docdb": ("DocumentDB", "aws_docdb_cluster", "aws_docdb_cluster_instance"),
    "neptune": ("Neptune", "aws_neptune_cluster", "aws_neptune_cluster_instance"),
}

# The request field holding the new instance's identifier, where it is not dBInstanceIdentifier.
_INSTANCE_ID_FIELD = {"RestoreDBInstanceToPointInTime": "targetDBInstanceIdentifier"}


def _engine(record: CloudTrailRecord) -> str:
    return first((text(record.response.get("engine")), text(record.request.get("engine")))).lower()


def _refuse_foreign_engine(record: CloudTrailRecord, cluster: bool) -> None:
    engine = _engine(record)
    other = _OTHER_TYPES.get(engine)
    if other:
        product, cluster_type, instance_type = other
        raise OtherType(cluster_type if cluster else instance_type, f"engine {engine}: {product}")


def _identifier(record: CloudTrailRecord, field: str) -> str:
    # RDS stores identifiers lower-cased whatever the caller typed, and the provider imports by the stored form.
    value = first((text(record.response.get(field)), text(record.request.get(field))))
    return need(value, f"requestParameters.{field}").lower()


def _tags(record: CloudTrailRecord) -> dict[str, str]:
    return tags_from_pairs(record.response.get("tagList")) or tags_from_pairs(record.request.get("tags"))


def _console(record: CloudTrailRecord, identifier: str, cluster: bool) -> str:
    region = region_of(record)
    kind = "true" if cluster else "false"
    return console(region, f"rds/home?region={q(region)}#database:id={q(identifier)};is-cluster={kind}")


def _instance(record: CloudTrailRecord) -> list[Found]:
    _refuse_foreign_engine(record, cluster=False)
    field = _INSTANCE_ID_FIELD.get(record.event_name, "dBInstanceIdentifier")
    if record.response.get("dBInstanceIdentifier"):
        field = "dBInstanceIdentifier"
    identifier = _identifier(record, field)
    return [
        Found(
            import_id=identifier,
            name=identifier,
            arn=text(record.response.get("dBInstanceArn")) or _arn.build(record, "rds", f"db:{identifier}"),
            console_url=_console(record, identifier, cluster=False),
            tags=_tags(record),
        )
    ]


def _cluster(record: CloudTrailRecord) -> list[Found]:
    _refuse_foreign_engine(record, cluster=True)
    identifier = _identifier(record, "dBClusterIdentifier")
    return [
        Found(
            import_id=identifier,
            name=identifier,
            arn=text(record.response.get("dBClusterArn")) or _arn.build(record, "rds", f"cluster:{identifier}"),
            console_url=_console(record, identifier, cluster=True),
            tags=_tags(record),
        )
    ]


def _instance_state_id(attributes: Mapping[str, Any]) -> str | None:
    # Since provider v5 the instance's `id` is its DBI resource ID (db-...); the import ID is `identifier`.
    value = attributes.get("identifier")
    return value if isinstance(value, str) and value else None


def _cluster_state_id(attributes: Mapping[str, Any]) -> str | None:
    value = attributes.get("cluster_identifier") or attributes.get("id")
    return value if isinstance(value, str) and value else None


ENTRIES = (
    CatalogEntry(
        tf_type="aws_db_instance",
        label="RDS DB instance",
        service="rds",
        event_source="rds.amazonaws.com",
        # CloudTrail's event list spells the S3 restore "RestoreDbInstanceFromS3"; the API name is also accepted.
        create_events=(
            "CreateDBInstance",
            "CreateDBInstanceReadReplica",
            "RestoreDBInstanceFromDBSnapshot",
            "RestoreDBInstanceFromS3",
            "RestoreDbInstanceFromS3",
            "RestoreDBInstanceToPointInTime",
        ),
        delete_events=("DeleteDBInstance",),
        resolve=_instance,
        import_id_format=(
            "DB instance identifier, lower-cased: `terraform import aws_db_instance.default mydb-rds-instance`"
        ),
        loses_data=True,
        state_import_id=_instance_state_id,
        # A destroy's final snapshot, and when modifications apply: Terraform's own, not kept by AWS.
        argument_only_updates=("skip_final_snapshot", "final_snapshot_identifier", "apply_immediately"),
    ),
    CatalogEntry(
        tf_type="aws_rds_cluster",
        label="RDS DB cluster",
        service="rds",
        event_source="rds.amazonaws.com",
        create_events=(
            "CreateDBCluster",
            "RestoreDBClusterFromSnapshot",
            "RestoreDBClusterToPointInTime",
            "RestoreDBClusterFromS3",
            "RestoreDbClusterFromS3",
        ),
        delete_events=("DeleteDBCluster",),
        resolve=_cluster,
        import_id_format=(
            "DB cluster identifier, lower-cased: `terraform import aws_rds_cluster.aurora_cluster aurora-prod-cluster`"
        ),
        loses_data=True,
        state_import_id=_cluster_state_id,
    ),
)
