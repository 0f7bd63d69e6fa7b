"""Redshift provisioned clusters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def make_redshift_cluster(aws: Aws) -> Made:
    aws("redshift").create_cluster(
        ClusterIdentifier="warehouse", NodeType="ra3.xlplus", ClusterType="multi-node", NumberOfNodes=2,
        MasterUsername="admin", MasterUserPassword="Not-a-real-password-1", DBName="analytics", Encrypted=True,
        PubliclyAccessible=False, AutomatedSnapshotRetentionPeriod=7, AllowVersionUpgrade=False,
        PreferredMaintenanceWindow="sun:05:00-sun:06:00", Tags=[{"Key": "team", "Value": "bi ${x}"}],
    )
    record = cloudtrail("redshift.amazonaws.com", "CreateCluster",
                        {"clusterIdentifier": "Warehouse", "nodeType": "ra3.xlplus", "numberOfNodes": 2,
                         "masterUsername": "admin", "masterUserPassword": "HIDDEN_DUE_TO_SECURITY_REASONS",
                         "dBName": "analytics", "tags": [{"key": "team", "value": "bi ${x}"}]},
                        {"clusterIdentifier": "warehouse", "nodeType": "ra3.xlplus", "clusterStatus": "creating",
                         "numberOfNodes": 2, "dBName": "analytics", "encrypted": True})
    expect = {"cluster_identifier": "warehouse", "node_type": "ra3.xlplus", "number_of_nodes": 2,
              "database_name": "analytics", "master_username": "admin", "encrypted": True,
              "publicly_accessible": False, "automated_snapshot_retention_period": 7,
              "allow_version_upgrade": False, "preferred_maintenance_window": "sun:05:00-sun:06:00",
              "skip_final_snapshot": False, "final_snapshot_identifier": "warehouse-final",
              "tags": {"team": "bi ${x}"}}
    return Made(record, "warehouse", expect)


def _cluster_gone(aws: Aws, identifier: str) -> bool:
    try:
        [cluster] = aws("redshift").describe_clusters(ClusterIdentifier=identifier)["Clusters"]
    except ClientError as exc:
        return exc.response["Error"]["Code"] in ("ClusterNotFound", "ClusterNotFoundFault")
    return cluster["ClusterStatus"] in ("deleting", "final-snapshot")


CASES = {"aws_redshift_cluster": make_redshift_cluster}
GONE = {"aws_redshift_cluster": _cluster_gone}
PROVIDER_ENDPOINTS = {"redshift"}
