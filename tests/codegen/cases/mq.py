"""Amazon MQ brokers: an ActiveMQ broker made in moto with two users and non-default settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from bot.catalog.mq.describe import PASSWORD_PLACEHOLDER
from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def make_broker(aws: Aws) -> Made:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.60.{n}.0/24", AvailabilityZone=f"us-east-1{zone}")
               ["Subnet"]["SubnetId"] for n, zone in ((1, "a"), (2, "b"))]
    group = ec2.create_security_group(GroupName="mq", Description="mq", VpcId=vpc)["GroupId"]
    key = aws("kms").create_key(Description="mq")["KeyMetadata"]["Arn"]
    tags = {"team": "orders ${x}", "Name": "Orders"}
    window = {"DayOfWeek": "WEDNESDAY", "TimeOfDay": "03:30", "TimeZone": "Europe/Berlin"}
    made = aws("mq").create_broker(
        BrokerName="orders-mq", EngineType="ACTIVEMQ", EngineVersion="5.17.6", HostInstanceType="mq.m5.large",
        DeploymentMode="ACTIVE_STANDBY_MULTI_AZ", PubliclyAccessible=False, AutoMinorVersionUpgrade=False,
        SubnetIds=subnets, SecurityGroups=[group], StorageType="EFS",
        EncryptionOptions={"UseAwsOwnedKey": False, "KmsKeyId": key},
        Logs={"General": True, "Audit": True}, MaintenanceWindowStartTime=window,
        Users=[{"Username": "admin", "Password": "a-real-secret-123", "ConsoleAccess": True, "Groups": ["admins"]},
               {"Username": "app", "Password": "another-secret-456", "Groups": ["writers", "readers"]}],
        Tags=tags,
    )
    record = cloudtrail("amazonmq.amazonaws.com", "CreateBroker",
                        {"brokerName": "orders-mq", "engineType": "ACTIVEMQ", "engineVersion": "5.17.6",
                         "hostInstanceType": "mq.m5.large", "deploymentMode": "ACTIVE_STANDBY_MULTI_AZ",
                         "publiclyAccessible": False, "autoMinorVersionUpgrade": False, "subnetIds": subnets,
                         "securityGroups": [group],
                         "users": [{"username": "admin", "password": "***", "consoleAccess": True,
                                    "groups": ["admins"]},
                                   {"username": "app", "password": "***", "groups": ["writers", "readers"]}],
                         "tags": tags},
                        {"brokerId": made["BrokerId"], "brokerArn": made["BrokerArn"]})
    expect = {
        "broker_name": "orders-mq", "engine_type": "ACTIVEMQ", "engine_version": "5.17.6",
        "host_instance_type": "mq.m5.large", "deployment_mode": "ACTIVE_STANDBY_MULTI_AZ", "storage_type": "EFS",
        "subnet_ids": sorted(subnets), "security_groups": [group],
        "encryption_options": [{"kms_key_id": key, "use_aws_owned_key": False}],
        "logs": [{"general": True, "audit": True}],
        "maintenance_window_start_time": [{"day_of_week": "WEDNESDAY", "time_of_day": "03:30",
                                           "time_zone": "Europe/Berlin"}],
        "user": [{"username": "admin", "password": PASSWORD_PLACEHOLDER, "console_access": True,
                  "groups": ["admins"]},
                 {"username": "app", "password": PASSWORD_PLACEHOLDER, "groups": ["readers", "writers"]}],
        "tags": tags,
    }
    return Made(record, made["BrokerId"], expect)


def _broker_gone(aws: Aws, broker_id: str) -> bool:
    try:
        aws("mq").describe_broker(BrokerId=broker_id)
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "NotFoundException", exc.response
        return True
    return False


CASES = {"aws_mq_broker": make_broker}
GONE = {"aws_mq_broker": _broker_gone}
PROVIDER_ENDPOINTS = {"mq"}
