"""Every catalog type: create it in moto, delete it through its executor, see it gone; and the safe defaults."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from bot.catalog import CATALOG
from bot.catalog.template_input import Clients
from bot.deletion import (
    REGISTRY,
    AlreadyGone,
    DeleteFailed,
    DeleteRefused,
    DeleteRequest,
    ManagedByTerraform,
    execute,
    plain_error,
)
from bot.managed import StateReader
from tests.codegen import cases
from tests.codegen.test_types import CASES, Made

Aws = Callable[..., Any]
STATES = "tfstate-bucket"


def _raises(fn: Callable[[], Any], *codes: str) -> bool:
    """True when the call fails with one of the codes (the resource is not there any more)."""
    try:
        fn()
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        assert any(c in code for c in codes), code
        return True
    return False


def _instance_gone(aws: Aws, iid: str) -> bool:
    state = aws("ec2").describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"]["Name"]
    return state in ("shutting-down", "terminated")


def _nat_gone(aws: Aws, nid: str) -> bool:
    [gateway] = aws("ec2").describe_nat_gateways(NatGatewayIds=[nid])["NatGateways"]
    return gateway["State"] in ("deleting", "deleted")


def _template_gone(aws: Aws, tid: str) -> bool:
    try:
        return not aws("ec2").describe_launch_templates(LaunchTemplateIds=[tid])["LaunchTemplates"]
    except ClientError as exc:
        return "NotFound" in exc.response["Error"]["Code"]


def _ecs_gone(aws: Aws, name: str) -> bool:
    clusters = aws("ecs").describe_clusters(clusters=[name])["clusters"]
    return not clusters or clusters[0]["status"] == "INACTIVE"


def _stream_gone(aws: Aws, name: str) -> bool:
    try:
        status = aws("kinesis").describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamStatus"]
    except ClientError as exc:
        return exc.response["Error"]["Code"] == "ResourceNotFoundException"
    return status == "DELETING"


def _cache_gone(aws: Aws, cid: str) -> bool:
    try:
        [cluster] = aws("elasticache").describe_cache_clusters(CacheClusterId=cid)["CacheClusters"]
    except ClientError as exc:
        return exc.response["Error"]["Code"] == "CacheClusterNotFound"
    return cluster["CacheClusterStatus"] == "deleting"


def _eks_gone(aws: Aws, name: str) -> bool:
    try:
        status = aws("eks").describe_cluster(name=name)["cluster"]["status"]
    except ClientError as exc:
        return exc.response["Error"]["Code"] == "ResourceNotFoundException"
    return status == "DELETING"


# Per type: whether the resource is gone (or on its way out, for what AWS deletes asynchronously), asked of the
# service directly rather than through the executor's own calls.
GONE: dict[str, Callable[[Aws, str], bool]] = {
    "aws_s3_bucket": lambda aws, i: _raises(lambda: aws("s3").head_bucket(Bucket=i), "404", "NoSuchBucket"),
    "aws_instance": _instance_gone,
    "aws_security_group": lambda aws, i: _raises(lambda: aws("ec2").describe_security_groups(GroupIds=[i]),
                                                 "NotFound"),
    "aws_vpc": lambda aws, i: _raises(lambda: aws("ec2").describe_vpcs(VpcIds=[i]), "NotFound"),
    "aws_subnet": lambda aws, i: _raises(lambda: aws("ec2").describe_subnets(SubnetIds=[i]), "NotFound"),
    "aws_ebs_volume": lambda aws, i: _raises(lambda: aws("ec2").describe_volumes(VolumeIds=[i]), "NotFound"),
    "aws_eip": lambda aws, i: _raises(lambda: aws("ec2").describe_addresses(AllocationIds=[i]), "NotFound"),
    "aws_key_pair": lambda aws, i: _raises(lambda: aws("ec2").describe_key_pairs(KeyNames=[i]), "NotFound"),
    "aws_internet_gateway": lambda aws, i: _raises(
        lambda: aws("ec2").describe_internet_gateways(InternetGatewayIds=[i]), "NotFound"),
    "aws_nat_gateway": _nat_gone,
    "aws_launch_template": _template_gone,
    "aws_iam_role": lambda aws, i: _raises(lambda: aws("iam").get_role(RoleName=i), "NoSuchEntity"),
    "aws_iam_user": lambda aws, i: _raises(lambda: aws("iam").get_user(UserName=i), "NoSuchEntity"),
    "aws_iam_policy": lambda aws, i: _raises(lambda: aws("iam").get_policy(PolicyArn=i), "NoSuchEntity"),
    "aws_lambda_function": lambda aws, i: _raises(lambda: aws("lambda").get_function(FunctionName=i),
                                                  "ResourceNotFound"),
    "aws_dynamodb_table": lambda aws, i: _raises(lambda: aws("dynamodb").describe_table(TableName=i),
                                                 "ResourceNotFound"),
    "aws_sqs_queue": lambda aws, i: _raises(lambda: aws("sqs").get_queue_attributes(QueueUrl=i),
                                            "NonExistentQueue", "QueueDoesNotExist"),
    "aws_sns_topic": lambda aws, i: _raises(lambda: aws("sns").get_topic_attributes(TopicArn=i), "NotFound"),
    "aws_db_instance": lambda aws, i: _raises(lambda: aws("rds").describe_db_instances(DBInstanceIdentifier=i),
                                              "DBInstanceNotFound"),
    "aws_rds_cluster": lambda aws, i: _raises(lambda: aws("rds").describe_db_clusters(DBClusterIdentifier=i),
                                              "DBClusterNotFound"),
    "aws_ecr_repository": lambda aws, i: _raises(lambda: aws("ecr").describe_repositories(repositoryNames=[i]),
                                                 "RepositoryNotFound"),
    "aws_ecs_cluster": _ecs_gone,
    "aws_eks_cluster": _eks_gone,
    "aws_kms_key": lambda aws, i: aws("kms").describe_key(KeyId=i)["KeyMetadata"]["KeyState"] == "PendingDeletion",
    "aws_secretsmanager_secret": lambda aws, i: "DeletedDate" in aws("secretsmanager").describe_secret(SecretId=i),
    "aws_ssm_parameter": lambda aws, i: _raises(lambda: aws("ssm").get_parameter(Name=i), "ParameterNotFound"),
    "aws_cloudwatch_log_group": lambda aws, i: not aws("logs").describe_log_groups(logGroupNamePrefix=i)["logGroups"],
    "aws_lb": lambda aws, i: _raises(lambda: aws("elbv2").describe_load_balancers(LoadBalancerArns=[i]),
                                     "LoadBalancerNotFound"),
    "aws_kinesis_stream": _stream_gone,
    "aws_elasticache_cluster": _cache_gone,
    "aws_route53_zone": lambda aws, i: _raises(lambda: aws("route53").get_hosted_zone(Id=i), "NoSuchHostedZone"),
    "aws_api_gateway_rest_api": lambda aws, i: _raises(lambda: aws("apigateway").get_rest_api(restApiId=i),
                                                       "NotFound"),
    "aws_sfn_state_machine": lambda aws, i: _raises(
        lambda: aws("stepfunctions").describe_state_machine(stateMachineArn=i), "StateMachineDoesNotExist"),
    "aws_cloudwatch_event_rule": lambda aws, i: _raises(lambda: aws("events").describe_rule(Name=i),
                                                        "ResourceNotFound"),
    "aws_efs_file_system": lambda aws, i: _raises(lambda: aws("efs").describe_file_systems(FileSystemId=i),
                                                  "FileSystemNotFound"),
}


def _reader(aws: Aws, resources: list[dict[str, Any]] | None = None) -> StateReader:
    """A state reader over one S3 backend whose state holds `resources` (none: nothing is managed)."""
    s3 = aws("s3")
    s3.create_bucket(Bucket=STATES)
    state = {"version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "l-1", "outputs": {},
             "resources": resources or []}
    s3.put_object(Bucket=STATES, Key="prod/terraform.tfstate", Body=json.dumps(state).encode())
    return StateReader(s3, [f"s3://{STATES}/prod/"], 10_000_000)


def _clients(aws_calls: Any, tf_type: str) -> Clients:
    """Clients for `tf_type`'s executor that record its calls (checked against infra/recorded-calls.json)."""
    return Clients(aws_calls.factory(tf_type, "delete"), "us-east-1")


