"""Amazon RDS: standalone DB instances, Aurora cluster members and DB clusters; DocumentDB clusters, all listed through
the RDS API they share (Neptune's and DocumentDB's instances are no catalog type, and are left out)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope, tags_from_pairs, text
from bot.catalog.rds import _OTHER_TYPES, _console_in, _docdb_console

# Being deleted: not there to adopt ("delete-precheck" comes before "deleting" for an instance).
_GOING = {"deleting", "delete-precheck"}
_INSTANCE_CALLS = ("rds:DescribeDBInstances",)
_CLUSTER_CALLS = ("rds:DescribeDBClusters",)


def _engine(body: Mapping[str, Any]) -> str:
    return text(body.get("Engine")).lower()


def _engine_fact(body: Mapping[str, Any]) -> tuple[str, str]:
    return ("engine", " ".join(v for v in (text(body.get("Engine")), text(body.get("EngineVersion"))) if v))


def _state_fact(status: str) -> tuple[tuple[str, str], ...]:
    return (("state", status),) if status and status != "available" else ()


def _instances(scope: ScanScope) -> Iterator[Mapping[str, Any]]:
    """Every DB instance of an RDS engine that is not being deleted: DocumentDB and Neptune instances answer the
    same call, but Terraform models them as aws_docdb_cluster_instance and aws_neptune_cluster_instance."""
    for db in paged(scope.clients("rds"), "describe_db_instances", "DBInstances"):
        if _engine(db) not in _OTHER_TYPES and text(db.get("DBInstanceStatus")) not in _GOING:
            yield db


def _instance_listed(scope: ScanScope, db: Mapping[str, Any], facts: tuple[tuple[str, str], ...]) -> Listed:
    # RDS stores identifiers lower-cased; the resolver and the provider's import use that stored form.
    identifier = text(db["DBInstanceIdentifier"]).lower()
    return Listed(
        import_id=identifier,
        name=identifier,
        arn=text(db.get("DBInstanceArn")) or scope.arn("rds", f"db:{identifier}"),
        console_url=_console_in(scope.region, identifier, cluster=False),
        tags=tags_from_pairs(db.get("TagList")),
        facts=facts,
    )


def _db_instances(scope: ScanScope) -> Iterator[Listed]:
    for db in _instances(scope):
        if text(db.get("DBClusterIdentifier")):
            continue  # a cluster's member: aws_rds_cluster_instance's, or (Multi-AZ DB cluster) made by AWS
        storage = db.get("AllocatedStorage")
        facts = [("class", text(db.get("DBInstanceClass"))), _engine_fact(db)]
        if storage:
            facts.append(("storage", " ".join(v for v in (f"{storage} GiB", text(db.get("StorageType"))) if v)))
        if db.get("MultiAZ"):
            facts.append(("multi-AZ", "yes"))
        facts.extend(_state_fact(text(db.get("DBInstanceStatus"))))
        yield _instance_listed(scope, db, tuple((label, value) for label, value in facts if value))


def _cluster_instances(scope: ScanScope) -> Iterator[Listed]:
    for db in _instances(scope):
        cluster = text(db.get("DBClusterIdentifier")).lower()
        # A Multi-AZ DB cluster (engine mysql or postgres) makes its own instances, which Terraform manages only
        # through aws_rds_cluster; only Aurora's members are made one by one as aws_rds_cluster_instance.
        if not cluster or not _engine(db).startswith("aurora"):
            continue
        # An Aurora member's AllocatedStorage is always 1: its data is the cluster's, so no storage fact.
        facts = [("class", text(db.get("DBInstanceClass"))), _engine_fact(db), ("cluster", cluster),
                 *_state_fact(text(db.get("DBInstanceStatus")))]
        yield _instance_listed(scope, db, tuple((label, value) for label, value in facts if value))


def _cluster_listed(scope: ScanScope, cluster: Mapping[str, Any], console_url: str,
                    facts: list[tuple[str, str]]) -> Listed:
    identifier = text(cluster["DBClusterIdentifier"]).lower()
    facts.extend(_state_fact(text(cluster.get("Status"))))
    return Listed(
        import_id=identifier,
        name=identifier,
        arn=text(cluster.get("DBClusterArn")) or scope.arn("rds", f"cluster:{identifier}"),
        console_url=console_url,
        tags=tags_from_pairs(cluster.get("TagList")),
        facts=tuple((label, value) for label, value in facts if value),
    )


def _clusters(scope: ScanScope) -> Iterator[Listed]:
    for cluster in paged(scope.clients("rds"), "describe_db_clusters", "DBClusters"):
        engine = _engine(cluster)
        # DocumentDB and Neptune clusters answer the same call; they are aws_docdb_cluster's (listed through the
        # DocumentDB API) and aws_neptune_cluster's.
        if engine in _OTHER_TYPES or text(cluster.get("Status")) in _GOING:
            continue
        facts = [_engine_fact(cluster)]
        if text(cluster.get("EngineMode")) not in ("", "provisioned"):
            facts.append(("mode", text(cluster.get("EngineMode"))))
        scaling = cluster.get("ServerlessV2ScalingConfiguration") or {}
        if scaling.get("MaxCapacity"):
            facts.append(("capacity", f"{scaling.get('MinCapacity', 0):g}-{scaling['MaxCapacity']:g} ACU"))
        if cluster.get("DBClusterInstanceClass"):  # a Multi-AZ DB cluster: its instances' class and storage
            facts.append(("class", text(cluster.get("DBClusterInstanceClass"))))
            if cluster.get("AllocatedStorage"):
                facts.append(("storage", f"{cluster['AllocatedStorage']} GiB"))
        if engine.startswith("aurora"):
            facts.append(("instances", str(len(cluster.get("DBClusterMembers") or ()))))
        identifier = text(cluster["DBClusterIdentifier"]).lower()
        yield _cluster_listed(scope, cluster, _console_in(scope.region, identifier, cluster=True), facts)


def _docdb_clusters(scope: ScanScope) -> Iterator[Listed]:
    # DocumentDB's DescribeDBClusters answers for every engine of the shared RDS API unless filtered to docdb.
    clusters = paged(scope.clients("docdb"), "describe_db_clusters", "DBClusters",
                     Filters=[{"Name": "engine", "Values": ["docdb"]}])
    for cluster in clusters:
        if _engine(cluster) != "docdb" or text(cluster.get("Status")) in _GOING:
            continue
        facts = [_engine_fact(cluster), ("instances", str(len(cluster.get("DBClusterMembers") or ())))]
        identifier = text(cluster["DBClusterIdentifier"]).lower()
        yield _cluster_listed(scope, cluster, _docdb_console(scope.region, identifier), facts)


LISTERS = {
    "aws_db_instance": Lister(_INSTANCE_CALLS, _db_instances),
    "aws_rds_cluster_instance": Lister(_INSTANCE_CALLS, _cluster_instances),
    "aws_rds_cluster": Lister(_CLUSTER_CALLS, _clusters),
    "aws_docdb_cluster": Lister(_CLUSTER_CALLS, _docdb_clusters),
}
