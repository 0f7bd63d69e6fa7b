"""RDS's Aurora cluster members, and DocumentDB clusters (which moto does not make)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.codegen.helpers import ACCOUNT, Made, cloudtrail

Aws = Callable[..., Any]

# moto reports an empty ScalingConfigurationInfo for every cluster, read by the provider as settings to change;
# sent the provider's own defaults, moto reports those, read as no settings (as in make_rds_cluster).
_SERVERLESS_V1_DEFAULTS = {"MinCapacity": 1, "MaxCapacity": 16, "AutoPause": True, "SecondsUntilAutoPause": 300,
                           "TimeoutAction": "RollbackCapacityChange", "SecondsBeforeTimeout": 300}


def make_rds_cluster_instance(aws: Aws) -> Made:
    rds = aws("rds")
    # Not make_rds_cluster's "ledger": the all-types plan makes both in one moto, and a cluster's automated snapshot
    # is named after it by the minute.
    rds.create_db_cluster(DBClusterIdentifier="payments", Engine="aurora-postgresql", EngineVersion="16.4",
                          MasterUsername="app", MasterUserPassword="not-a-real-password",
                          ScalingConfiguration=_SERVERLESS_V1_DEFAULTS)
    rds.create_db_instance(
        DBInstanceIdentifier="Payments-Reader-1", DBClusterIdentifier="payments", Engine="aurora-postgresql",
        DBInstanceClass="db.r6g.large", PromotionTier=3, AutoMinorVersionUpgrade=False,
        PreferredMaintenanceWindow="sun:05:00-sun:06:00", CopyTagsToSnapshot=True,
        Tags=[{"Key": "team", "Value": "finance ${x}"}],
    )
    record = cloudtrail("rds.amazonaws.com", "CreateDBInstance",
                        {"dBInstanceIdentifier": "Payments-Reader-1", "dBClusterIdentifier": "payments",
                         "engine": "aurora-postgresql", "dBInstanceClass": "db.r6g.large", "promotionTier": 3},
                        {"dBInstanceIdentifier": "payments-reader-1", "dBClusterIdentifier": "payments",
                         "engine": "aurora-postgresql",
                         "dBInstanceArn": f"arn:aws:rds:us-east-1:{ACCOUNT}:db:payments-reader-1"})
    expect = {"identifier": "payments-reader-1", "cluster_identifier": "payments", "engine": "aurora-postgresql",
              "instance_class": "db.r6g.large", "promotion_tier": 3, "auto_minor_version_upgrade": False,
              "preferred_maintenance_window": "sun:05:00-sun:06:00", "copy_tags_to_snapshot": True,
              "tags": {"team": "finance ${x}"}}
    return Made(record, "payments-reader-1", expect)


def _instance_gone(aws: Aws, identifier: str) -> bool:
    try:
        aws("rds").describe_db_instances(DBInstanceIdentifier=identifier)
    except ClientError as exc:
        return exc.response["Error"]["Code"] in ("DBInstanceNotFound", "DBInstanceNotFoundFault")
    return False


CASES = {"aws_rds_cluster_instance": make_rds_cluster_instance}
GONE = {"aws_rds_cluster_instance": _instance_gone}
PROVIDER_ENDPOINTS = {"docdb"}
UNSERVED = {
    "aws_docdb_cluster": "moto's RDS backend refuses engine docdb on CreateDBCluster (InvalidParameterValue: the "
                         "engine enum it accepts is aurora-mysql, aurora-postgresql, mysql, neptune, postgres), and "
                         "it has no DocumentDB backend of its own",
}
