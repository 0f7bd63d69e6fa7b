"""CloudHSM clusters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def make_cloudhsm_cluster(aws: Aws) -> Made:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.70.1.0/24", AvailabilityZone="us-east-1a")["Subnet"][
        "SubnetId"]
    cluster = aws("cloudhsmv2").create_cluster(HsmType="hsm1.medium", SubnetIds=[subnet],
                                               TagList=[{"Key": "team", "Value": "security ${x}"}])["Cluster"]
    record = cloudtrail("cloudhsm.amazonaws.com", "CreateCluster",
                        {"hsmType": "hsm1.medium", "subnetIds": [subnet],
                         "tagList": [{"key": "team", "value": "security ${x}"}]},
                        {"cluster": {"clusterId": cluster["ClusterId"], "hsmType": "hsm1.medium",
                                     "state": "CREATE_IN_PROGRESS", "subnetMapping": {"us-east-1a": subnet}}})
    expect = {"hsm_type": "hsm1.medium", "subnet_ids": [subnet], "tags": {"team": "security ${x}"}}
    return Made(record, cluster["ClusterId"], expect)


def _cluster_gone(aws: Aws, cluster_id: str) -> bool:
    found = aws("cloudhsmv2").describe_clusters(Filters={"clusterIds": [cluster_id]}).get("Clusters") or []
    return not found or found[0]["State"] in ("DELETE_IN_PROGRESS", "DELETED")


CASES = {"aws_cloudhsm_v2_cluster": make_cloudhsm_cluster}
GONE = {"aws_cloudhsm_v2_cluster": _cluster_gone}
PROVIDER_ENDPOINTS = {"cloudhsmv2"}