def _request(tf_type: str, made: Made, **options: Any) -> DeleteRequest:
    return DeleteRequest(tf_type=tf_type, import_id=made.import_id, region="us-east-1", resource_id="r-test",
                         **options)


GONE.update(cases.GONE)
# Types tfsync refuses to delete from Slack (their executor says why): bot/catalog/_delete.py's refuse().
REFUSED = {tf_type: executor.refuses for tf_type, executor in REGISTRY.items() if hasattr(executor, "refuses")}


def test_every_catalog_type_has_an_executor_and_a_case() -> None:
    assert set(REGISTRY) == set(CATALOG) == set(GONE) | set(REFUSED) | set(cases.UNSERVED)


@pytest.mark.parametrize("tf_type", sorted(REFUSED))
def test_a_type_without_a_safe_delete_is_refused_with_its_reason(tf_type: str, aws_client: Aws, aws_calls: Any):
    req = DeleteRequest(tf_type=tf_type, import_id="anything", region="us-east-1", resource_id="r-test")
    with pytest.raises(DeleteRefused, match=re.escape(REFUSED[tf_type])):
        execute(_clients(aws_calls, tf_type), _reader(aws_client), req)


@pytest.mark.parametrize("tf_type", sorted(set(CATALOG) - set(REFUSED) - set(cases.UNSERVED)))
def test_each_type_is_deleted(tf_type: str, aws_client: Aws, aws_calls: Any) -> None:
    made = CASES[tf_type](aws_client)
    assert not GONE[tf_type](aws_client, made.import_id)
    reader = _reader(aws_client)

    outcome = execute(_clients(aws_calls, tf_type), reader, _request(tf_type, made))

    assert GONE[tf_type](aws_client, made.import_id), outcome.message
    assert outcome.message

    # A second delete finds nothing to delete, and says so rather than failing.
    if tf_type not in ("aws_kms_key", "aws_secretsmanager_secret", "aws_instance", "aws_nat_gateway",
                       "aws_ecs_cluster", "aws_eks_cluster", "aws_kinesis_stream", "aws_elasticache_cluster"):
        with pytest.raises(AlreadyGone):
            execute(_clients(aws_calls, tf_type), reader, _request(tf_type, made))


