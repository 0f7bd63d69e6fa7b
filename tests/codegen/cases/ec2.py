"""Route tables and VPC endpoints."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.codegen.helpers import ACCOUNT, Made, cloudtrail

Aws = Callable[..., Any]


def _tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def make_route_table(aws: Aws) -> Made:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.80.0.0/16")["Vpc"]["VpcId"]
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    tags = {"Name": "public", "tier": "public ${x}"}
    table = ec2.create_route_table(VpcId=vpc, TagSpecifications=[{"ResourceType": "route-table",
                                                                  "Tags": _tags(tags)}])["RouteTable"]
    table_id = table["RouteTableId"]
    # Added in the console afterwards: the default route through the internet gateway.
    ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
    record = cloudtrail(
        "ec2.amazonaws.com", "CreateRouteTable",
        {"vpcId": vpc, "tagSpecificationSet": {"items": [
            {"resourceType": "route-table", "tags": [{"key": k, "value": v} for k, v in tags.items()]}]}},
        {"routeTable": {"routeTableId": table_id, "vpcId": vpc, "ownerId": ACCOUNT,
                        "routeSet": {"items": [{"destinationCidrBlock": "10.80.0.0/16", "gatewayId": "local",
                                                "state": "active", "origin": "CreateRouteTable"}]},
                        "associationSet": {}, "propagatingVgwSet": {}, "tagSet": {}}},
    )
    expect = {"vpc_id": vpc, "tags": tags, "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": gateway}]}
    return Made(record, table_id, expect)


def make_vpc_endpoint(aws: Aws) -> Made:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.81.0.0/16")["Vpc"]["VpcId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::assets-${env}/*"}]}
    endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Gateway", RouteTableIds=[table],
        PolicyDocument=json.dumps(policy),
        TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": _tags({"Name": "s3", "team": "network"})}],
    )["VpcEndpoint"]["VpcEndpointId"]
    record = cloudtrail(
        "ec2.amazonaws.com", "CreateVpcEndpoint",
        {"CreateVpcEndpointRequest": {"VpcId": vpc, "ServiceName": "com.amazonaws.us-east-1.s3",
                                      "VpcEndpointType": "Gateway", "RouteTableId": {"content": table, "tag": 1},
                                      "PolicyDocument": json.dumps(policy)}},
        {"CreateVpcEndpointResponse": {"vpcEndpoint": {"vpcEndpointId": endpoint, "vpcId": vpc,
                                                       "serviceName": "com.amazonaws.us-east-1.s3",
                                                       "vpcEndpointType": "Gateway", "state": "available"},
                                       "xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/"}},
    )
    expect = {"vpc_id": vpc, "service_name": "com.amazonaws.us-east-1.s3", "route_table_ids": [table],
              "tags": {"Name": "s3", "team": "network"}}
    return Made(record, endpoint, expect)


def _route_table_gone(aws: Aws, table_id: str) -> bool:
    try:
        aws("ec2").describe_route_tables(RouteTableIds=[table_id])
    except ClientError as exc:
        return exc.response["Error"]["Code"] == "InvalidRouteTableID.NotFound"
    return False


def _endpoint_gone(aws: Aws, endpoint_id: str) -> bool:
    try:
        [endpoint] = aws("ec2").describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
    except ClientError as exc:
        return exc.response["Error"]["Code"] == "InvalidVpcEndpointId.NotFound"
    return str(endpoint["State"]).lower() in ("deleting", "deleted")


CASES = {
    "aws_route_table": make_route_table,
    "aws_vpc_endpoint": make_vpc_endpoint,
}
GONE = {
    "aws_route_table": _route_table_gone,
    "aws_vpc_endpoint": _endpoint_gone,
}
