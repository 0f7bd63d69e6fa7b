"""Making RDS instances and clusters, as the console does, and the CloudTrail records of the calls."""

from __future__ import annotations

import secrets

from botocore.exceptions import ClientError

from bot.catalog._create import HIDDEN, Call, CreateContext, ct_tags, pairs, slug


def create_db_instance(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    identifier = slug(name, limit=63)
    made = ctx.client("rds").create_db_instance(
        DBInstanceIdentifier=identifier, Engine="postgres", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
        MasterUsername="app", MasterUserPassword=secrets.token_urlsafe(16), Tags=pairs(tags),
    )["DBInstance"]
    return Call({"dBInstanceIdentifier": identifier, "engine": "postgres", "dBInstanceClass": "db.t3.micro",
                 "allocatedStorage": 20, "masterUsername": "app", "masterUserPassword": HIDDEN,
                 "tags": ct_tags(tags)},
                {"dBInstanceIdentifier": identifier, "engine": "postgres", "dBInstanceArn": made["DBInstanceArn"],
                 "tagList": ct_tags(tags)})


# The embedded AWS (moto) reports an empty ScalingConfigurationInfo for every cluster, where AWS reports none unless
# the cluster is Aurora Serverless v1, and the provider reads the empty one as settings to change. Sent the provider's
# own defaults for them (the console sends none), moto reports those, which the provider reads as no settings.
_SCALING_AS_PROVIDER_DEFAULTS = {"MinCapacity": 1, "MaxCapacity": 16, "AutoPause": True, "SecondsUntilAutoPause": 300,
                                 "TimeoutAction": "RollbackCapacityChange", "SecondsBeforeTimeout": 300}


def create_rds_cluster(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    identifier = slug(name, limit=63)
    made = ctx.client("rds").create_db_cluster(
        DBClusterIdentifier=identifier, Engine="aurora-postgresql", MasterUsername="app",
        MasterUserPassword=secrets.token_urlsafe(16), Tags=pairs(tags),
        ScalingConfiguration=_SCALING_AS_PROVIDER_DEFAULTS,
    )["DBCluster"]
    return Call({"dBClusterIdentifier": identifier, "engine": "aurora-postgresql", "masterUsername": "app",
                 "masterUserPassword": HIDDEN, "tags": ct_tags(tags)},
                {"dBClusterIdentifier": identifier, "engine": "aurora-postgresql",
                 "dBClusterArn": made["DBClusterArn"], "tagList": ct_tags(tags)})


# The Aurora cluster the sandbox's cluster instances join, made on first use (as if it had been there).
SANDBOX_CLUSTER = "sandbox-aurora"


def _sandbox_cluster(ctx: CreateContext) -> str:
    rds = ctx.client("rds")
    try:
        rds.describe_db_clusters(DBClusterIdentifier=SANDBOX_CLUSTER)
    except ClientError:
        rds.create_db_cluster(DBClusterIdentifier=SANDBOX_CLUSTER, Engine="aurora-postgresql", MasterUsername="app",
                              MasterUserPassword=secrets.token_urlsafe(16),
                              ScalingConfiguration=_SCALING_AS_PROVIDER_DEFAULTS)
    return SANDBOX_CLUSTER


def create_rds_cluster_instance(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    identifier = slug(name, limit=63)
    cluster = _sandbox_cluster(ctx)
    made = ctx.client("rds").create_db_instance(
        DBInstanceIdentifier=identifier, DBClusterIdentifier=cluster, Engine="aurora-postgresql",
        DBInstanceClass="db.r6g.large", Tags=pairs(tags),
    )["DBInstance"]
    return Call({"dBInstanceIdentifier": identifier, "dBClusterIdentifier": cluster, "engine": "aurora-postgresql",
                 "dBInstanceClass": "db.r6g.large", "tags": ct_tags(tags)},
                {"dBInstanceIdentifier": identifier, "dBClusterIdentifier": cluster, "engine": "aurora-postgresql",
                 "dBInstanceArn": made["DBInstanceArn"], "tagList": ct_tags(tags)},
                event_name="CreateDBInstance")


def create_docdb_cluster(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    identifier = slug(name, limit=63)
    made = ctx.client("docdb").create_db_cluster(
        DBClusterIdentifier=identifier, Engine="docdb", MasterUsername="app",
        MasterUserPassword=secrets.token_urlsafe(16), StorageEncrypted=True, Tags=pairs(tags),
    )["DBCluster"]
    return Call({"dBClusterIdentifier": identifier, "engine": "docdb", "masterUsername": "app",
                 "masterUserPassword": HIDDEN, "storageEncrypted": True, "tags": ct_tags(tags)},
                {"dBClusterIdentifier": identifier, "engine": "docdb", "dBClusterArn": made["DBClusterArn"]},
                event_name="CreateDBCluster")


CREATORS = {
    "aws_db_instance": create_db_instance,
    "aws_rds_cluster": create_rds_cluster,
    "aws_rds_cluster_instance": create_rds_cluster_instance,
    "aws_docdb_cluster": create_docdb_cluster,
}
