"""Per type: create the resource in moto, detect it from its creation event, render with describe, check the code."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.catalog import CATALOG, TEMPLATES
from bot.catalog import DESCRIBE as REGISTRY
from bot.codegen import TEMPLATE_DIRS, CodeGenerator
from renderers.hcl import TEMPLATES as SHARED_TEMPLATES
from renderers.hcl import environment, template_names
from tests.codegen import cases
from tests.codegen.helpers import ACCOUNT, Made, assert_terraform_accepts, cloudtrail, detect, parse, write_tree

Aws = Callable[..., Any]


def _tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _ec2_spec(kind: str, tags: dict[str, str]) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": _tags(tags)}]


def _ct_spec(kind: str, tags: dict[str, str]) -> dict[str, Any]:
    return {"items": [{"resourceType": kind, "tags": [{"key": k, "value": v} for k, v in tags.items()]}]}


def _network(aws: Aws) -> tuple[Any, str, str]:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    return ec2, vpc, subnet


# S3


def make_bucket(aws: Aws) -> Made:
    s3 = aws("s3")
    name = "acme-${var.x}-logs".replace("${var.x}", "prod")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": _tags({"team": "data ${oops}", "Name": "Logs"})})
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/data"},
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    record = cloudtrail("s3.amazonaws.com", "CreateBucket", {"bucketName": name, "Host": f"{name}.s3.amazonaws.com"},
                        None)
    return Made(
        record,
        name,
        {"bucket": name, "tags": {"team": "data ${oops}", "Name": "Logs"}},
        {("aws_s3_bucket_versioning", ""): name, ("aws_s3_bucket_server_side_encryption_configuration", ""): name},
    )


# EC2


def make_instance(aws: Aws) -> Made:
    ec2, _vpc, subnet = _network(aws)
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=_vpc)["GroupId"]
    ec2.create_key_pair(KeyName="deploy")
    ami = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    tags = {"Name": "web-1", "team": "web ${x}"}
    user_data = "#!/bin/bash\necho \"hello ${name}\" > /tmp/hello\n"
    reservation = ec2.run_instances(
        ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.small", SubnetId=subnet, SecurityGroupIds=[group],
        KeyName="deploy", TagSpecifications=_ec2_spec("instance", tags), UserData=user_data,
        Monitoring={"Enabled": True},
        MetadataOptions={"HttpTokens": "required", "HttpPutResponseHopLimit": 2, "HttpEndpoint": "enabled"},
        BlockDeviceMappings=[{"DeviceName": "/dev/sda1",
                              "Ebs": {"VolumeSize": 30, "VolumeType": "gp3", "Encrypted": True,
                                      "DeleteOnTermination": True}}],
    )
    instance = reservation["Instances"][0]["InstanceId"]
    record = cloudtrail(
        "ec2.amazonaws.com", "RunInstances",
        {"instanceType": "t3.small", "imageId": ami, "tagSpecificationSet": _ct_spec("instance", tags)},
        {"ownerId": ACCOUNT, "instancesSet": {"items": [{"instanceId": instance, "imageId": ami}]}},
    )
    expect = {
        "ami": ami, "instance_type": "t3.small", "subnet_id": subnet, "vpc_security_group_ids": [group],
        "key_name": "deploy", "monitoring": True, "user_data": user_data, "tags": tags,
        "metadata_options": [{"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 2,
                              "instance_metadata_tags": "disabled"}],
    }
    return Made(record, instance, expect)


def make_security_group(aws: Aws) -> Made:
    ec2, vpc, _subnet = _network(aws)
    group = ec2.create_security_group(
        GroupName="db", Description='Postgres "primary" \\ ${x}', VpcId=vpc,
        TagSpecifications=_ec2_spec("security-group", {"Name": "db"}),
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
                        "IpRanges": [{"CidrIp": "10.20.0.0/16", "Description": "vpc"}]},
                       {"IpProtocol": "tcp", "FromPort": 6432, "ToPort": 6432,
                        "Ipv6Ranges": [{"CidrIpv6": "2600:1f18:abcd::/56", "Description": "pgbouncer over IPv6"}]}],
        TagSpecifications=_ec2_spec("security-group-rule", {"team": "db"}),
    )
    record = cloudtrail(
        "ec2.amazonaws.com", "CreateSecurityGroup",
        {"groupName": "db", "groupDescription": 'Postgres "primary" \\ ${x}', "vpcId": vpc},
        {"_return": True, "groupId": group},
    )
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group]}])["SecurityGroupRules"]
    companions = {}
    counts = {"ingress": 0, "egress": 0}
    for rule in sorted(rules, key=lambda r: r["SecurityGroupRuleId"]):
        kind = "egress" if rule["IsEgress"] else "ingress"
        counts[kind] += 1
        companions[(f"aws_vpc_security_group_{kind}_rule", f"_{kind}_{counts[kind]}")] = rule["SecurityGroupRuleId"]
    expect = {"name": "db", "description": 'Postgres "primary" \\ ${x}', "vpc_id": vpc, "tags": {"Name": "db"}}
    return Made(record, group, expect, companions)


def make_vpc(aws: Aws) -> Made:
    ec2 = aws("ec2")
    tags = {"Name": "core", "env": "prod"}
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16", AmazonProvidedIpv6CidrBlock=True,
                         TagSpecifications=_ec2_spec("vpc", tags))["Vpc"]
    ec2.modify_vpc_attribute(VpcId=vpc["VpcId"], EnableDnsHostnames={"Value": True})
    record = cloudtrail(
        "ec2.amazonaws.com", "CreateVpc",
        {"cidrBlock": "10.30.0.0/16", "amazonProvidedIpv6CidrBlock": True,
         "tagSpecificationSet": _ct_spec("vpc", tags)},
        {"vpc": {"vpcId": vpc["VpcId"], "cidrBlock": "10.30.0.0/16", "ownerId": ACCOUNT}},
    )
    return Made(record, vpc["VpcId"], {"cidr_block": "10.30.0.0/16", "enable_dns_hostnames": True,
                                       "assign_generated_ipv6_cidr_block": True, "tags": tags})


def make_subnet(aws: Aws) -> Made:
    ec2, vpc, subnet = _network(aws)
    tags = {"Name": "public-a", "tier": "public"}
    ec2.create_tags(Resources=[subnet], Tags=_tags(tags))
    ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    record = cloudtrail(
        "ec2.amazonaws.com", "CreateSubnet", {"vpcId": vpc, "cidrBlock": "10.20.1.0/24"},
        {"subnet": {"subnetId": subnet, "vpcId": vpc, "cidrBlock": "10.20.1.0/24"}},
    )
    expect = {"vpc_id": vpc, "cidr_block": "10.20.1.0/24", "availability_zone": "us-east-1a",
              "map_public_ip_on_launch": True, "tags": tags}
    return Made(record, subnet, expect)


def make_volume(aws: Aws) -> Made:
    ec2 = aws("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1b", Size=50, VolumeType="io1", Iops=2000, Encrypted=True,
                               TagSpecifications=_ec2_spec("volume", {"Name": "scratch", "team": "data"}))["VolumeId"]
    record = cloudtrail("ec2.amazonaws.com", "CreateVolume", {"size": 50, "zone": "us-east-1b"},
                        {"volumeId": volume, "size": 50})
    expect = {"availability_zone": "us-east-1b", "size": 50, "type": "io1", "iops": 2000, "encrypted": True,
              "tags": {"Name": "scratch", "team": "data"}}
    return Made(record, volume, expect)


def make_eip(aws: Aws) -> Made:
    ec2 = aws("ec2")
    tags = {"Name": "nat", "team": "network"}
    address = ec2.allocate_address(Domain="vpc", TagSpecifications=_ec2_spec("elastic-ip", tags))
    record = cloudtrail("ec2.amazonaws.com", "AllocateAddress", {"domain": "vpc"},
                        {"allocationId": address["AllocationId"], "publicIp": address["PublicIp"], "domain": "vpc"})
    return Made(record, address["AllocationId"], {"domain": "vpc", "tags": tags})


def make_key_pair(aws: Aws) -> Made:
    ec2 = aws("ec2")
    public = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHqQ0X8w6ZtBvNd0Q3fGk7z0gQpL2wq3w7v2c9J0b1kX alice@laptop"
    tags = {"owner": "alice", "purpose": "bastion ${x}"}
    ec2.import_key_pair(KeyName="alice", PublicKeyMaterial=public.encode(),
                        TagSpecifications=_ec2_spec("key-pair", tags))
    record = cloudtrail("ec2.amazonaws.com", "ImportKeyPair",
                        {"keyName": "alice", "tagSpecificationSet": _ct_spec("key-pair", tags)},
                        {"keyName": "alice", "keyFingerprint": "aa:bb"})
    return Made(record, "alice", {"key_name": "alice", "public_key": public, "tags": tags})


def make_internet_gateway(aws: Aws) -> Made:
    ec2, vpc, _subnet = _network(aws)
    tags = {"Name": "edge", "team": "network"}
    gateway = ec2.create_internet_gateway(
        TagSpecifications=_ec2_spec("internet-gateway", tags))["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    record = cloudtrail("ec2.amazonaws.com", "CreateInternetGateway",
                        {"tagSpecificationSet": _ct_spec("internet-gateway", tags)},
                        {"internetGateway": {"internetGatewayId": gateway, "ownerId": ACCOUNT}})
    return Made(record, gateway, {"vpc_id": vpc, "tags": tags})


def make_nat_gateway(aws: Aws) -> Made:
    ec2, _vpc, subnet = _network(aws)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    tags = {"Name": "egress-a", "team": "network"}
    # The console always sends the connectivity type (public is its default choice).
    gateway = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation, ConnectivityType="public",
                                     TagSpecifications=_ec2_spec("natgateway", tags))["NatGateway"]["NatGatewayId"]
    record = cloudtrail(
        "ec2.amazonaws.com", "CreateNatGateway",
        {"CreateNatGatewayRequest": {"SubnetId": subnet, "AllocationId": allocation, "ConnectivityType": "public",
                                     "TagSpecification": {"ResourceType": "natgateway",
                                                          "Tag": _tags(tags)}}},
        {"CreateNatGatewayResponse": {"natGateway": {"natGatewayId": gateway, "subnetId": subnet}}},
    )
    return Made(record, gateway, {"subnet_id": subnet, "allocation_id": allocation, "tags": tags})


def make_launch_template(aws: Aws) -> Made:
    import base64

    ec2, vpc, _subnet = _network(aws)
    group = ec2.create_security_group(GroupName="web-nodes", Description="web nodes", VpcId=vpc)["GroupId"]
    template = ec2.create_launch_template(
        LaunchTemplateName="web", VersionDescription="first",
        LaunchTemplateData={"ImageId": "ami-0abcdef1234567890", "InstanceType": "t3.micro"},
        TagSpecifications=_ec2_spec("launch-template", {"team": "web"}),
    )["LaunchTemplate"]["LaunchTemplateId"]
    # Modified in the console later: a second version with storage, metadata options and user data, which nobody
    # made the default.
    user_data = base64.b64encode(b"#!/bin/bash\nsystemctl start app\n").decode()
    ec2.create_launch_template_version(
        LaunchTemplateId=template, VersionDescription="imdsv2 and encrypted storage",
        LaunchTemplateData={
            "ImageId": "ami-0abcdef1234567890", "InstanceType": "t3.small", "KeyName": "deploy",
            "SecurityGroupIds": [group], "UserData": user_data,
            "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 2, "HttpEndpoint": "enabled"},
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {
                "VolumeSize": 20, "VolumeType": "gp3", "Encrypted": True, "DeleteOnTermination": True}}],
            "TagSpecifications": [{"ResourceType": "instance", "Tags": _tags({"Name": "web", "team": "web"})}],
        },
    )
    record = cloudtrail(
        "ec2.amazonaws.com", "CreateLaunchTemplate",
        {"CreateLaunchTemplateRequest": {"LaunchTemplateName": "web", "VersionDescription": "first",
                                         "TagSpecification": {"ResourceType": "launch-template",
                                                              "Tag": _tags({"team": "web"})}}},
        {"CreateLaunchTemplateResponse": {"launchTemplate": {"launchTemplateId": template,
                                                             "launchTemplateName": "web"}}},
    )
    expect = {"name": "web", "description": "imdsv2 and encrypted storage", "default_version": 1,
              "image_id": "ami-0abcdef1234567890", "instance_type": "t3.small", "key_name": "deploy",
              "vpc_security_group_ids": [group], "user_data": user_data, "tags": {"team": "web"},
              "tag_specifications": [{"resource_type": "instance", "tags": {"Name": "web", "team": "web"}}],
              "metadata_options": [{"http_endpoint": "enabled", "http_tokens": "required",
                                    "http_put_response_hop_limit": 2}]}
    return Made(record, template, expect)


# IAM

_TRUST = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},'
    ' "Action": "sts:AssumeRole"}]}'
)


def _role(aws: Aws, name: str = "app-runner") -> str:
    iam = aws("iam")
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=_TRUST, Path="/service/",
                           Description="Runs ${app}", Tags=_tags({"team": "platform"}))["Role"]["Arn"]


def make_role(aws: Aws) -> Made:
    _role(aws)
    iam = aws("iam")
    document = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}'
    policy = iam.create_policy(PolicyName="queues", PolicyDocument=document)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="app-runner", PolicyArn=policy)
    iam.put_role_policy(RoleName="app-runner", PolicyName="logs+write@team", PolicyDocument=document)
    boundary = iam.create_policy(PolicyName="boundary", PolicyDocument=document)["Policy"]["Arn"]
    # As the console's edit sends it: the description with the new duration (moto clears one left out).
    iam.update_role(RoleName="app-runner", Description="Runs ${app}", MaxSessionDuration=7200)
    iam.put_role_permissions_boundary(RoleName="app-runner", PermissionsBoundary=boundary)
    record = cloudtrail("iam.amazonaws.com", "CreateRole",
                        {"roleName": "app-runner", "path": "/service/", "assumeRolePolicyDocument": _TRUST},
                        {"role": {"roleName": "app-runner", "path": "/service/",
                                  "arn": f"arn:aws:iam::{ACCOUNT}:role/service/app-runner"}})
    expect = {"name": "app-runner", "path": "/service/", "description": "Runs ${app}", "max_session_duration": 7200,
              "permissions_boundary": boundary, "tags": {"team": "platform"}}
    companions = {
        ("aws_iam_role_policy_attachment", "_policy_1"): f"app-runner/{policy}",
        ("aws_iam_role_policy", "_inline_1"): "app-runner:logs+write@team",
    }
    return Made(record, "app-runner", expect, companions)


def make_user(aws: Aws) -> Made:
    # No permissions boundary: moto keeps none for users (CreateUser drops it, PutUserPermissionsBoundary is missing).
    aws("iam").create_user(UserName="ci-bot", Path="/robots/", Tags=_tags({"owner": "ci", "rotation": "90d"}))
    record = cloudtrail("iam.amazonaws.com", "CreateUser", {"userName": "ci-bot", "path": "/robots/"},
                        {"user": {"userName": "ci-bot", "path": "/robots/",
                                  "arn": f"arn:aws:iam::{ACCOUNT}:user/robots/ci-bot"}})
    return Made(record, "ci-bot", {"name": "ci-bot", "path": "/robots/", "tags": {"owner": "ci", "rotation": "90d"}})


def make_policy(aws: Aws) -> Made:
    document = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'
    )
    arn = aws("iam").create_policy(PolicyName="read-objects", Path="/app/", PolicyDocument=document,
                                   Description="read", Tags=_tags({"team": "data"}))["Policy"]["Arn"]
    record = cloudtrail("iam.amazonaws.com", "CreatePolicy",
                        {"policyName": "read-objects", "path": "/app/", "policyDocument": document},
                        {"policy": {"policyName": "read-objects", "arn": arn, "path": "/app/"}})
    return Made(record, arn, {"name": "read-objects", "path": "/app/", "description": "read", "tags": {"team": "data"}})


# Lambda


def _zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def main(event, context):\n    return event\n")
    return buffer.getvalue()


def make_function(aws: Aws) -> Made:
    role = _role(aws, "fn-role")
    aws("lambda").create_function(
        FunctionName="resize", Runtime="python3.12", Role=role, Handler="handler.main", Code={"ZipFile": _zip()},
        Description="Resizes uploads", MemorySize=512, Timeout=30, Architectures=["arm64"],
        Environment={"Variables": {"MODE": "fast ${x}"}}, TracingConfig={"Mode": "Active"},
        EphemeralStorage={"Size": 1024}, Tags={"app": "images"},
    )
    aws("lambda").put_function_concurrency(FunctionName="resize", ReservedConcurrentExecutions=5)
    record = cloudtrail("lambda.amazonaws.com", "CreateFunction20150331",
                        {"functionName": "resize", "runtime": "python3.12", "role": role, "handler": "handler.main"},
                        {"functionName": "resize",
                         "functionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:resize"})
    expect = {"function_name": "resize", "description": "Resizes uploads", "runtime": "python3.12", "role": role,
              "handler": "handler.main", "architectures": ["arm64"], "memory_size": 512, "timeout": 30,
              "reserved_concurrent_executions": 5, "environment": [{"variables": {"MODE": "fast ${x}"}}],
              "tracing_config": [{"mode": "Active"}], "ephemeral_storage": [{"size": 1024}],
              "filename": "${path.module}/adopted_one.zip", "tags": {"app": "images"}}
    return Made(record, "resize", expect)


# DynamoDB


def make_table(aws: Aws) -> Made:
    dynamodb = aws("dynamodb")
    dynamodb.create_table(
        TableName="orders", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "status", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{
            "IndexName": "by-status", "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"},
                                                    {"AttributeName": "sk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]},
        }],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        SSESpecification={"Enabled": True, "SSEType": "KMS"}, Tags=_tags({"team": "shop"}),
    )
    dynamodb.update_time_to_live(TableName="orders",
                                 TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"})
    dynamodb.update_continuous_backups(TableName="orders",
                                       PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    record = cloudtrail("dynamodb.amazonaws.com", "CreateTable", {"tableName": "orders"},
                        {"tableDescription": {"tableName": "orders",
                                              "tableArn": f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders"}})
    expect = {"name": "orders", "billing_mode": "PAY_PER_REQUEST", "hash_key": "pk", "range_key": "sk",
              "stream_enabled": True, "stream_view_type": "NEW_AND_OLD_IMAGES",
              "ttl": [{"attribute_name": "expires_at", "enabled": True}], "point_in_time_recovery": [{"enabled": True}],
              "tags": {"team": "shop"}}
    return Made(record, "orders", expect)


# SQS and SNS


def make_queue(aws: Aws) -> Made:
    # The maximum message size stays at what AWS now chooses (1 MiB), more than AWS provider 5.x can write. No
    # redrive policy: moto returns it re-serialised with spaces where AWS returns compact JSON, which the provider
    # compares as text on import.
    url = aws("sqs").create_queue(QueueName="jobs", tags={"team": "ops"}, Attributes={
        "VisibilityTimeout": "120", "DelaySeconds": "5", "MessageRetentionPeriod": "1209600",
        "ReceiveMessageWaitTimeSeconds": "20", "KmsMasterKeyId": "alias/aws/sqs",
        "KmsDataKeyReusePeriodSeconds": "3600",
    })["QueueUrl"]
    record = cloudtrail("sqs.amazonaws.com", "CreateQueue", {"queueName": "jobs"}, {"queueUrl": url})
    expect = {"name": "jobs", "visibility_timeout_seconds": 120, "delay_seconds": 5,
              "message_retention_seconds": 1209600, "receive_wait_time_seconds": 20,
              "kms_master_key_id": "alias/aws/sqs", "kms_data_key_reuse_period_seconds": 3600, "tags": {"team": "ops"}}
    return Made(record, url, expect)


def make_topic(aws: Aws) -> Made:
    delivery = '{"http": {"defaultHealthyRetryPolicy": {"numRetries": 5, "minDelayTarget": 20, "maxDelayTarget": 20}}}'
    arn = aws("sns").create_topic(Name="alerts", Attributes={"DisplayName": "Alerts %{x}",
                                                             "KmsMasterKeyId": "alias/aws/sns",
                                                             "DeliveryPolicy": delivery},
                                  Tags=_tags({"team": "ops"}))["TopicArn"]
    record = cloudtrail("sns.amazonaws.com", "CreateTopic", {"name": "alerts"}, {"topicArn": arn})
    expect = {"name": "alerts", "display_name": "Alerts %{x}", "kms_master_key_id": "alias/aws/sns",
              "tags": {"team": "ops"}}
    return Made(record, arn, expect)


# RDS


def make_db_instance(aws: Aws) -> Made:
    aws("rds").create_db_instance(
        DBInstanceIdentifier="orders-db", Engine="postgres", EngineVersion="16.3", DBInstanceClass="db.t3.micro",
        AllocatedStorage=50, MaxAllocatedStorage=100, StorageType="gp3", StorageEncrypted=True, DBName="orders",
        MasterUsername="app", MasterUserPassword="not-a-real-password", MultiAZ=True, BackupRetentionPeriod=7,
        PreferredBackupWindow="03:00-04:00", PreferredMaintenanceWindow="sun:05:00-sun:06:00", CopyTagsToSnapshot=True,
        AutoMinorVersionUpgrade=False, EnableCloudwatchLogsExports=["postgresql"], Tags=_tags({"team": "shop"}),
    )
    record = cloudtrail("rds.amazonaws.com", "CreateDBInstance",
                        {"dBInstanceIdentifier": "orders-db", "engine": "postgres", "dBInstanceClass": "db.t3.micro"},
                        {"dBInstanceIdentifier": "orders-db", "engine": "postgres",
                         "dBInstanceArn": f"arn:aws:rds:us-east-1:{ACCOUNT}:db:orders-db"})
    expect = {"identifier": "orders-db", "engine": "postgres", "engine_version": "16.3",
              "instance_class": "db.t3.micro", "allocated_storage": 50, "max_allocated_storage": 100,
              "storage_type": "gp3", "storage_encrypted": True, "db_name": "orders", "username": "app",
              "multi_az": True, "backup_retention_period": 7, "backup_window": "03:00-04:00",
              "maintenance_window": "sun:05:00-sun:06:00", "copy_tags_to_snapshot": True,
              "auto_minor_version_upgrade": False, "enabled_cloudwatch_logs_exports": ["postgresql"],
              "skip_final_snapshot": False, "final_snapshot_identifier": "orders-db-final", "tags": {"team": "shop"}}
    return Made(record, "orders-db", expect)


def make_rds_cluster(aws: Aws) -> Made:
    # moto reports an empty ScalingConfigurationInfo for every cluster, where AWS reports none unless the cluster is
    # Aurora Serverless v1, and the provider reads the empty one as settings to change. Sent the provider's own
    # defaults for them (which AWS would refuse for this cluster), moto reports those, read as no settings.
    serverless_v1_defaults = {"MinCapacity": 1, "MaxCapacity": 16, "AutoPause": True, "SecondsUntilAutoPause": 300,
                              "TimeoutAction": "RollbackCapacityChange", "SecondsBeforeTimeout": 300}
    aws("rds").create_db_cluster(
        DBClusterIdentifier="ledger", Engine="aurora-postgresql", EngineVersion="16.4", MasterUsername="app",
        MasterUserPassword="not-a-real-password", DatabaseName="ledger", StorageEncrypted=True,
        BackupRetentionPeriod=14, PreferredBackupWindow="03:00-04:00",
        PreferredMaintenanceWindow="sun:05:00-sun:06:00", CopyTagsToSnapshot=True,
        EnableCloudwatchLogsExports=["postgresql"], ServerlessV2ScalingConfiguration={"MinCapacity": 0.5,
                                                                                      "MaxCapacity": 8},
        ScalingConfiguration=serverless_v1_defaults, Tags=_tags({"team": "finance"}),
    )
    record = cloudtrail("rds.amazonaws.com", "CreateDBCluster",
                        {"dBClusterIdentifier": "ledger", "engine": "aurora-postgresql"},
                        {"dBClusterIdentifier": "ledger", "engine": "aurora-postgresql",
                         "dBClusterArn": f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:ledger"})
    expect = {"cluster_identifier": "ledger", "engine": "aurora-postgresql", "engine_version": "16.4",
              "master_username": "app", "database_name": "ledger", "storage_encrypted": True,
              "backup_retention_period": 14, "preferred_backup_window": "03:00-04:00",
              "preferred_maintenance_window": "sun:05:00-sun:06:00", "copy_tags_to_snapshot": True,
              "enabled_cloudwatch_logs_exports": ["postgresql"],
              "serverlessv2_scaling_configuration": [{"min_capacity": 0.5, "max_capacity": 8}],
              "skip_final_snapshot": True, "tags": {"team": "finance"}}
    return Made(record, "ledger", expect)


# Containers


def make_ecr_repository(aws: Aws) -> Made:
    repo = aws("ecr").create_repository(repositoryName="team/api", imageTagMutability="IMMUTABLE",
                                        imageScanningConfiguration={"scanOnPush": True},
                                        encryptionConfiguration={"encryptionType": "KMS"},
                                        tags=_tags({"team": "api"}))["repository"]
    record = cloudtrail("ecr.amazonaws.com", "CreateRepository", {"repositoryName": "team/api"},
                        {"repository": {"repositoryName": "team/api", "repositoryArn": repo["repositoryArn"],
                                        "registryId": ACCOUNT}})
    expect = {"name": "team/api", "image_tag_mutability": "IMMUTABLE",
              "image_scanning_configuration": [{"scan_on_push": True}], "tags": {"team": "api"}}
    return Made(record, "team/api", expect)


def make_ecs_cluster(aws: Aws) -> Made:
    namespace = f"arn:aws:servicediscovery:us-east-1:{ACCOUNT}:namespace/ns-jobs0123456789"
    execute = {"logging": "OVERRIDE",
               "logConfiguration": {"cloudWatchLogGroupName": "/ecs/jobs/exec", "cloudWatchEncryptionEnabled": True}}
    cluster = aws("ecs").create_cluster(clusterName="jobs",
                                        settings=[{"name": "containerInsights", "value": "enabled"}],
                                        configuration={"executeCommandConfiguration": execute},
                                        serviceConnectDefaults={"namespace": namespace},
                                        tags=[{"key": "team", "value": "batch"}])["cluster"]
    record = cloudtrail("ecs.amazonaws.com", "CreateCluster", {"clusterName": "jobs"},
                        {"cluster": {"clusterName": "jobs", "clusterArn": cluster["clusterArn"]}})
    expect = {"name": "jobs", "setting": [{"name": "containerInsights", "value": "enabled"}],
              "service_connect_defaults": [{"namespace": namespace}], "tags": {"team": "batch"}}
    return Made(record, "jobs", expect)


def make_eks_cluster(aws: Aws) -> Made:
    ec2, vpc, subnet = _network(aws)
    other = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="eks-control", Description="control plane", VpcId=vpc)["GroupId"]
    key = aws("kms").create_key(Description="EKS secrets")["KeyMetadata"]["Arn"]
    role = _role(aws, "eks-role")
    # The console sends both endpoint choices and the service CIDR; AWS returns them all (moto only what it got).
    vpc_config = {"subnetIds": [subnet, other], "securityGroupIds": [group], "endpointPublicAccess": True,
                  "endpointPrivateAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]}
    cluster = aws("eks").create_cluster(
        name="prod", roleArn=role, version="1.30", resourcesVpcConfig=vpc_config,
        kubernetesNetworkConfig={"serviceIpv4Cidr": "10.100.0.0/16", "ipFamily": "ipv4"},
        logging={"clusterLogging": [{"types": ["api", "audit"], "enabled": True},
                                    {"types": ["authenticator", "controllerManager", "scheduler"], "enabled": False}]},
        encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": key}}], tags={"env": "prod"},
        remoteNetworkConfig={"remoteNodeNetworks": [{"cidrs": ["10.200.0.0/16"]}],
                             "remotePodNetworks": [{"cidrs": ["10.201.0.0/16"]}]},
    )["cluster"]
    record = cloudtrail("eks.amazonaws.com", "CreateCluster", {"name": "prod", "roleArn": role},
                        {"cluster": {"name": "prod", "arn": cluster["arn"]}})
    expect = {"name": "prod", "role_arn": role, "version": "1.30", "enabled_cluster_log_types": ["api", "audit"],
              "bootstrap_self_managed_addons": False, "tags": {"env": "prod"}}
    return Made(record, "prod", expect)


# Security


def make_kms_key(aws: Aws) -> Made:
    kms = aws("kms")
    # As the console sends it: usage and spec explicit (moto reports no KeyUsage for a key made without one).
    meta = kms.create_key(Description="Backups ${env}", KeyUsage="ENCRYPT_DECRYPT", KeySpec="SYMMETRIC_DEFAULT",
                          Tags=[{"TagKey": "team", "TagValue": "ops"}])["KeyMetadata"]
    kms.enable_key_rotation(KeyId=meta["KeyId"])
    request = {"description": "Backups ${env}", "keyUsage": "ENCRYPT_DECRYPT", "keySpec": "SYMMETRIC_DEFAULT"}
    record = cloudtrail("kms.amazonaws.com", "CreateKey", request,
                        {"keyMetadata": {"keyId": meta["KeyId"], "arn": meta["Arn"]}})
    expect = {"description": "Backups ${env}", "enable_key_rotation": True, "tags": {"team": "ops"}}
    return Made(record, meta["KeyId"], expect)


def make_secret(aws: Aws) -> Made:
    key = aws("kms").create_key(Description="db secrets", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["Arn"]
    secret = aws("secretsmanager").create_secret(Name="prod/db", Description="db login", SecretString="s3cr3t-value",
                                                 KmsKeyId=key, Tags=_tags({"team": "db"}))
    record = cloudtrail("secretsmanager.amazonaws.com", "CreateSecret", {"name": "prod/db", "kmsKeyId": key},
                        {"arn": secret["ARN"], "name": "prod/db"})
    expect = {"name": "prod/db", "description": "db login", "kms_key_id": key, "recovery_window_in_days": 30,
              "tags": {"team": "db"}}
    return Made(record, secret["ARN"], expect)


def make_parameter(aws: Aws) -> Made:
    aws("ssm").put_parameter(Name="/app/endpoint", Value="https://api.example.com/${path}", Type="String",
                             Description="where", AllowedPattern="^https://.*", Tier="Advanced",
                             Tags=_tags({"team": "app"}))
    record = cloudtrail("ssm.amazonaws.com", "PutParameter",
                        {"name": "/app/endpoint", "type": "String", "allowedPattern": "^https://.*",
                         "tier": "Advanced"},
                        {"version": 1, "tier": "Advanced"})
    expect = {"name": "/app/endpoint", "type": "String", "value": "https://api.example.com/${path}",
              "description": "where", "allowed_pattern": "^https://.*", "tier": "Advanced", "tags": {"team": "app"}}
    return Made(record, "/app/endpoint", expect)


# Logs, load balancing, streams, caches, DNS, APIs, workflows, events


def make_log_group(aws: Aws) -> Made:
    logs = aws("logs")
    key = aws("kms").create_key(Description="logs", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["Arn"]
    logs.create_log_group(logGroupName="/app/web", kmsKeyId=key, tags={"team": "web"})
    logs.put_retention_policy(logGroupName="/app/web", retentionInDays=30)
    record = cloudtrail("logs.amazonaws.com", "CreateLogGroup", {"logGroupName": "/app/web", "kmsKeyId": key}, None)
    expect = {"name": "/app/web", "retention_in_days": 30, "kms_key_id": key, "tags": {"team": "web"}}
    return Made(record, "/app/web", expect)


def make_lb(aws: Aws) -> Made:
    ec2, vpc, subnet = _network(aws)
    other = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
    from bot.catalog.elbv2.create import ALB_ATTRIBUTES

    elbv2 = aws("elbv2")
    lb = elbv2.create_load_balancer(Name="web", Subnets=[subnet, other], SecurityGroups=[group],
                                    Scheme="internal", Tags=_tags({"team": "web"}))["LoadBalancers"][0]
    # AWS's starting attributes (the emulator reports only those set), then what was changed in the console.
    changed = {"idle_timeout.timeout_seconds": "120", "routing.http.drop_invalid_header_fields.enabled": "true",
               "routing.http.desync_mitigation_mode": "strictest"}
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"],
                                          Attributes=_tags({**ALB_ATTRIBUTES, **changed}))
    record = cloudtrail("elasticloadbalancing.amazonaws.com", "CreateLoadBalancer",
                        {"name": "web", "subnets": [subnet, other], "scheme": "internal"},
                        {"loadBalancers": [{"loadBalancerArn": lb["LoadBalancerArn"], "loadBalancerName": "web"}]})
    expect = {"name": "web", "internal": True, "subnets": [subnet, other], "security_groups": [group],
              "idle_timeout": 120, "drop_invalid_header_fields": True, "desync_mitigation_mode": "strictest",
              "tags": {"team": "web"}}
    return Made(record, lb["LoadBalancerArn"], expect)


def make_stream(aws: Aws) -> Made:
    kinesis = aws("kinesis")
    kinesis.create_stream(StreamName="clicks", ShardCount=2)
    kinesis.add_tags_to_stream(StreamName="clicks", Tags={"team": "analytics"})
    kinesis.increase_stream_retention_period(StreamName="clicks", RetentionPeriodHours=72)
    kinesis.start_stream_encryption(StreamName="clicks", EncryptionType="KMS", KeyId="alias/aws/kinesis")
    kinesis.enable_enhanced_monitoring(StreamName="clicks", ShardLevelMetrics=["IncomingBytes", "OutgoingBytes"])
    record = cloudtrail("kinesis.amazonaws.com", "CreateStream", {"streamName": "clicks", "shardCount": 2}, None)
    expect = {"name": "clicks", "shard_count": 2, "retention_period": 72, "encryption_type": "KMS",
              "kms_key_id": "alias/aws/kinesis", "shard_level_metrics": ["IncomingBytes", "OutgoingBytes"],
              "tags": {"team": "analytics"}}
    return Made(record, "clicks", expect)


def make_cache_cluster(aws: Aws) -> Made:
    # The console sends the engine version and the minor-upgrade choice; moto reports back only what it was sent.
    cluster = aws("elasticache").create_cache_cluster(
        CacheClusterId="sessions", Engine="redis", EngineVersion="7.1", CacheNodeType="cache.t3.micro",
        NumCacheNodes=1, CacheParameterGroupName="default.redis7", PreferredMaintenanceWindow="sun:05:00-sun:06:00",
        SnapshotRetentionLimit=7, SnapshotWindow="03:00-04:00", AutoMinorVersionUpgrade=True,
        Tags=_tags({"team": "web"}),
    )["CacheCluster"]
    record = cloudtrail("elasticache.amazonaws.com", "CreateCacheCluster",
                        {"cacheClusterId": "sessions", "engine": "redis", "engineVersion": "7.1"},
                        {"cacheClusterId": "sessions", "engine": "redis", "aRN": cluster.get("ARN")})
    expect = {"cluster_id": "sessions", "engine": "redis", "engine_version": "7.1", "node_type": "cache.t3.micro",
              "num_cache_nodes": 1, "maintenance_window": "sun:05:00-sun:06:00", "snapshot_window": "03:00-04:00",
              "snapshot_retention_limit": 7, "tags": {"team": "web"}}
    return Made(record, "sessions", expect)


def make_zone(aws: Aws) -> Made:
    route53 = aws("route53")
    zone = route53.create_hosted_zone(Name="example.com", CallerReference="ref-1",
                                      HostedZoneConfig={"Comment": 'Main "zone"'})["HostedZone"]
    zone_id = zone["Id"].removeprefix("/hostedzone/")
    route53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id,
                                     AddTags=_tags({"team": "dns", "env": "prod"}))
    record = cloudtrail("route53.amazonaws.com", "CreateHostedZone",
                        {"name": "example.com", "callerReference": "ref-1"},
                        {"hostedZone": {"id": zone["Id"], "name": "example.com."}})
    return Made(record, zone_id, {"name": "example.com", "comment": 'Main "zone"',
                                  "tags": {"team": "dns", "env": "prod"}})


def make_rest_api(aws: Aws) -> Made:
    apigateway = aws("apigateway")
    api = apigateway.create_rest_api(name="orders", description="Orders %{api}", apiKeySource="AUTHORIZER",
                                     endpointConfiguration={"types": ["REGIONAL"]}, tags={"team": "shop"})
    # The console's API settings page adds binary media types afterwards (moto reads the type from value).
    apigateway.update_rest_api(restApiId=api["id"], patchOperations=[
        {"op": "add", "path": f"/binaryMediaTypes/{kind.replace('/', '~1')}", "value": kind}
        for kind in ("image/png", "application/pdf")
    ])
    record = cloudtrail("apigateway.amazonaws.com", "CreateRestApi", {"createRestApiInput": {"name": "orders"}},
                        {"id": api["id"], "name": "orders"})
    expect = {"name": "orders", "description": "Orders %{api}", "api_key_source": "AUTHORIZER",
              "binary_media_types": ["image/png", "application/pdf"],
              "endpoint_configuration": [{"types": ["REGIONAL"]}], "tags": {"team": "shop"}}
    return Made(record, api["id"], expect)


def make_state_machine(aws: Aws) -> Made:
    role = _role(aws, "sfn-role")
    aws("logs").create_log_group(logGroupName="/aws/states/checkout")
    group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/states/checkout:*"
    # Pretty-printed, as the console's editor saves it.
    definition = (
        '{\n  "Comment": "Checkout ${order}",\n  "StartAt": "Charge",\n  "States": {\n'
        '    "Charge": {"Type": "Pass", "Next": "Done"},\n    "Done": {"Type": "Succeed"}\n  }\n}'
    )
    logging = {"level": "ERROR", "includeExecutionData": True,
               "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": group}}]}
    arn = aws("stepfunctions").create_state_machine(
        name="checkout", definition=definition, roleArn=role, loggingConfiguration=logging,
        tracingConfiguration={"enabled": True}, tags=[{"key": "team", "value": "shop"}],
    )["stateMachineArn"]
    record = cloudtrail("states.amazonaws.com", "CreateStateMachine",
                        {"name": "checkout", "roleArn": role, "loggingConfiguration": logging,
                         "tracingConfiguration": {"enabled": True}},
                        {"stateMachineArn": arn})
    expect = {"name": "checkout", "role_arn": role,
              "logging_configuration": [{"log_destination": group, "include_execution_data": True, "level": "ERROR"}],
              "tracing_configuration": [{"enabled": True}], "tags": {"team": "shop"}}
    return Made(record, arn, expect)


def make_event_rule(aws: Aws) -> Made:
    pattern = '{"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]}'
    arn = aws("events").put_rule(Name="ec2-state", EventPattern=pattern, Description="EC2 ${state}",
                                 Tags=_tags({"team": "ops"}))["RuleArn"]
    record = cloudtrail("events.amazonaws.com", "PutRule", {"name": "ec2-state", "eventPattern": pattern},
                        {"ruleArn": arn})
    return Made(record, "ec2-state", {"name": "ec2-state", "description": "EC2 ${state}", "tags": {"team": "ops"}})


# EFS


def make_file_system(aws: Aws) -> Made:
    efs = aws("efs")
    tags = {"Name": "home-dirs", "team": "research ${x}"}
    made = efs.create_file_system(CreationToken="home-dirs", ThroughputMode="provisioned",
                                  ProvisionedThroughputInMibps=64, Encrypted=True, Backup=True, Tags=_tags(tags))
    fs_id = made["FileSystemId"]
    efs.put_lifecycle_configuration(FileSystemId=fs_id, LifecyclePolicies=[
        {"TransitionToIA": "AFTER_30_DAYS"}, {"TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"}])
    record = cloudtrail("elasticfilesystem.amazonaws.com", "CreateFileSystem",
                        {"creationToken": "home-dirs", "throughputMode": "provisioned",
                         "provisionedThroughputInMibps": 64, "encrypted": True, "backup": True,
                         "tags": [{"key": k, "value": v} for k, v in tags.items()]},
                        {"ownerId": ACCOUNT, "fileSystemId": fs_id, "fileSystemArn": made["FileSystemArn"],
                         "creationToken": "home-dirs", "throughputMode": "provisioned", "encrypted": True})
    expect = {
        "creation_token": "home-dirs", "throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 64,
        "encrypted": True, "tags": tags,
        "lifecycle_policy": [{"transition_to_ia": "AFTER_30_DAYS"},
                             {"transition_to_primary_storage_class": "AFTER_1_ACCESS"}],
    }
    return Made(record, fs_id, expect, {("aws_efs_backup_policy", ""): fs_id})


CASES: dict[str, Callable[[Aws], Made]] = {
    "aws_s3_bucket": make_bucket,
    "aws_instance": make_instance,
    "aws_security_group": make_security_group,
    "aws_vpc": make_vpc,
    "aws_subnet": make_subnet,
    "aws_ebs_volume": make_volume,
    "aws_eip": make_eip,
    "aws_key_pair": make_key_pair,
    "aws_internet_gateway": make_internet_gateway,
    "aws_nat_gateway": make_nat_gateway,
    "aws_launch_template": make_launch_template,
    "aws_iam_role": make_role,
    "aws_iam_user": make_user,
    "aws_iam_policy": make_policy,
    "aws_lambda_function": make_function,
    "aws_dynamodb_table": make_table,
    "aws_sqs_queue": make_queue,
    "aws_sns_topic": make_topic,
    "aws_db_instance": make_db_instance,
    "aws_rds_cluster": make_rds_cluster,
    "aws_ecr_repository": make_ecr_repository,
    "aws_ecs_cluster": make_ecs_cluster,
    "aws_eks_cluster": make_eks_cluster,
    "aws_kms_key": make_kms_key,
    "aws_secretsmanager_secret": make_secret,
    "aws_ssm_parameter": make_parameter,
    "aws_cloudwatch_log_group": make_log_group,
    "aws_lb": make_lb,
    "aws_kinesis_stream": make_stream,
    "aws_elasticache_cluster": make_cache_cluster,
    "aws_route53_zone": make_zone,
    "aws_api_gateway_rest_api": make_rest_api,
    "aws_sfn_state_machine": make_state_machine,
    "aws_cloudwatch_event_rule": make_event_rule,
    "aws_efs_file_system": make_file_system,
    **cases.CASES,  # the per-service modules of tests/codegen/cases/
}


def test_every_catalog_type_has_code_generation_a_template_and_a_case():
    assert set(REGISTRY) == set(CATALOG) == set(CASES) | set(cases.UNSERVED)
    assert not set(CASES) & set(cases.UNSERVED)
    assert set(template_names(environment(*TEMPLATE_DIRS))) == set(TEMPLATES) == set(CATALOG)


# Template expressions that print something other than a filtered value: the sanitised label, the import address
# built from it, and names the readers choose themselves (rule kinds and numbered suffixes).
_TRUSTED_EXPRESSIONS = {"label", "address", "rule.kind", "rule.suffix", "attachment.suffix", "inline.suffix"}


def test_templates_print_nothing_from_aws_unquoted():
    for path in sorted({*SHARED_TEMPLATES.glob("*.j2"), *TEMPLATES.values()}):
        for expression in re.findall(r"{{(.*?)}}", path.read_text(encoding="utf-8"), flags=re.S):
            expression = expression.strip()
            quoted = re.search(r"\|\s*(hcl|hcl_string|hcl_comment)(\(\d+\))?$", expression)
            assert expression.startswith("attrs(") or quoted or expression in _TRUSTED_EXPRESSIONS, (path, expression)


@pytest.mark.parametrize("tf_type", sorted(CASES))
def test_generated_code_matches_the_resource(tf_type: str, aws_client: Aws, aws_calls: Any, tmp_path: Path):
    made = CASES[tf_type](aws_client)
    record, resources = detect(made.record)
    [resource] = [r for r in resources if r.tf_type == tf_type]
    assert resource.import_id == made.import_id
    generator = CodeGenerator(aws_calls.factory(tf_type, "describe"))

    generation = generator.generate(resource, record, name="Adopted One", describe=True)

    assert generation.described, generation.notes
    assert generation.address == f"{tf_type}.adopted_one"
    code = parse(generation)
    args = code["resources"][(tf_type, "adopted_one")]
    for key, value in made.expect.items():
        got = args[key]
        if isinstance(value, list):
            assert sorted(got, key=repr) == sorted(value, key=repr), key
        else:
            assert got == value, key
    expected_imports = {f"{tf_type}.adopted_one": made.import_id}
    for (companion, suffix), import_id in (made.companions or {}).items():
        expected_imports[f"{companion}.adopted_one{suffix}"] = import_id
        assert (companion, f"adopted_one{suffix}") in code["resources"]
    assert code["imports"] == expected_imports
    write_tree(generation.files, tmp_path / "described")

    # The same event without describe calls: less detail, the same import, still valid Terraform.
    from_event = generator.generate(resource, record, name="Adopted One")
    assert not from_event.described
    assert parse(from_event)["imports"][f"{tf_type}.adopted_one"] == made.import_id
    write_tree(from_event.files, tmp_path / "event")
    assert_terraform_accepts(tmp_path)
