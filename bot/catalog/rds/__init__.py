"""Amazon RDS: DB instances, Aurora cluster members and DB clusters; DocumentDB clusters, made through the RDS API."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


def _field(body: Mapping[str, Any], name: str) -> str:
    """A field as CloudTrail writes it (dBClusterIdentifier), or as other producers spell it (DBClusterIdentifier,
    dbClusterIdentifier)."""
    spellings = (name, name[0].upper() + name[1:], "db" + name[2:] if name.startswith("dB") else name.lower())
    return first(text(body.get(spelling)) for spelling in spellings)


def _engine(record: CloudTrailRecord) -> str:
    return first((_field(record.response, "engine"), _field(record.request, "engine"))).lower()


def _refuse_foreign_engine(record: CloudTrailRecord, cluster: bool) -> None:
    engine = _engine(record)
    other = _OTHER_TYPES.get(engine)
    if other:
        product, cluster_type, instance_type = other
        raise OtherType(cluster_type if cluster else instance_type, f"engine {engine}: {product}")


def _identifier(record: CloudTrailRecord, field: str) -> str:
    # RDS stores identifiers lower-cased whatever the caller typed, and the provider imports by the stored form.
    value = first((_field(record.response, field), _field(record.request, field)))
    return need(value, f"requestParameters.{field}").lower()


def _tags(record: CloudTrailRecord) -> dict[str, str]:
    return (tags_from_pairs(record.response.get("tagList")) or tags_from_pairs(record.response.get("TagList"))
            or tags_from_pairs(record.request.get("tags")) or tags_from_pairs(record.request.get("Tags")))


def _cluster_of(record: CloudTrailRecord) -> str:
    """The DB cluster an instance joins: set for Aurora members, absent for a standalone instance."""
    return first((_field(record.response, "dBClusterIdentifier"), _field(record.request, "dBClusterIdentifier")))


def _console(record: CloudTrailRecord, identifier: str, cluster: bool) -> str:
    return _console_in(region_of(record), identifier, cluster)


def _console_in(region: str, identifier: str, cluster: bool) -> str:
    kind = "true" if cluster else "false"
    return console(region, f"rds/home?region={q(region)}#database:id={q(identifier)};is-cluster={kind}")


def _docdb_console(region: str, identifier: str) -> str:
    return console(region, f"docdb/home?region={q(region)}#cluster-details/{q(identifier)}")


def _instance(record: CloudTrailRecord) -> list[Found]:
    _refuse_foreign_engine(record, cluster=False)
    field = _INSTANCE_ID_FIELD.get(record.event_name, "dBInstanceIdentifier")
    cluster = _cluster_of(record)
    if cluster:
        # An Aurora member: Terraform models it as aws_rds_cluster_instance, which takes no storage or credentials.
        raise OtherType("aws_rds_cluster_instance", f"a member of DB cluster {cluster.lower()}")
    if _field(record.response, "dBInstanceIdentifier"):
        field = "dBInstanceIdentifier"
    return [_instance_found(record, _identifier(record, field))]


def _instance_found(record: CloudTrailRecord, identifier: str) -> Found:
    return Found(
        import_id=identifier,
        name=identifier,
        arn=_field(record.response, "dBInstanceArn") or _arn.build(record, "rds", f"db:{identifier}"),
        console_url=_console(record, identifier, cluster=False),
        tags=_tags(record),
    )


def _cluster_instance(record: CloudTrailRecord) -> list[Found]:
    _refuse_foreign_engine(record, cluster=False)
    if not _cluster_of(record):
        raise OtherType("aws_db_instance", "a DB instance outside any DB cluster")
    return [_instance_found(record, _identifier(record, "dBInstanceIdentifier"))]


def _cluster_found(record: CloudTrailRecord, console_url: Callable[[str], str]) -> Found:
    identifier = _identifier(record, "dBClusterIdentifier")
    return Found(
        import_id=identifier,
        name=identifier,
        arn=_field(record.response, "dBClusterArn") or _arn.build(record, "rds", f"cluster:{identifier}"),
        console_url=console_url(identifier),
        tags=_tags(record),
    )


def _cluster(record: CloudTrailRecord) -> list[Found]:
    _refuse_foreign_engine(record, cluster=True)
    return [_cluster_found(record, lambda identifier: _console(record, identifier, cluster=True))]


def _docdb_cluster(record: CloudTrailRecord) -> list[Found]:
    engine = _engine(record)
    if engine and engine != "docdb":
        raise OtherType(_OTHER_TYPES[engine][1] if engine in _OTHER_TYPES else "aws_rds_cluster", f"engine {engine}")
    region = region_of(record)
    return [_cluster_found(record, lambda identifier: _docdb_console(region, identifier))]


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
    CatalogEntry(
        tf_type="aws_rds_cluster_instance",
        label="Aurora DB cluster instance",
        service="rds",
        event_source="rds.amazonaws.com",
        create_events=("CreateDBInstance",),
        delete_events=("DeleteDBInstance",),
        resolve=_cluster_instance,
        import_id_format=(
            "DB instance identifier, lower-cased: "
            "`terraform import aws_rds_cluster_instance.prod_instance_1 aurora-cluster-instance-1`"
        ),
        # The data lives in the cluster's shared storage, which outlives any one of its instances.
        loses_data=False,
        handed_over_by="aws_db_instance",
    ),
    CatalogEntry(
        tf_type="aws_docdb_cluster",
        label="DocumentDB cluster",
        service="docdb",
        event_source="rds.amazonaws.com",
        create_events=("CreateDBCluster", "RestoreDBClusterFromSnapshot", "RestoreDBClusterToPointInTime"),
        delete_events=("DeleteDBCluster",),
        resolve=_docdb_cluster,
        import_id_format=(
            "cluster identifier, lower-cased: `terraform import aws_docdb_cluster.docdb_cluster docdb-prod-cluster`"
        ),
        loses_data=True,
        state_import_id=_cluster_state_id,
        handed_over_by="aws_rds_cluster",
        # A destroy's final snapshot: Terraform's own, not kept by AWS.
        argument_only_updates=("skip_final_snapshot", "final_snapshot_identifier"),
    ),
)
