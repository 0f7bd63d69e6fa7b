"""ClickOps for the sandbox: create a resource of any catalog type in the embedded AWS, as a person at the console
(or Terraform) would, and put the CloudTrail event that call produces on the real queue, in EventBridge's shape.

Each type's creator makes the resource with boto3 and returns the `requestParameters` and `responseElements`
CloudTrail records for that call (CloudTrail's field names, which differ from the SDK's, EC2's most of all). The
import ID reported back is the one the catalog reads from that record, so it is what tfsync will see.
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import re
import secrets
import threading
import uuid
import zipfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from bot import aws
from bot.catalog import CATALOG, ExtractError
from bot.config import Settings
from bot.events import CLOUDTRAIL_DETAIL_TYPE, CloudTrailRecord
from bot.sandbox.aws import ACCOUNT_ID

logger = logging.getLogger(__name__)

BURST_SIZE = 20
CONSOLE = "console"
TERRAFORM = "terraform"
ORIGINS = (CONSOLE, TERRAFORM)
TERRAFORM_USER_AGENT = (
    "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.76.0 "
    "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.4 os/linux lang/go#1.23.3"
)
# What the consoles put in userAgent; the S3 console's is its own, most others say console.<service>.
_CONSOLE_AGENTS = {
    "s3.amazonaws.com": "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750 Linux/5.10.226 "
                        "OpenJDK_64-Bit_Server_VM/25.412-b09 java/1.8.0_412 vendor/Oracle_Corporation]",
    "ec2.amazonaws.com": "console.ec2.amazonaws.com",
}
_DEFAULT_CONSOLE_AGENT = "console.amazonaws.com"
_SSO_ROLE = "AWSReservedSSO_AdministratorAccess_5d2f1a7b9c3e4d60"
_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com",
                                                  "eks.amazonaws.com"]}, "Action": "sts:AssumeRole"}]})
_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
# What CloudTrail writes in place of a password it was given.
HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"
_NAME_BAD = re.compile(r"[^a-z0-9-]+")


class ClickOpsError(Exception):
    """The resource could not be made: an unknown type, a bad name, or the (embedded) AWS said no."""


@dataclass(frozen=True, slots=True)
class Created:
    """What one ClickOps creation made and emitted."""

    tf_type: str
    name: str
    import_id: str
    event_id: str
    origin: str
    actor: str

    def as_dict(self) -> dict[str, str]:
        return {"tf_type": self.tf_type, "name": self.name, "import_id": self.import_id, "event_id": self.event_id,
                "as": self.origin, "actor": self.actor}


@dataclass(frozen=True, slots=True)
class Call:
    """One API call as CloudTrail records it."""

    request: dict[str, Any] | None
    response: dict[str, Any] | None
    event_name: str = ""  # the catalog entry's first create event when empty


@dataclass
class _Ctx:
    settings: Settings
    region: str
    counter: Callable[[], int]
    lock: threading.Lock
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        with self.lock:
            if service not in self._clients:
                self._clients[service] = aws.client(self.settings, service, self.region)
            return self._clients[service]


Creator = Callable[[_Ctx, str, dict[str, str]], Call]


# --- names and tags ---------------------------------------------------------------------------------------------


def slug(name: str, *, limit: int = 63, fallback: str = "sandbox") -> str:
    """A name most AWS services accept: lower-case letters, digits and dashes, starting with a letter."""
    value = _NAME_BAD.sub("-", name.strip().lower()).strip("-")
    value = re.sub(r"-{2,}", "-", value)[:limit].strip("-")
    if not value or not value[0].isalpha():
        value = f"{fallback}-{value}".strip("-")[:limit]
    return value


def default_name(tf_type: str) -> str:
    base = tf_type.removeprefix("aws_").replace("_", "-")
    return f"demo-{base}-{secrets.token_hex(2)}"


def _pairs(tags: Mapping[str, str], key: str = "Key", value: str = "Value") -> list[dict[str, str]]:
    return [{key: k, value: v} for k, v in tags.items()]


def _ec2_spec(kind: str, tags: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": _pairs(tags)}] if tags else []


def _ct_spec(kind: str, tags: Mapping[str, str]) -> dict[str, Any]:
    return {"items": [{"resourceType": kind, "tags": _pairs(tags, "key", "value")}]}


def _with_name(name: str, tags: Mapping[str, str]) -> dict[str, str]:
    """EC2 resources have no name field; the console's name box writes the Name tag."""
    return {"Name": name, **{k: v for k, v in tags.items() if k.lower() != "name"}}