def test_a_resource_terraform_now_manages_is_refused(aws_client: Aws, aws_calls: Any) -> None:
    made = CASES["aws_sqs_queue"](aws_client)
    managed = [{"mode": "managed", "type": "aws_sqs_queue", "name": "jobs", "module": "module.queues",
                "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                "instances": [{"schema_version": 0, "attributes": {"id": made.import_id, "name": "jobs"}}]}]
    reader = _reader(aws_client, managed)

    with pytest.raises(ManagedByTerraform) as refused:
        execute(_clients(aws_calls, "aws_sqs_queue"), reader, _request("aws_sqs_queue", made))

    assert "module.queues.aws_sqs_queue.jobs" in str(refused.value)
    assert f"s3://{STATES}/prod/terraform.tfstate" in str(refused.value)
    assert not GONE["aws_sqs_queue"](aws_client, made.import_id)


def test_a_state_that_cannot_be_read_refuses_the_delete(aws_client: Aws, aws_calls: Any) -> None:
    made = CASES["aws_sqs_queue"](aws_client)
    reader = _reader(aws_client)
    aws_client("s3").put_object(Bucket=STATES, Key="prod/broken.tfstate", Body=b"{not json")

    with pytest.raises(DeleteRefused, match="could not be read"):
        execute(_clients(aws_calls, "aws_sqs_queue"), reader, _request("aws_sqs_queue", made))
    assert not GONE["aws_sqs_queue"](aws_client, made.import_id)


def test_a_bucket_with_objects_needs_confirmed_emptying(aws_client: Aws, aws_calls: Any) -> None:
    made = CASES["aws_s3_bucket"](aws_client)
    s3 = aws_client("s3")
    for n in range(3):
        s3.put_object(Bucket=made.import_id, Key=f"data/{n}.csv", Body=b"x")
    s3.delete_object(Bucket=made.import_id, Key="data/0.csv")  # versioned: leaves a delete marker
    reader = _reader(aws_client)
    clients = _clients(aws_calls, "aws_s3_bucket")

    with pytest.raises(DeleteRefused, match="not empty; confirm emptying"):
        execute(clients, reader, _request("aws_s3_bucket", made))
    assert not GONE["aws_s3_bucket"](aws_client, made.import_id)

    outcome = execute(clients, reader, _request("aws_s3_bucket", made, confirm_empty=True))
    assert "4 object version(s)" in outcome.message
    assert GONE["aws_s3_bucket"](aws_client, made.import_id)


def test_a_db_instance_keeps_a_final_snapshot_named_after_it(aws_client: Aws, aws_calls: Any) -> None:
    made = CASES["aws_db_instance"](aws_client)
    outcome = execute(_clients(aws_calls, "aws_db_instance"), _reader(aws_client), _request("aws_db_instance", made))

    assert outcome.kept and outcome.kept.startswith("orders-db-tfsync-final-")
    snapshots = aws_client("rds").describe_db_snapshots(DBSnapshotIdentifier=outcome.kept)["DBSnapshots"]
    assert [s["DBInstanceIdentifier"] for s in snapshots] == ["orders-db"]


def test_an_iam_role_is_detached_first(aws_client: Aws, aws_calls: Any) -> None:
    made = CASES["aws_iam_role"](aws_client)
    iam = aws_client("iam")
    policy = iam.create_policy(PolicyName="extra", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
    ))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=made.import_id, PolicyArn=policy)
    iam.create_instance_profile(InstanceProfileName="app")
    iam.add_role_to_instance_profile(InstanceProfileName="app", RoleName=made.import_id)

    execute(_clients(aws_calls, "aws_iam_role"), _reader(aws_client), _request("aws_iam_role", made))

    assert GONE["aws_iam_role"](aws_client, made.import_id)
    assert iam.get_policy(PolicyArn=policy)["Policy"]["AttachmentCount"] == 0
    assert iam.get_instance_profile(InstanceProfileName="app")["InstanceProfile"]["Roles"] == []


