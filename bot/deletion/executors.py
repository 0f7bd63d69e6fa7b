"""One delete executor per catalog type, each with the safe default its service calls for.

Data-holding resources keep a way back where AWS offers one (a final snapshot or backup named after the resource,
the longest recovery window); containers (buckets, repositories, zones) are deleted only when empty unless the
person confirmed emptying them; IAM entities are detached from everything first, as IAM requires.
"""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import UTC, datetime

from bot.codegen.model import Clients
from bot.deletion.base import AlreadyGone, DeleteOutcome, DeleteRefused, DeleteRequest, Executor, call

REGISTRY: dict[str, Executor] = {}
RECOVERY_DAYS = 30  # the longest window KMS and Secrets Manager allow


def executor(tf_type: str):  # type: ignore[no-untyped-def]
    def register(fn: Executor) -> Executor:
        if tf_type in REGISTRY:
            raise RuntimeError(f"two delete executors for {tf_type}")
        REGISTRY[tf_type] = fn
        return fn

    return register


def final_name(base: str, limit: int = 255) -> str:
    """`<resource>-tfsync-final-<UTC time>`, letters, digits and single hyphens, starting with a letter."""
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    cleaned = re.sub(r"-+", "-", re.sub(r"[^A-Za-z0-9-]", "-", base)).strip("-") or "resource"
    if not cleaned[0].isalpha():
        cleaned = f"r-{cleaned}"
    suffix = f"-tfsync-final-{stamp}"
    return cleaned[: limit - len(suffix)].rstrip("-") + suffix


# EC2 and VPC -------------------------------------------------------------------------------------------------------