def _ct_tags(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return _pairs(tags, "key", "value")


# --- shared scaffolding (made quietly, as if it had been there) -------------------------------------------------


def _default_subnets(ctx: _Ctx) -> list[dict[str, Any]]:
    ec2 = ctx.client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    if not vpcs:
        raise ClickOpsError("the embedded AWS has no default VPC")
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpcs[0]["VpcId"]]},
                                            {"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    return sorted(subnets, key=lambda s: s["AvailabilityZone"])


def _service_role(ctx: _Ctx) -> str:
    iam = ctx.client("iam")
    name = "sandbox-service-role"
    try:
        return iam.get_role(RoleName=name)["Role"]["Arn"]
    except ClientError:
        return iam.create_role(RoleName=name, AssumeRolePolicyDocument=_TRUST)["Role"]["Arn"]


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def main(event, context):\n    return event\n")
    return buffer.getvalue()


def _ami(ctx: _Ctx) -> str:
    images = ctx.client("ec2").describe_images(Owners=["amazon"])["Images"]
    if not images:
        raise ClickOpsError("the embedded AWS has no AMI to launch")
    return sorted(images, key=lambda i: i["ImageId"])[0]["ImageId"]


# --- one creator per catalog type -------------------------------------------------------------------------------


def _s3_bucket(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    bucket = slug(name)
    if len(bucket) < 3:
        raise ClickOpsError("a bucket name needs at least 3 characters")
    s3 = ctx.client("s3")
    s3.create_bucket(Bucket=bucket)
    if tags:
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": _pairs(tags)})
    request: dict[str, Any] = {"bucketName": bucket, "Host": f"{bucket}.s3.amazonaws.com"}
    if tags:
        request["CreateBucketConfiguration"] = {"Tags": _pairs(tags)}
    return Call(request, None)


def _instance(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    subnet = _default_subnets(ctx)[0]["SubnetId"]
    ami = _ami(ctx)
    all_tags = _with_name(name, tags)
    instance = ctx.client("ec2").run_instances(
        ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=subnet,
        TagSpecifications=_ec2_spec("instance", all_tags),
    )["Instances"][0]
    return Call(
        {"instancesSet": {"items": [{"imageId": ami, "minCount": 1, "maxCount": 1}]}, "instanceType": "t3.micro",
         "subnetId": subnet, "tagSpecificationSet": _ct_spec("instance", all_tags)},
        {"ownerId": ACCOUNT_ID, "instancesSet": {"items": [
            {"instanceId": instance["InstanceId"], "imageId": ami, "instanceType": "t3.micro",
             "subnetId": subnet, "tagSet": {"items": _ct_tags(all_tags)}}]}},
    )


def _security_group(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    vpc = _default_subnets(ctx)[0]["VpcId"]
    group = slug(name, limit=255)
    spec = _ec2_spec("security-group", tags)
    group_id = ctx.client("ec2").create_security_group(
        GroupName=group, Description=f"{group} (made in the console)", VpcId=vpc, **({"TagSpecifications": spec}
                                                                                   if spec else {}),
    )["GroupId"]
    request: dict[str, Any] = {"groupName": group, "groupDescription": f"{group} (made in the console)",
                               "vpcId": vpc}
    if tags:
        request["tagSpecificationSet"] = _ct_spec("security-group", tags)
    return Call(request, {"_return": True, "groupId": group_id})


def _vpc(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    cidr = f"10.{ctx.counter() % 250 + 1}.0.0/16"
    all_tags = _with_name(name, tags)
    vpc = ctx.client("ec2").create_vpc(CidrBlock=cidr, TagSpecifications=_ec2_spec("vpc", all_tags))["Vpc"]
    return Call({"cidrBlock": cidr, "tagSpecificationSet": _ct_spec("vpc", all_tags)},
                {"vpc": {"vpcId": vpc["VpcId"], "cidrBlock": cidr, "ownerId": ACCOUNT_ID,
                         "tagSet": {"items": _ct_tags(all_tags)}}})


def _subnet(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    first = _default_subnets(ctx)[0]
    ec2 = ctx.client("ec2")
    all_tags = _with_name(name, tags)
    for _ in range(160):
        # The default subnets fill 172.31.0.0-172.31.95.255; the sandbox's own subnets take /24s above them.
        cidr = f"172.31.{96 + ctx.counter() % 160}.0/24"
        try:
            subnet = ec2.create_subnet(VpcId=first["VpcId"], CidrBlock=cidr, AvailabilityZone=first["AvailabilityZone"],
                                       TagSpecifications=_ec2_spec("subnet", all_tags))["Subnet"]
        except ClientError as exc:
            if "Conflict" in str(exc) or "InvalidSubnet" in str(exc):
                continue
            raise
        return Call({"vpcId": first["VpcId"], "cidrBlock": cidr, "availabilityZone": first["AvailabilityZone"],
                     "tagSpecificationSet": _ct_spec("subnet", all_tags)},
                    {"subnet": {"subnetId": subnet["SubnetId"], "vpcId": first["VpcId"], "cidrBlock": cidr,
                                "tagSet": {"items": _ct_tags(all_tags)}}})
    raise ClickOpsError("no free subnet range left in the default VPC")


def _volume(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    all_tags = _with_name(name, tags)
    volume = ctx.client("ec2").create_volume(AvailabilityZone="us-east-1a", Size=8, VolumeType="gp3",
                                             TagSpecifications=_ec2_spec("volume", all_tags))
    return Call({"size": 8, "zone": "us-east-1a", "volumeType": "gp3",
                 "tagSpecificationSet": _ct_spec("volume", all_tags)},
                {"volumeId": volume["VolumeId"], "size": 8, "zone": "us-east-1a", "status": "creating",
                 "tagSet": {"items": _ct_tags(all_tags)}})


def _eip(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    all_tags = _with_name(name, tags)
    address = ctx.client("ec2").allocate_address(Domain="vpc", TagSpecifications=_ec2_spec("elastic-ip", all_tags))
    return Call({"domain": "vpc", "tagSpecificationSet": _ct_spec("elastic-ip", all_tags)},
                {"allocationId": address["AllocationId"], "publicIp": address["PublicIp"], "domain": "vpc",
                 "tagSet": {"items": _ct_tags(all_tags)}})


def _key_pair(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    key = slug(name, limit=255)
    spec = _ec2_spec("key-pair", tags)
    made = ctx.client("ec2").create_key_pair(KeyName=key, **({"TagSpecifications": spec} if spec else {}))
    request: dict[str, Any] = {"keyName": key}
    if tags:
        request["tagSpecificationSet"] = _ct_spec("key-pair", tags)
    return Call(request, {"keyName": key, "keyFingerprint": made.get("KeyFingerprint", ""),
                          "keyPairId": made.get("KeyPairId", "")})


def _internet_gateway(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    all_tags = _with_name(name, tags)
    gateway = ctx.client("ec2").create_internet_gateway(
        TagSpecifications=_ec2_spec("internet-gateway", all_tags))["InternetGateway"]
    return Call({"tagSpecificationSet": _ct_spec("internet-gateway", all_tags)},
                {"internetGateway": {"internetGatewayId": gateway["InternetGatewayId"], "ownerId": ACCOUNT_ID,
                                     "tagSet": {"items": _ct_tags(all_tags)}}})


def _nat_gateway(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    ec2 = ctx.client("ec2")
    subnet = _default_subnets(ctx)[0]["SubnetId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    all_tags = _with_name(name, tags)
    gateway = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation,
                                     TagSpecifications=_ec2_spec("natgateway", all_tags))["NatGateway"]
    return Call(
        {"CreateNatGatewayRequest": {"SubnetId": subnet, "AllocationId": allocation,
                                     "TagSpecification": {"ResourceType": "natgateway", "Tag": _pairs(all_tags)}}},
        {"CreateNatGatewayResponse": {"natGateway": {"natGatewayId": gateway["NatGatewayId"], "subnetId": subnet,
                                                     "tagSet": {"item": _ct_tags(all_tags)}}}},
    )


def _launch_template(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    template_name = slug(name, limit=128)
    ami = _ami(ctx)
    spec = _ec2_spec("launch-template", tags)
    template = ctx.client("ec2").create_launch_template(
        LaunchTemplateName=template_name, LaunchTemplateData={"ImageId": ami, "InstanceType": "t3.micro"},
        **({"TagSpecifications": spec} if spec else {}),
    )["LaunchTemplate"]
    request: dict[str, Any] = {"LaunchTemplateName": template_name,
                               "LaunchTemplateData": {"ImageId": ami, "InstanceType": "t3.micro"}}
    if tags:
        request["TagSpecification"] = {"ResourceType": "launch-template", "Tag": _pairs(tags)}
    return Call({"CreateLaunchTemplateRequest": request},
                {"CreateLaunchTemplateResponse": {"launchTemplate": {
                    "launchTemplateId": template["LaunchTemplateId"], "launchTemplateName": template_name}}})


def _iam_role(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    role = slug(name, limit=64)
    made = ctx.client("iam").create_role(RoleName=role, AssumeRolePolicyDocument=_TRUST, Tags=_pairs(tags))["Role"]
    return Call({"roleName": role, "assumeRolePolicyDocument": _TRUST, "tags": _ct_tags(tags)},
                {"role": {"roleName": role, "path": "/", "arn": made["Arn"], "roleId": made["RoleId"]}})


def _iam_user(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    user = slug(name, limit=64)
    made = ctx.client("iam").create_user(UserName=user, Tags=_pairs(tags))["User"]
    return Call({"userName": user, "tags": _ct_tags(tags)},
                {"user": {"userName": user, "path": "/", "arn": made["Arn"], "userId": made["UserId"]}})


def _iam_policy(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    policy = slug(name, limit=128)
    made = ctx.client("iam").create_policy(PolicyName=policy, PolicyDocument=_POLICY, Tags=_pairs(tags))["Policy"]
    return Call({"policyName": policy, "policyDocument": _POLICY, "tags": _ct_tags(tags)},
                {"policy": {"policyName": policy, "arn": made["Arn"], "path": "/", "policyId": made["PolicyId"]}})


def _lambda(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    function = slug(name, limit=64)
    role = _service_role(ctx)
    made = ctx.client("lambda").create_function(
        FunctionName=function, Runtime="python3.12", Role=role, Handler="handler.main", Code={"ZipFile": _zip()},
        Tags=dict(tags),
    )
    return Call({"functionName": function, "runtime": "python3.12", "role": role, "handler": "handler.main",
                 "tags": dict(tags)},
                {"functionName": function, "functionArn": made["FunctionArn"], "runtime": "python3.12"})


def _dynamodb_table(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    table = slug(name, limit=255)
    made = ctx.client("dynamodb").create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], **({"Tags": _pairs(tags)} if tags else {}),
    )["TableDescription"]
    return Call({"tableName": table, "billingMode": "PAY_PER_REQUEST",
                 "keySchema": [{"attributeName": "pk", "keyType": "HASH"}], "tags": _ct_tags(tags)},
                {"tableDescription": {"tableName": table, "tableArn": made["TableArn"],
                                      "tableStatus": "CREATING"}})


def _sqs_queue(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    queue = slug(name, limit=80)
    url = ctx.client("sqs").create_queue(QueueName=queue, **({"tags": dict(tags)} if tags else {}))["QueueUrl"]
    return Call({"queueName": queue, "tags": dict(tags)}, {"queueUrl": url})


def _sns_topic(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    topic = slug(name, limit=256)
    arn = ctx.client("sns").create_topic(Name=topic, **({"Tags": _pairs(tags)} if tags else {}))["TopicArn"]
    return Call({"name": topic, "tags": _ct_tags(tags)}, {"topicArn": arn})


def _db_instance(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    identifier = slug(name, limit=63)
    made = ctx.client("rds").create_db_instance(
        DBInstanceIdentifier=identifier, Engine="postgres", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
        MasterUsername="app", MasterUserPassword=secrets.token_urlsafe(16), Tags=_pairs(tags),
    )["DBInstance"]
    return Call({"dBInstanceIdentifier": identifier, "engine": "postgres", "dBInstanceClass": "db.t3.micro",
                 "allocatedStorage": 20, "masterUsername": "app", "masterUserPassword": HIDDEN,
                 "tags": _ct_tags(tags)},
                {"dBInstanceIdentifier": identifier, "engine": "postgres", "dBInstanceArn": made["DBInstanceArn"],
                 "tagList": _ct_tags(tags)})


def _rds_cluster(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    identifier = slug(name, limit=63)
    made = ctx.client("rds").create_db_cluster(
        DBClusterIdentifier=identifier, Engine="aurora-postgresql", MasterUsername="app",
        MasterUserPassword=secrets.token_urlsafe(16), Tags=_pairs(tags),
    )["DBCluster"]
    return Call({"dBClusterIdentifier": identifier, "engine": "aurora-postgresql", "masterUsername": "app",
                 "masterUserPassword": HIDDEN, "tags": _ct_tags(tags)},
                {"dBClusterIdentifier": identifier, "engine": "aurora-postgresql",
                 "dBClusterArn": made["DBClusterArn"], "tagList": _ct_tags(tags)})


def _ecr_repository(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    repository = slug(name, limit=256)
    made = ctx.client("ecr").create_repository(repositoryName=repository, tags=_pairs(tags))["repository"]
    return Call({"repositoryName": repository, "tags": _ct_tags(tags)},
                {"repository": {"repositoryName": repository, "repositoryArn": made["repositoryArn"],
                                "registryId": made["registryId"], "repositoryUri": made["repositoryUri"]}})


def _ecs_cluster(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    cluster = slug(name, limit=255)
    made = ctx.client("ecs").create_cluster(clusterName=cluster, tags=_pairs(tags, "key", "value"))["cluster"]
    return Call({"clusterName": cluster, "tags": _ct_tags(tags)},
                {"cluster": {"clusterName": cluster, "clusterArn": made["clusterArn"], "status": "ACTIVE"}})


def _eks_cluster(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    cluster = slug(name, limit=100)
    role = _service_role(ctx)
    subnets = [s["SubnetId"] for s in _default_subnets(ctx)[:2]]
    made = ctx.client("eks").create_cluster(name=cluster, roleArn=role, resourcesVpcConfig={"subnetIds": subnets},
                                            tags=dict(tags))["cluster"]
    return Call({"name": cluster, "roleArn": role, "resourcesVpcConfig": {"subnetIds": subnets}, "tags": dict(tags)},
                {"cluster": {"name": cluster, "arn": made["arn"], "status": "CREATING"}})


def _kms_key(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    meta = ctx.client("kms").create_key(Description=name.strip() or "sandbox key",
                                        Tags=_pairs(tags, "TagKey", "TagValue"))["KeyMetadata"]
    return Call({"description": name.strip() or "sandbox key", "tags": _pairs(tags, "tagKey", "tagValue")},
                {"keyMetadata": {"keyId": meta["KeyId"], "arn": meta["Arn"], "awsAccountId": ACCOUNT_ID,
                                 "description": meta.get("Description", "")}})


def _secret(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    secret_name = re.sub(r"[^A-Za-z0-9/_+=.@-]+", "-", name.strip()) or "sandbox-secret"
    made = ctx.client("secretsmanager").create_secret(Name=secret_name, SecretString=secrets.token_urlsafe(24),
                                                      Tags=_pairs(tags))
    return Call({"name": secret_name, "tags": _ct_tags(tags)}, {"arn": made["ARN"], "name": secret_name})


def _ssm_parameter(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    parameter = "/" + slug(name, limit=200).replace("-", "/", 1)
    ctx.client("ssm").put_parameter(Name=parameter, Value="made in the console", Type="String",
                                    **({"Tags": _pairs(tags)} if tags else {}))
    return Call({"name": parameter, "type": "String", "tags": _ct_tags(tags)}, {"version": 1, "tier": "Standard"})


def _log_group(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    group = "/sandbox/" + slug(name, limit=200)
    ctx.client("logs").create_log_group(logGroupName=group, **({"tags": dict(tags)} if tags else {}))
    return Call({"logGroupName": group, "tags": dict(tags)}, None)


def _load_balancer(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    lb_name = slug(name, limit=32)
    subnets = [s["SubnetId"] for s in _default_subnets(ctx)[:2]]
    made = ctx.client("elbv2").create_load_balancer(Name=lb_name, Subnets=subnets, Scheme="internal",
                                                    **({"Tags": _pairs(tags)} if tags else {}))["LoadBalancers"][0]
    return Call({"name": lb_name, "subnets": subnets, "scheme": "internal", "type": "application",
                 "tags": _ct_tags(tags)},
                {"loadBalancers": [{"loadBalancerArn": made["LoadBalancerArn"], "loadBalancerName": lb_name,
                                    "type": "application", "scheme": "internal"}]})


def _kinesis_stream(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    stream = slug(name, limit=128)
    kinesis = ctx.client("kinesis")
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    if tags:
        kinesis.add_tags_to_stream(StreamName=stream, Tags=dict(tags))
    return Call({"streamName": stream, "shardCount": 1, "tags": dict(tags)}, None)


def _cache_cluster(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    cluster = slug(name, limit=40)
    made = ctx.client("elasticache").create_cache_cluster(
        CacheClusterId=cluster, Engine="redis", CacheNodeType="cache.t3.micro", NumCacheNodes=1,
        **({"Tags": _pairs(tags)} if tags else {}),
    )["CacheCluster"]
    return Call({"cacheClusterId": cluster, "engine": "redis", "cacheNodeType": "cache.t3.micro",
                 "numCacheNodes": 1, "tags": _ct_tags(tags)},
                {"cacheClusterId": cluster, "engine": "redis", "aRN": made.get("ARN", "")})


def _zone(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    domain = f"{slug(name, limit=50)}.example.com"
    reference = str(uuid.uuid4())
    route53 = ctx.client("route53")
    zone = route53.create_hosted_zone(Name=domain, CallerReference=reference)["HostedZone"]
    if tags:
        route53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zone["Id"].split("/")[-1],
                                          AddTags=_pairs(tags))
    return Call({"name": domain, "callerReference": reference},
                {"hostedZone": {"id": zone["Id"], "name": f"{domain}.", "callerReference": reference}})


def _rest_api(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    api_name = name.strip() or "sandbox-api"
    api = ctx.client("apigateway").create_rest_api(name=api_name, endpointConfiguration={"types": ["REGIONAL"]},
                                                   **({"tags": dict(tags)} if tags else {}))
    return Call({"createRestApiInput": {"name": api_name, "endpointConfiguration": {"types": ["REGIONAL"]},
                                        "tags": dict(tags)}},
                {"id": api["id"], "name": api_name, "createdDate": api["createdDate"].isoformat()
                 if isinstance(api.get("createdDate"), datetime) else ""})


def _state_machine(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    machine = slug(name, limit=80)
    role = _service_role(ctx)
    definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
    arn = ctx.client("stepfunctions").create_state_machine(
        name=machine, definition=definition, roleArn=role, tags=_pairs(tags, "key", "value"))["stateMachineArn"]
    return Call({"name": machine, "definition": definition, "roleArn": role, "tags": _ct_tags(tags)},
                {"stateMachineArn": arn})


def _event_rule(ctx: _Ctx, name: str, tags: dict[str, str]) -> Call:
    rule = slug(name, limit=64)
    pattern = json.dumps({"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]})
    arn = ctx.client("events").put_rule(Name=rule, EventPattern=pattern,
                                        **({"Tags": _pairs(tags)} if tags else {}))["RuleArn"]
    return Call({"name": rule, "eventPattern": pattern, "tags": _ct_tags(tags)}, {"ruleArn": arn})


CREATORS: dict[str, Creator] = {
    "aws_api_gateway_rest_api": _rest_api,
    "aws_cloudwatch_event_rule": _event_rule,
    "aws_cloudwatch_log_group": _log_group,
    "aws_db_instance": _db_instance,
    "aws_dynamodb_table": _dynamodb_table,
    "aws_ebs_volume": _volume,
    "aws_ecr_repository": _ecr_repository,
    "aws_ecs_cluster": _ecs_cluster,
    "aws_eip": _eip,
    "aws_eks_cluster": _eks_cluster,
    "aws_elasticache_cluster": _cache_cluster,
    "aws_iam_policy": _iam_policy,
    "aws_iam_role": _iam_role,
    "aws_iam_user": _iam_user,
    "aws_instance": _instance,
    "aws_internet_gateway": _internet_gateway,
    "aws_key_pair": _key_pair,
    "aws_kinesis_stream": _kinesis_stream,
    "aws_kms_key": _kms_key,
    "aws_lambda_function": _lambda,
    "aws_launch_template": _launch_template,
    "aws_lb": _load_balancer,
    "aws_nat_gateway": _nat_gateway,
    "aws_rds_cluster": _rds_cluster,
    "aws_route53_zone": _zone,
    "aws_s3_bucket": _s3_bucket,
    "aws_secretsmanager_secret": _secret,
    "aws_security_group": _security_group,
    "aws_sfn_state_machine": _state_machine,
    "aws_sns_topic": _sns_topic,
    "aws_sqs_queue": _sqs_queue,
    "aws_ssm_parameter": _ssm_parameter,
    "aws_subnet": _subnet,
    "aws_vpc": _vpc,
}


# --- the CloudTrail record and its EventBridge envelope ----------------------------------------------------------


def user_identity(actor: str) -> dict[str, Any]:
    """Who made the call: an email is an IAM Identity Center (SSO) session, anything else an IAM user name."""
    actor = actor.strip() or "alice@example.com"
    if "@" in actor:
        issuer = f"arn:aws:iam::{ACCOUNT_ID}:role/aws-reserved/sso.amazonaws.com/{_SSO_ROLE}"
        return {
            "type": "AssumedRole",
            "principalId": f"AROAYSANDBOXSSOROLE:{actor}",
            "arn": f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{_SSO_ROLE}/{actor}",
            "accountId": ACCOUNT_ID,
            "accessKeyId": "ASIAYSANDBOXCONSOLE",
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": "AROAYSANDBOXSSOROLE", "arn": issuer,
                                  "accountId": ACCOUNT_ID, "userName": _SSO_ROLE},
                "attributes": {"creationDate": _now(), "mfaAuthenticated": "false"},
            },
        }
    user = re.sub(r"[^\w+=,.@-]+", "-", actor)[:64]
    return {"type": "IAMUser", "principalId": "AIDAYSANDBOXUSER", "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/{user}",
            "accountId": ACCOUNT_ID, "accessKeyId": "ASIAYSANDBOXCONSOLE", "userName": user}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cloudtrail_record(tf_type: str, call: Call, actor: str, origin: str, region: str) -> dict[str, Any]:
    """The CloudTrail record of one creation, as AWS writes it for a console (or Terraform) call."""
    entry = CATALOG[tf_type]
    console = origin == CONSOLE
    record: dict[str, Any] = {
        "eventVersion": "1.10",
        "userIdentity": user_identity(actor),
        "eventTime": _now(),
        "eventSource": entry.event_source,
        "eventName": call.event_name or entry.create_events[0],
        "awsRegion": region,
        "sourceIPAddress": "203.0.113.24" if console else "198.51.100.7",
        "userAgent": _CONSOLE_AGENTS.get(entry.event_source, _DEFAULT_CONSOLE_AGENT) if console
        else TERRAFORM_USER_AGENT,
        "requestParameters": call.request,
        "responseElements": call.response,
        "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT_ID,
        "eventCategory": "Management",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                       "clientProvidedHostHeader": f"{entry.event_source.split('.')[0]}.{region}.amazonaws.com"},
    }
    if console:
        record["sessionCredentialFromConsole"] = "true"
    return record


def eventbridge_event(record: dict[str, Any]) -> dict[str, Any]:
    """The EventBridge event that carries a CloudTrail record to the queue (detail-type AWS API Call via CloudTrail)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": CLOUDTRAIL_DETAIL_TYPE,
        "source": "aws." + record["eventSource"].split(".")[0],
        "account": record["recipientAccountId"],
        "time": record["eventTime"],
        "region": record["awsRegion"],
        "resources": [],
        "detail": record,
    }


class ClickOps:
    """Makes resources in the embedded AWS and sends their creation events to the queue tfsync consumes."""

    def __init__(self, settings: Settings, queue_url: str, region: str | None = None) -> None:
        self.settings = settings
        self.queue_url = queue_url
        self.region = region or settings.aws_region
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._ctx = _Ctx(settings, self.region, self._next, self._lock)

    def _next(self) -> int:
        with self._lock:
            return next(self._counter)

    @staticmethod
    def types() -> list[dict[str, Any]]:
        """The catalog types ClickOps can make, for the page's picker."""
        return [{"tf_type": tf_type, "label": CATALOG[tf_type].label or tf_type, "service": CATALOG[tf_type].service,
                 "loses_data": CATALOG[tf_type].loses_data} for tf_type in sorted(CREATORS)]

    def create(self, tf_type: str, name: str = "", tags: Mapping[str, str] | None = None,
               actor: str = "alice@example.com", origin: str = CONSOLE) -> Created:
        """Make one resource and emit its creation event; ClickOpsError when it cannot be made."""
        if tf_type not in CREATORS:
            raise ClickOpsError(f"{tf_type!r} is not a type tfsync knows; choose one of the catalog's types")
        if origin not in ORIGINS:
            raise ClickOpsError(f"'as' must be one of {', '.join(ORIGINS)}, got {origin!r}")
        clean_tags = {str(k).strip(): str(v) for k, v in (tags or {}).items() if str(k).strip()}
        name = name.strip() or default_name(tf_type)
        try:
            call = CREATORS[tf_type](self._ctx, name, clean_tags)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            why = f"{error.get('Code', 'error')}: {error.get('Message', '')}".strip()
            raise ClickOpsError(f"AWS refused: {why}") from None
        except BotoCoreError as exc:
            raise ClickOpsError(f"the embedded AWS failed: {exc}") from None
        record = cloudtrail_record(tf_type, call, actor, origin, self.region)
        try:
            found = CATALOG[tf_type].resolve(CloudTrailRecord(record, "sandbox clickops"))
        except ExtractError as exc:
            raise ClickOpsError(f"the creation record for {tf_type} is incomplete: {exc}") from None
        body = json.dumps(eventbridge_event(record))
        aws.client(self.settings, "sqs").send_message(QueueUrl=self.queue_url, MessageBody=body)
        created = Created(tf_type=tf_type, name=found[0].name if found else name,
                          import_id=found[0].import_id if found else "", event_id=record["eventID"], origin=origin,
                          actor=actor)
        logger.info("clickops: %s %s made %s %s (event %s)", actor, "in the console" if origin == CONSOLE
                    else "with Terraform", tf_type, created.import_id, created.event_id)
        return created

    def burst(self, tf_type: str, name: str = "", tags: Mapping[str, str] | None = None,
              actor: str = "alice@example.com", origin: str = CONSOLE, count: int = BURST_SIZE) -> list[Created]:
        """`count` resources at once (as a person clicking fast, or a script run from a laptop)."""
        base = slug(name or default_name(tf_type), limit=40)
        names = [f"{base}-{index:02d}" for index in range(1, count + 1)]
        with ThreadPoolExecutor(max_workers=4) as pool:
            return list(pool.map(lambda n: self.create(tf_type, n, tags, actor, origin), names))