def test_a_protected_table_is_refused_and_others_keep_a_backup(aws_client: Aws, aws_calls: Any) -> None:
    made = CASES["aws_dynamodb_table"](aws_client)
    dynamodb = aws_client("dynamodb")
    dynamodb.update_table(TableName=made.import_id, DeletionProtectionEnabled=True)
    clients, reader = _clients(aws_calls, "aws_dynamodb_table"), _reader(aws_client)
    with pytest.raises(DeleteRefused, match="deletion protection"):
        execute(clients, reader, _request("aws_dynamodb_table", made))

    dynamodb.update_table(TableName=made.import_id, DeletionProtectionEnabled=False)
    outcome = execute(clients, reader, _request("aws_dynamodb_table", made))
    backups = dynamodb.list_backups(TableName=made.import_id)["BackupSummaries"]
    assert [b["BackupArn"] for b in backups] == [outcome.kept]


def test_an_instance_can_be_stopped_instead(aws_client: Aws, aws_calls: Any) -> None:
    made = CASES["aws_instance"](aws_client)
    execute(_clients(aws_calls, "aws_instance"), _reader(aws_client), _request("aws_instance", made, stop_only=True))
    state = aws_client("ec2").describe_instances(InstanceIds=[made.import_id])["Reservations"][0]["Instances"][0]
    assert state["State"]["Name"] in ("stopping", "stopped")


def test_aws_errors_read_as_plain_words(aws_client: Aws, aws_calls: Any) -> None:
    ec2 = aws_client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")
    made = Made({}, vpc, {})

    with pytest.raises(DeleteFailed) as failed:
        execute(_clients(aws_calls, "aws_vpc"), _reader(aws_client), _request("aws_vpc", made))

    assert failed.value.code == "DependencyViolation"
    assert str(failed.value).startswith("AWS refused the delete: other resources still depend on it (AWS: ")
    unknown = plain_error(ClientError({"Error": {"Code": "Weird", "Message": "odd"}}, "DeleteThing"))
    assert str(unknown) == "AWS refused the delete (AWS: Weird: odd)"


# The branches below run only when a resource has things attached; each is here so the recording of the calls
# deleting a type makes (infra/recorded-calls.json, hence the IAM policy) holds every call an executor can make.


def _allow(action: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})


def test_an_iam_user_loses_its_policies_groups_keys_and_password_first(aws_client: Aws, aws_calls: Any) -> None:
    made = CASES["aws_iam_user"](aws_client)
    iam = aws_client("iam")
    policy = iam.create_policy(PolicyName="read", PolicyDocument=_allow("s3:GetObject"))["Policy"]["Arn"]
    iam.attach_user_policy(UserName=made.import_id, PolicyArn=policy)
    iam.put_user_policy(UserName=made.import_id, PolicyName="inline", PolicyDocument=_allow("sqs:SendMessage"))
    iam.create_group(GroupName="deployers")
    iam.add_user_to_group(GroupName="deployers", UserName=made.import_id)
    iam.create_access_key(UserName=made.import_id)
    iam.create_login_profile(UserName=made.import_id, Password="Correct-Horse-1")

    execute(_clients(aws_calls, "aws_iam_user"), _reader(aws_client), _request("aws_iam_user", made))

    assert GONE["aws_iam_user"](aws_client, made.import_id)
    assert iam.get_policy(PolicyArn=policy)["Policy"]["AttachmentCount"] == 0
    assert iam.get_group(GroupName="deployers")["Users"] == []