@executor("aws_instance")
def delete_instance(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ec2 = aws("ec2")
    attribute = call(ec2.describe_instance_attribute, InstanceId=req.import_id, Attribute="disableApiTermination")
    if req.stop_only:
        call(ec2.stop_instances, InstanceIds=[req.import_id])
        return DeleteOutcome(f"Stopped instance {req.import_id}; its volumes are kept.")
    if attribute.get("DisableApiTermination", {}).get("Value"):
        raise DeleteRefused(f"instance {req.import_id} has termination protection on; turn it off to delete it")
    call(ec2.terminate_instances, InstanceIds=[req.import_id])
    return DeleteOutcome(f"Terminated instance {req.import_id}.")


@executor("aws_security_group")
def delete_security_group(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    call(aws("ec2").delete_security_group, GroupId=req.import_id)
    return DeleteOutcome(f"Deleted security group {req.import_id}.")


@executor("aws_vpc")
def delete_vpc(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    call(aws("ec2").delete_vpc, VpcId=req.import_id)
    return DeleteOutcome(f"Deleted VPC {req.import_id}.")


@executor("aws_subnet")
def delete_subnet(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    call(aws("ec2").delete_subnet, SubnetId=req.import_id)
    return DeleteOutcome(f"Deleted subnet {req.import_id}.")


@executor("aws_ebs_volume")
def delete_volume(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ec2 = aws("ec2")
    volume = call(ec2.describe_volumes, VolumeIds=[req.import_id])["Volumes"][0]
    if volume.get("Attachments"):
        raise DeleteRefused(f"volume {req.import_id} is attached to {volume['Attachments'][0].get('InstanceId')}")
    name = final_name(req.import_id)
    snapshot = ec2.create_snapshot(
        VolumeId=req.import_id,
        Description=f"tfsync final snapshot of {req.import_id}",
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": name}]}],
    )["SnapshotId"]
    call(ec2.delete_volume, VolumeId=req.import_id)
    return DeleteOutcome(f"Deleted volume {req.import_id}, keeping snapshot {snapshot} ({name}).", kept=snapshot)


@executor("aws_eip")
def delete_eip(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ec2 = aws("ec2")
    address = call(ec2.describe_addresses, AllocationIds=[req.import_id])["Addresses"][0]
    if address.get("AssociationId"):
        raise DeleteRefused(f"Elastic IP {address.get('PublicIp')} is associated with "
                            f"{address.get('InstanceId') or address.get('NetworkInterfaceId')}; disassociate it first")
    call(ec2.release_address, AllocationId=req.import_id)
    return DeleteOutcome(f"Released Elastic IP {address.get('PublicIp', req.import_id)}.")


@executor("aws_key_pair")
def delete_key_pair(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ec2 = aws("ec2")
    call(ec2.describe_key_pairs, KeyNames=[req.import_id])  # delete_key_pair succeeds for an unknown name
    call(ec2.delete_key_pair, KeyName=req.import_id)
    return DeleteOutcome(f"Deleted key pair {req.import_id}; instances launched with it keep their key.")


@executor("aws_internet_gateway")
def delete_internet_gateway(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ec2 = aws("ec2")
    gateway = call(ec2.describe_internet_gateways, InternetGatewayIds=[req.import_id])["InternetGateways"][0]
    for attachment in gateway.get("Attachments", []):
        call(ec2.detach_internet_gateway, InternetGatewayId=req.import_id, VpcId=attachment["VpcId"])
    call(ec2.delete_internet_gateway, InternetGatewayId=req.import_id)
    return DeleteOutcome(f"Detached and deleted internet gateway {req.import_id}.")


@executor("aws_nat_gateway")
def delete_nat_gateway(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    call(aws("ec2").delete_nat_gateway, NatGatewayId=req.import_id)
    return DeleteOutcome(f"Deleted NAT gateway {req.import_id}; its Elastic IP is kept.")


@executor("aws_launch_template")
def delete_launch_template(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ec2 = aws("ec2")
    if not call(ec2.describe_launch_templates, LaunchTemplateIds=[req.import_id])["LaunchTemplates"]:
        raise AlreadyGone(req.import_id)
    call(ec2.delete_launch_template, LaunchTemplateId=req.import_id)
    return DeleteOutcome(f"Deleted launch template {req.import_id}.")


# IAM ---------------------------------------------------------------------------------------------------------------


@executor("aws_iam_role")
def delete_role(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    iam = aws("iam")
    name = req.import_id
    call(iam.get_role, RoleName=name)
    for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name):
        for policy in page["AttachedPolicies"]:
            iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=name):
        for policy_name in page["PolicyNames"]:
            iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
    for page in iam.get_paginator("list_instance_profiles_for_role").paginate(RoleName=name):
        for profile in page["InstanceProfiles"]:
            iam.remove_role_from_instance_profile(InstanceProfileName=profile["InstanceProfileName"], RoleName=name)
    call(iam.delete_role, RoleName=name)
    return DeleteOutcome(f"Detached its policies and deleted IAM role {name}.")


@executor("aws_iam_user")
def delete_user(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    iam = aws("iam")
    name = req.import_id
    call(iam.get_user, UserName=name)
    for page in iam.get_paginator("list_attached_user_policies").paginate(UserName=name):
        for policy in page["AttachedPolicies"]:
            iam.detach_user_policy(UserName=name, PolicyArn=policy["PolicyArn"])
    for page in iam.get_paginator("list_user_policies").paginate(UserName=name):
        for policy_name in page["PolicyNames"]:
            iam.delete_user_policy(UserName=name, PolicyName=policy_name)
    for page in iam.get_paginator("list_groups_for_user").paginate(UserName=name):
        for group in page["Groups"]:
            iam.remove_user_from_group(GroupName=group["GroupName"], UserName=name)
    for page in iam.get_paginator("list_access_keys").paginate(UserName=name):
        for key in page["AccessKeyMetadata"]:
            iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    with suppress(iam.exceptions.NoSuchEntityException):  # a user without a console password has none
        iam.delete_login_profile(UserName=name)
    call(iam.delete_user, UserName=name)
    return DeleteOutcome(f"Removed its policies, groups and keys and deleted IAM user {name}.")


@executor("aws_iam_policy")
def delete_policy(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    iam = aws("iam")
    arn = req.import_id
    call(iam.get_policy, PolicyArn=arn)
    for page in iam.get_paginator("list_entities_for_policy").paginate(PolicyArn=arn):
        for role in page.get("PolicyRoles", []):
            iam.detach_role_policy(RoleName=role["RoleName"], PolicyArn=arn)
        for user in page.get("PolicyUsers", []):
            iam.detach_user_policy(UserName=user["UserName"], PolicyArn=arn)
        for group in page.get("PolicyGroups", []):
            iam.detach_group_policy(GroupName=group["GroupName"], PolicyArn=arn)
    for version in iam.list_policy_versions(PolicyArn=arn)["Versions"]:
        if not version["IsDefaultVersion"]:
            iam.delete_policy_version(PolicyArn=arn, VersionId=version["VersionId"])
    call(iam.delete_policy, PolicyArn=arn)
    return DeleteOutcome(f"Detached it from every role, user and group and deleted IAM policy {arn}.")


# Compute, data and messaging ---------------------------------------------------------------------------------------


@executor("aws_lambda_function")
def delete_function(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    call(aws("lambda").delete_function, FunctionName=req.import_id)
    return DeleteOutcome(f"Deleted Lambda function {req.import_id}.")


@executor("aws_dynamodb_table")
def delete_table(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    dynamodb = aws("dynamodb")
    table = call(dynamodb.describe_table, TableName=req.import_id)["Table"]
    if table.get("DeletionProtectionEnabled"):
        raise DeleteRefused(f"table {req.import_id} has deletion protection on; turn it off to delete it")
    backup = dynamodb.create_backup(TableName=req.import_id, BackupName=final_name(req.import_id, 255))
    arn = backup["BackupDetails"]["BackupArn"]
    call(dynamodb.delete_table, TableName=req.import_id)
    return DeleteOutcome(f"Deleted table {req.import_id}, keeping backup {arn}.", kept=arn)


@executor("aws_sqs_queue")
def delete_queue(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    sqs = aws("sqs")
    call(sqs.get_queue_attributes, QueueUrl=req.import_id, AttributeNames=["QueueArn"])
    call(sqs.delete_queue, QueueUrl=req.import_id)
    return DeleteOutcome(f"Deleted queue {req.import_id} with any messages in it.")


@executor("aws_sns_topic")
def delete_topic(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    sns = aws("sns")
    call(sns.get_topic_attributes, TopicArn=req.import_id)  # delete_topic succeeds for an unknown ARN
    call(sns.delete_topic, TopicArn=req.import_id)
    return DeleteOutcome(f"Deleted topic {req.import_id} and its subscriptions.")


@executor("aws_db_instance")
def delete_db_instance(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    rds = aws("rds")
    instance = call(rds.describe_db_instances, DBInstanceIdentifier=req.import_id)["DBInstances"][0]
    if instance.get("DeletionProtection"):
        raise DeleteRefused(f"DB instance {req.import_id} has deletion protection on; turn it off to delete it")
    if instance.get("DBClusterIdentifier"):
        # A cluster member's data lives in the cluster; RDS takes no instance snapshot of it.
        call(rds.delete_db_instance, DBInstanceIdentifier=req.import_id, SkipFinalSnapshot=True)
        return DeleteOutcome(f"Deleted DB instance {req.import_id}; its data stays in cluster "
                             f"{instance['DBClusterIdentifier']}.")
    snapshot = final_name(req.import_id)
    call(rds.delete_db_instance, DBInstanceIdentifier=req.import_id, SkipFinalSnapshot=False,
         FinalDBSnapshotIdentifier=snapshot, DeleteAutomatedBackups=False)
    return DeleteOutcome(f"Deleting DB instance {req.import_id}, with final snapshot {snapshot}.", kept=snapshot)


@executor("aws_rds_cluster")
def delete_rds_cluster(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    rds = aws("rds")
    cluster = call(rds.describe_db_clusters, DBClusterIdentifier=req.import_id)["DBClusters"][0]
    if cluster.get("DeletionProtection"):
        raise DeleteRefused(f"DB cluster {req.import_id} has deletion protection on; turn it off to delete it")
    members = [m["DBInstanceIdentifier"] for m in cluster.get("DBClusterMembers", [])]
    if members:
        raise DeleteRefused(f"DB cluster {req.import_id} still has DB instances ({', '.join(members)}); "
                            "delete them first")
    snapshot = final_name(req.import_id)
    call(rds.delete_db_cluster, DBClusterIdentifier=req.import_id, SkipFinalSnapshot=False,
         FinalDBSnapshotIdentifier=snapshot)
    return DeleteOutcome(f"Deleting DB cluster {req.import_id}, with final snapshot {snapshot}.", kept=snapshot)


@executor("aws_ecr_repository")
def delete_ecr_repository(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ecr = aws("ecr")
    images = call(ecr.list_images, repositoryName=req.import_id, maxResults=1).get("imageIds", [])
    if images and not req.confirm_empty:
        raise DeleteRefused(f"repository {req.import_id} still holds images; confirm emptying it to delete them too")
    call(ecr.delete_repository, repositoryName=req.import_id, force=bool(images))
    return DeleteOutcome(f"Deleted repository {req.import_id}" + (" and its images." if images else "."))


@executor("aws_ecs_cluster")
def delete_ecs_cluster(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ecs = aws("ecs")
    clusters = ecs.describe_clusters(clusters=[req.import_id])["clusters"]
    if not clusters or clusters[0].get("status") == "INACTIVE":
        raise AlreadyGone(req.import_id)
    call(ecs.delete_cluster, cluster=req.import_id)
    return DeleteOutcome(f"Deleted ECS cluster {req.import_id}.")


@executor("aws_eks_cluster")
def delete_eks_cluster(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    eks = aws("eks")
    groups = call(eks.list_nodegroups, clusterName=req.import_id).get("nodegroups", [])
    if groups:
        raise DeleteRefused(f"EKS cluster {req.import_id} still has node groups ({', '.join(groups)}); delete them "
                            "first")
    call(eks.delete_cluster, name=req.import_id)
    return DeleteOutcome(f"Deleting EKS cluster {req.import_id}.")


@executor("aws_kms_key")
def delete_kms_key(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    kms = aws("kms")
    answer = call(kms.schedule_key_deletion, KeyId=req.import_id, PendingWindowInDays=RECOVERY_DAYS)
    when = answer.get("DeletionDate")
    day = when.strftime("%Y-%m-%d") if hasattr(when, "strftime") else f"in {RECOVERY_DAYS} days"
    return DeleteOutcome(
        f"Scheduled KMS key {req.import_id} for deletion on {day}; cancel the deletion before then to keep it "
        "(data encrypted with it cannot be read once it is gone).",
        kept=f"recoverable until {day}",
    )


@executor("aws_secretsmanager_secret")
def delete_secret(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    secrets = aws("secretsmanager")
    call(secrets.delete_secret, SecretId=req.import_id, RecoveryWindowInDays=RECOVERY_DAYS)
    return DeleteOutcome(f"Scheduled secret {req.name or req.import_id} for deletion; it can be restored for "
                         f"{RECOVERY_DAYS} days.", kept=f"recoverable for {RECOVERY_DAYS} days")


@executor("aws_ssm_parameter")
def delete_parameter(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    call(aws("ssm").delete_parameter, Name=req.import_id)
    return DeleteOutcome(f"Deleted parameter {req.import_id}.")


@executor("aws_cloudwatch_log_group")
def delete_log_group(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    call(aws("logs").delete_log_group, logGroupName=req.import_id)
    return DeleteOutcome(f"Deleted log group {req.import_id} with its log events.")


@executor("aws_lb")
def delete_lb(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    elbv2 = aws("elbv2")
    attributes = call(elbv2.describe_load_balancer_attributes, LoadBalancerArn=req.import_id)["Attributes"]
    protected = any(a["Key"] == "deletion_protection.enabled" and a["Value"] == "true" for a in attributes)
    if protected:
        raise DeleteRefused("the load balancer has deletion protection on; turn it off to delete it")
    call(elbv2.delete_load_balancer, LoadBalancerArn=req.import_id)
    return DeleteOutcome(f"Deleted load balancer {req.name or req.import_id}; its target groups are kept.")


@executor("aws_kinesis_stream")
def delete_stream(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    # EnforceConsumerDeletion=False: a stream that registered consumers still read from is refused by AWS.
    call(aws("kinesis").delete_stream, StreamName=req.import_id, EnforceConsumerDeletion=False)
    return DeleteOutcome(f"Deleting stream {req.import_id} with the records in it.")


@executor("aws_elasticache_cluster")
def delete_cache_cluster(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    elasticache = aws("elasticache")
    cluster = call(elasticache.describe_cache_clusters, CacheClusterId=req.import_id)["CacheClusters"][0]
    if cluster.get("Engine") == "redis" and not cluster.get("ReplicationGroupId"):
        snapshot = final_name(req.import_id)
        call(elasticache.delete_cache_cluster, CacheClusterId=req.import_id, FinalSnapshotIdentifier=snapshot)
        return DeleteOutcome(f"Deleting cache cluster {req.import_id}, with final snapshot {snapshot}.",
                             kept=snapshot)
    # Memcached keeps nothing to snapshot; a replication group member is snapshotted through its group.
    call(elasticache.delete_cache_cluster, CacheClusterId=req.import_id)
    return DeleteOutcome(f"Deleting cache cluster {req.import_id}.")


@executor("aws_route53_zone")
def delete_zone(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    route53 = aws("route53")
    zone = call(route53.get_hosted_zone, Id=req.import_id)["HostedZone"]
    apex = zone["Name"]
    extra = []
    for page in route53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=req.import_id):
        for record in page["ResourceRecordSets"]:
            # The apex NS and SOA records come with the zone and go with it.
            if not (record["Name"] == apex and record["Type"] in ("NS", "SOA")):
                extra.append(record)
    if extra and not req.confirm_empty:
        raise DeleteRefused(f"zone {apex} still holds {len(extra)} record(s); confirm emptying it to delete them too")
    if extra:
        route53.change_resource_record_sets(
            HostedZoneId=req.import_id,
            ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": r} for r in extra]},
        )
    call(route53.delete_hosted_zone, Id=req.import_id)
    return DeleteOutcome(f"Deleted hosted zone {apex}" + (f" and its {len(extra)} record(s)." if extra else "."))


@executor("aws_api_gateway_rest_api")
def delete_rest_api(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    apigateway = aws("apigateway")
    call(apigateway.get_rest_api, restApiId=req.import_id)
    call(apigateway.delete_rest_api, restApiId=req.import_id)
    return DeleteOutcome(f"Deleted REST API {req.name or req.import_id} with its stages.")


@executor("aws_sfn_state_machine")
def delete_state_machine(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    sfn = aws("stepfunctions")
    call(sfn.describe_state_machine, stateMachineArn=req.import_id)  # delete succeeds for an unknown ARN
    call(sfn.delete_state_machine, stateMachineArn=req.import_id)
    return DeleteOutcome(f"Deleted state machine {req.name or req.import_id}.")


@executor("aws_cloudwatch_event_rule")
def delete_event_rule(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    events = aws("events")
    bus, _, name = req.import_id.rpartition("/")
    scope = {"EventBusName": bus} if bus else {}
    call(events.describe_rule, Name=name, **scope)
    targets = [t["Id"] for t in events.list_targets_by_rule(Rule=name, **scope).get("Targets", [])]
    if targets:
        events.remove_targets(Rule=name, Ids=targets, **scope)
    call(events.delete_rule, Name=name, **scope)
    return DeleteOutcome(f"Removed its {len(targets)} target(s) and deleted rule {req.import_id}.")


# S3 ----------------------------------------------------------------------------------------------------------------


@executor("aws_s3_bucket")
def delete_bucket(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    s3 = aws("s3")
    bucket = req.import_id
    first = call(s3.list_object_versions, Bucket=bucket, MaxKeys=1)
    if (first.get("Versions") or first.get("DeleteMarkers")) and not req.confirm_empty:
        raise DeleteRefused(f"bucket {bucket} is not empty; confirm emptying it to delete its objects too")
    removed = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        batch = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                 for v in (*page.get("Versions", []), *page.get("DeleteMarkers", []))]
        for start in range(0, len(batch), 1000):
            s3.delete_objects(Bucket=bucket, Delete={"Objects": batch[start : start + 1000], "Quiet": True})
        removed += len(batch)
    call(s3.delete_bucket, Bucket=bucket)
    return DeleteOutcome(f"Deleted bucket {bucket}" + (f" and {removed} object version(s)." if removed else "."))