def test_an_iam_policy_is_detached_everywhere_and_its_old_versions_go(aws_client: Aws, aws_calls: Any) -> None:
    made = CASES["aws_iam_policy"](aws_client)
    iam = aws_client("iam")
    iam.create_policy_version(PolicyArn=made.import_id, PolicyDocument=_allow("s3:ListBucket"), SetAsDefault=True)
    iam.create_role(RoleName="reader", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    iam.attach_role_policy(RoleName="reader", PolicyArn=made.import_id)
    iam.create_user(UserName="auditor")
    iam.attach_user_policy(UserName="auditor", PolicyArn=made.import_id)
    iam.create_group(GroupName="auditors")
    iam.attach_group_policy(GroupName="auditors", PolicyArn=made.import_id)

    execute(_clients(aws_calls, "aws_iam_policy"), _reader(aws_client), _request("aws_iam_policy", made))

    assert GONE["aws_iam_policy"](aws_client, made.import_id)
    assert iam.list_attached_role_policies(RoleName="reader")["AttachedPolicies"] == []
    assert iam.list_attached_user_policies(UserName="auditor")["AttachedPolicies"] == []
    assert iam.list_attached_group_policies(GroupName="auditors")["AttachedPolicies"] == []


def test_a_zone_with_records_needs_confirmed_emptying(aws_client: Aws, aws_calls: Any) -> None:
    made = CASES["aws_route53_zone"](aws_client)
    aws_client("route53").change_resource_record_sets(HostedZoneId=made.import_id, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "www.example.com.", "Type": "A", "TTL": 300,
                                                   "ResourceRecords": [{"Value": "192.0.2.10"}]}}]})
    clients, reader = _clients(aws_calls, "aws_route53_zone"), _reader(aws_client)

    with pytest.raises(DeleteRefused, match="still holds 1 record"):
        execute(clients, reader, _request("aws_route53_zone", made))
    assert not GONE["aws_route53_zone"](aws_client, made.import_id)

    outcome = execute(clients, reader, _request("aws_route53_zone", made, confirm_empty=True))
    assert "1 record(s)" in outcome.message
    assert GONE["aws_route53_zone"](aws_client, made.import_id)


def test_a_rule_loses_its_targets_first(aws_client: Aws, aws_calls: Any) -> None:
    made = CASES["aws_cloudwatch_event_rule"](aws_client)
    queue = aws_client("sqs").create_queue(QueueName="rule-target")["QueueUrl"]
    arn = aws_client("sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    aws_client("events").put_targets(Rule=made.import_id, Targets=[{"Id": "queue", "Arn": arn}])

    outcome = execute(_clients(aws_calls, "aws_cloudwatch_event_rule"), _reader(aws_client),
                      _request("aws_cloudwatch_event_rule", made))

    assert "Removed its 1 target(s)" in outcome.message
    assert GONE["aws_cloudwatch_event_rule"](aws_client, made.import_id)


def test_a_repository_with_images_needs_confirmed_emptying(aws_client: Aws, aws_calls: Any) -> None:
    made = CASES["aws_ecr_repository"](aws_client)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                           "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2,
                                      "digest": "sha256:" + "a" * 64}, "layers": []})
    aws_client("ecr").put_image(repositoryName=made.import_id, imageManifest=manifest, imageTag="v1")
    clients, reader = _clients(aws_calls, "aws_ecr_repository"), _reader(aws_client)

    with pytest.raises(DeleteRefused, match="still holds images"):
        execute(clients, reader, _request("aws_ecr_repository", made))

    outcome = execute(clients, reader, _request("aws_ecr_repository", made, confirm_empty=True))
    assert outcome.message.endswith("and its images.")
    assert GONE["aws_ecr_repository"](aws_client, made.import_id)


def test_a_file_system_with_mount_targets_is_refused(aws_client: Aws, aws_calls: Any) -> None:
    made = CASES["aws_efs_file_system"](aws_client)
    ec2 = aws_client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    efs = aws_client("efs")
    mount = efs.create_mount_target(FileSystemId=made.import_id, SubnetId=subnet)["MountTargetId"]
    clients, reader = _clients(aws_calls, "aws_efs_file_system"), _reader(aws_client)

    with pytest.raises(DeleteRefused, match="still has 1 mount target"):
        execute(clients, reader, _request("aws_efs_file_system", made))
    assert not GONE["aws_efs_file_system"](aws_client, made.import_id)

    efs.delete_mount_target(MountTargetId=mount)
    outcome = execute(clients, reader, _request("aws_efs_file_system", made))
    assert outcome.message.startswith("Deleted file system home-dirs with the files in it")
    assert GONE["aws_efs_file_system"](aws_client, made.import_id)
