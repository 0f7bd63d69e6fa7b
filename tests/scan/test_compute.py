"""The compute and messaging listers (ECS, EKS, ECR, Lambda, ELB, ELBv2, Auto Scaling, CloudWatch alarms,
EventBridge rules, Step Functions, SNS, SQS): what AWS makes for itself is left out, the facts they give, and their
batching and paging, against moto where it serves them and against botocore's Stubber where it cannot show them."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from tests.codegen.helpers import ACCOUNT
from tests.scan.helpers import by_id, listed, listed_from, stubbed

Aws = Callable[..., Any]
_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def _subnets(aws: Aws, cidr: str = "10.40") -> tuple[str, list[str]]:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock=f"{cidr}.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{cidr}.{n}.0/24", AvailabilityZone=f"us-east-1{zone}")
               ["Subnet"]["SubnetId"] for n, zone in ((1, "a"), (2, "b"))]
    return vpc, subnets


def _role(aws: Aws, name: str, service: str = "lambda.amazonaws.com") -> str:
    trust = _TRUST.replace("lambda.amazonaws.com", service)
    return aws("iam").create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]


# ECS


def test_ecs_clusters_with_their_counts_and_tags_but_not_batch_or_deleted_ones(aws_client: Aws,
                                                                                aws_calls: Any) -> None:
    ecs = aws_client("ecs")
    ecs.create_cluster(clusterName="jobs", tags=[{"key": "team", "value": "batch"}])
    ecs.create_cluster(clusterName="gone")
    ecs.delete_cluster(cluster="gone")
    # AWS Batch makes an ECS cluster of its own for each compute environment (<name>_Batch_<uuid>).
    role = _role(aws_client, "batch-service", "batch.amazonaws.com")
    environment = aws_client("batch").create_compute_environment(
        computeEnvironmentName="nightly", type="UNMANAGED", serviceRole=role)["computeEnvironmentArn"]
    [made] = aws_client("batch").describe_compute_environments(
        computeEnvironments=[environment])["computeEnvironments"]
    assert "_Batch_" in made["ecsClusterArn"]
    assert any("_Batch_" in arn for arn in ecs.list_clusters()["clusterArns"])

    found = by_id(listed(aws_calls, "aws_ecs_cluster"))
    assert set(found) == {"jobs"}
    jobs = found["jobs"]
    assert jobs.arn == f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/jobs"
    assert jobs.tags == {"team": "batch"}
    assert jobs.console_url == "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/jobs/services?region=us-east-1"
    assert jobs.facts == (("services", "0"), ("running tasks", "0"), ("container instances", "0"))


def _register(ecs: Any, family: str) -> str:
    return ecs.register_task_definition(family=family, containerDefinitions=[
        {"name": "app", "image": "nginx", "memory": 256}])["taskDefinition"]["taskDefinitionArn"]


def test_ecs_task_definitions_are_the_latest_active_revision_of_each_family(aws_client: Aws, aws_calls: Any) -> None:
    ecs = aws_client("ecs")
    web = [_register(ecs, "web") for _ in range(3)]
    ecs.deregister_task_definition(taskDefinition=web[2])  # the newest revision is INACTIVE: revision 2 is latest
    worker = _register(ecs, "web-worker")  # a family whose name starts with another's
    retired = _register(ecs, "retired")
    ecs.deregister_task_definition(taskDefinition=retired)  # no active revision left: the family is not listed

    found = by_id(listed(aws_calls, "aws_ecs_task_definition"))
    assert set(found) == {web[1], worker}
    latest = found[web[1]]
    assert latest.name == "web:2"
    assert latest.arn == web[1] == f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/web:2"
    assert latest.facts == (("revision", "2"), ("active revisions", "2"))
    assert latest.console_url == (
        "https://us-east-1.console.aws.amazon.com/ecs/v2/task-definitions/web/2/containers?region=us-east-1")
    assert found[worker].facts == (("revision", "1"), ("active revisions", "1"))


def test_ecs_task_definitions_page_through_every_listing(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "ecs", "aws_ecs_task_definition")
    arn = f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/"
    stub.add_response("list_task_definitions", {"taskDefinitionArns": [f"{arn}api:1", f"{arn}api:2"],
                                                "nextToken": "t1"}, {"status": "ACTIVE"})
    stub.add_response("list_task_definitions", {"taskDefinitionArns": [f"{arn}api:10", f"{arn}cron:4"]},
                      {"status": "ACTIVE", "nextToken": "t1"})
    with stub:
        found = by_id(listed_from(client, "aws_ecs_task_definition"))
    stub.assert_no_pending_responses()
    # Revision 10 is the latest, though "api:10" sorts before "api:2" as text.
    assert set(found) == {f"{arn}api:10", f"{arn}cron:4"}
    assert found[f"{arn}api:10"].facts == (("revision", "10"), ("active revisions", "3"))


def test_ecs_services_of_every_cluster_described_ten_at_a_time(aws_client: Aws, aws_calls: Any) -> None:
    ecs = aws_client("ecs")
    task = _register(ecs, "api")
    for cluster in ("prod", "staging"):
        ecs.create_cluster(clusterName=cluster)
    names = [f"api-{n:02}" for n in range(12)]  # more than one DescribeServices call's worth
    for name in names:
        ecs.create_service(cluster="prod", serviceName=name, taskDefinition=task, desiredCount=2,
                           launchType="FARGATE", tags=[{"key": "Name", "value": f"{name} service"}])
    ecs.create_service(cluster="staging", serviceName="api", taskDefinition=task, desiredCount=0,
                       schedulingStrategy="REPLICA")
    ecs.create_service(cluster="staging", serviceName="old", taskDefinition=task, desiredCount=0)
    ecs.delete_service(cluster="staging", service="old")

    found = by_id(listed(aws_calls, "aws_ecs_service"))
    assert set(found) == {f"prod/{name}" for name in names} | {"staging/api"}
    first = found["prod/api-00"]
    assert first.name == "api-00 service"  # its Name tag, as the resolver names it
    assert first.tags == {"Name": "api-00 service"}
    assert first.arn.endswith(":service/prod/api-00")
    assert first.console_url == (
        "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/api-00/health?region=us-east-1")
    assert first.facts[0] == ("launch type", "FARGATE")
    facts = dict(first.facts)
    assert facts["desired tasks"] == "2"
    assert facts["task definition"] == "api:1"
    assert dict(found["staging/api"].facts)["desired tasks"] == "0"


def test_ecs_service_facts_name_capacity_providers_and_daemons_and_a_deleted_cluster_is_skipped(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "ecs", "aws_ecs_service")
    cluster = f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/edge"
    service = f"arn:aws:ecs:us-east-1:{ACCOUNT}:service/edge/agent"
    gone = f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/gone"
    stub.add_response("list_clusters", {"clusterArns": [gone, cluster]}, {})
    stub.add_client_error("list_services", "ClusterNotFoundException", "Cluster not found.", 400,
                          expected_params={"cluster": gone})  # deleted since the listing
    stub.add_response("list_services", {"serviceArns": [service]}, {"cluster": cluster})
    stub.add_response("describe_services", {"services": [{
        "serviceArn": service, "serviceName": "agent", "clusterArn": cluster, "status": "ACTIVE",
        "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        "schedulingStrategy": "DAEMON", "desiredCount": 3, "runningCount": 1,
        "taskDefinition": f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/agent:7"}], "failures": []},
        {"cluster": cluster, "services": [service], "include": ["TAGS"]})
    with stub:
        [item] = listed_from(client, "aws_ecs_service")
    stub.assert_no_pending_responses()
    assert item.import_id == "edge/agent"
    assert item.facts == (("capacity providers", "FARGATE_SPOT"), ("scheduling", "DAEMON"), ("desired tasks", "3"),
                          ("running tasks", "1"), ("task definition", "agent:7"))


# EKS


def test_eks_clusters_with_their_version(aws_client: Aws, aws_calls: Any) -> None:
    _vpc, subnets = _subnets(aws_client)
    aws_client("eks").create_cluster(name="prod", version="1.30", roleArn=_role(aws_client, "eks", "eks.amazonaws.com"),
                                     resourcesVpcConfig={"subnetIds": subnets}, tags={"env": "prod"})
    [item] = listed(aws_calls, "aws_eks_cluster")
    assert (item.import_id, item.name, item.tags) == ("prod", "prod", {"env": "prod"})
    assert item.arn == f"arn:aws:eks:us-east-1:{ACCOUNT}:cluster/prod"
    assert item.console_url == "https://us-east-1.console.aws.amazon.com/eks/home?region=us-east-1#/clusters/prod"
    assert ("version", "1.30") in item.facts


def test_eks_clusters_being_deleted_or_gone_since_the_listing_are_left_out(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "eks", "aws_eks_cluster")
    arn = f"arn:aws:eks:us-east-1:{ACCOUNT}:cluster/"
    stub.add_response("list_clusters", {"clusters": ["old", "gone"], "nextToken": "t"}, {})
    stub.add_response("describe_cluster", {"cluster": {"name": "old", "arn": f"{arn}old", "status": "DELETING",
                                                       "version": "1.27"}}, {"name": "old"})
    stub.add_client_error("describe_cluster", "ResourceNotFoundException", "No cluster found for name: gone.",
                          404, expected_params={"name": "gone"})
    stub.add_response("list_clusters", {"clusters": ["new"]}, {"nextToken": "t"})
    stub.add_response("describe_cluster", {"cluster": {"name": "new", "arn": f"{arn}new", "status": "CREATING",
                                                       "version": "1.31"}}, {"name": "new"})
    with stub:
        [item] = listed_from(client, "aws_eks_cluster")
    stub.assert_no_pending_responses()
    assert item.import_id == "new"
    assert item.facts == (("version", "1.31"), ("state", "creating"))


# ECR, Lambda, Step Functions, SNS, SQS


def test_ecr_repositories_with_their_tag_mutability(aws_client: Aws, aws_calls: Any) -> None:
    aws_client("ecr").create_repository(repositoryName="team/api", imageTagMutability="IMMUTABLE")
    [item] = listed(aws_calls, "aws_ecr_repository")
    assert (item.import_id, item.name) == ("team/api", "team/api")
    assert item.arn == f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/team/api"
    assert item.console_url == (
        f"https://us-east-1.console.aws.amazon.com/ecr/repositories/private/{ACCOUNT}/team/api?region=us-east-1")
    assert item.facts == (("image tags", "immutable"),)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def main(event, context):\n    return event\n")
    return buffer.getvalue()


def test_lambda_functions_with_runtime_and_memory(aws_client: Aws, aws_calls: Any) -> None:
    aws_client("lambda").create_function(FunctionName="resize", Runtime="python3.12", Handler="handler.main",
                                         Role=_role(aws_client, "fn"), Code={"ZipFile": _zip()}, MemorySize=512,
                                         Timeout=30, Architectures=["arm64"])
    [item] = listed(aws_calls, "aws_lambda_function")
    assert (item.import_id, item.name) == ("resize", "resize")
    assert item.arn == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:resize"
    assert item.console_url == "https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions/resize"
    assert item.facts == (("runtime", "python3.12"), ("memory", "512 MB"), ("architecture", "arm64"),
                          ("timeout", "30 s"))


def test_lambda_container_image_functions_say_so(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "lambda", "aws_lambda_function")
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:render"
    stub.add_response("list_functions", {"Functions": [{"FunctionName": "render", "FunctionArn": arn,
                                                        "PackageType": "Image", "MemorySize": 2048,
                                                        "Architectures": ["x86_64"], "Timeout": 900}]}, {})
    with stub:
        [item] = listed_from(client, "aws_lambda_function")
    assert item.facts == (("runtime", "container image"), ("memory", "2048 MB"), ("architecture", "x86_64"),
                          ("timeout", "900 s"))


def test_state_machines_with_their_type(aws_client: Aws, aws_calls: Any) -> None:
    definition = '{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}'
    arn = aws_client("stepfunctions").create_state_machine(
        name="checkout", definition=definition, roleArn=_role(aws_client, "sfn", "states.amazonaws.com"),
        type="EXPRESS")["stateMachineArn"]
    [item] = listed(aws_calls, "aws_sfn_state_machine")
    assert (item.import_id, item.arn, item.name) == (arn, arn, "checkout")
    assert item.facts == (("type", "EXPRESS"),)
    assert item.console_url.endswith(f"#/statemachines/view/{arn.replace(':', '%3A')}")


def test_sns_topics_by_arn_named_by_their_last_part(aws_client: Aws, aws_calls: Any) -> None:
    arn = aws_client("sns").create_topic(Name="alerts.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    [item] = listed(aws_calls, "aws_sns_topic")
    assert (item.import_id, item.arn, item.name, item.facts) == (arn, arn, "alerts.fifo", ())


def test_sqs_queues_by_the_url_sqs_gives(aws_client: Aws, aws_calls: Any) -> None:
    url = aws_client("sqs", "eu-west-1").create_queue(QueueName="jobs")["QueueUrl"]
    [item] = listed(aws_calls, "aws_sqs_queue", "eu-west-1")
    assert (item.import_id, item.name) == (url, "jobs")
    assert item.arn == f"arn:aws:sqs:eu-west-1:{ACCOUNT}:jobs"
    assert item.console_url.startswith("https://eu-west-1.console.aws.amazon.com/sqs/v3/home?region=eu-west-1#/queues/")
    assert listed(aws_calls, "aws_sqs_queue", "us-east-1") == []


# Load balancers


def test_classic_load_balancers_with_tags_and_facts_but_not_kubernetes_ones(aws_client: Aws, aws_calls: Any) -> None:
    elb = aws_client("elb")
    listeners = [{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 8080}]
    elb.create_load_balancer(LoadBalancerName="legacy", Listeners=listeners, AvailabilityZones=["us-east-1a"],
                             Scheme="internal", Tags=[{"Key": "Name", "Value": "legacy web"}])
    # What Kubernetes' in-tree cloud provider makes for a Service of type LoadBalancer.
    elb.create_load_balancer(LoadBalancerName="a1b2c3d4e5f6", Listeners=listeners, AvailabilityZones=["us-east-1a"],
                             Tags=[{"Key": "kubernetes.io/service-name", "Value": "default/web"},
                                   {"Key": "kubernetes.io/cluster/prod", "Value": "owned"}])
    [item] = listed(aws_calls, "aws_elb")
    assert (item.import_id, item.name, item.tags) == ("legacy", "legacy web", {"Name": "legacy web"})
    assert item.arn == f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/legacy"
    assert item.facts == (("scheme", "internal"), ("instances", "0"), ("listeners", "HTTP:80"))


def test_classic_load_balancer_tags_skip_one_deleted_since_the_listing(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "elb", "aws_elb")
    stub.add_response("describe_load_balancers", {"LoadBalancerDescriptions": [
        {"LoadBalancerName": "kept", "Scheme": "internet-facing"}, {"LoadBalancerName": "gone"}]}, {})
    stub.add_client_error("describe_tags", "LoadBalancerNotFound", "gone", 400,
                          expected_params={"LoadBalancerNames": ["kept", "gone"]})
    stub.add_response("describe_tags", {"TagDescriptions": [{"LoadBalancerName": "kept",
                                                             "Tags": [{"Key": "team", "Value": "web"}]}]},
                      {"LoadBalancerNames": ["kept"]})
    stub.add_client_error("describe_tags", "LoadBalancerNotFound", "gone", 400,
                          expected_params={"LoadBalancerNames": ["gone"]})
    with stub:
        [item] = listed_from(client, "aws_elb")
    stub.assert_no_pending_responses()
    assert (item.import_id, item.tags) == ("kept", {"team": "web"})
    assert item.facts == (("scheme", "internet-facing"), ("instances", "0"))


def _kubernetes_tags(cluster: str = "prod") -> list[dict[str, str]]:
    """What the AWS Load Balancer Controller tags its load balancers and target groups with."""
    return [{"Key": "elbv2.k8s.aws/cluster", "Value": cluster}, {"Key": "ingress.k8s.aws/stack", "Value": "web"}]


def test_load_balancers_and_listeners_but_not_kubernetes_ones(aws_client: Aws, aws_calls: Any) -> None:
    vpc, subnets = _subnets(aws_client)
    elbv2 = aws_client("elbv2")
    lb = elbv2.create_load_balancer(Name="web", Subnets=subnets, Scheme="internal",
                                    Tags=[{"Key": "team", "Value": "web"}])["LoadBalancers"][0]["LoadBalancerArn"]
    k8s = elbv2.create_load_balancer(Name="k8s-default-web-0123456789", Subnets=subnets,
                                     Tags=_kubernetes_tags())["LoadBalancers"][0]["LoadBalancerArn"]
    group = elbv2.create_target_group(Name="blue", Protocol="HTTP", Port=8080, VpcId=vpc,
                                      TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    action = [{"Type": "forward", "TargetGroupArn": group}]
    listener = elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                                     DefaultActions=action)["Listeners"][0]["ListenerArn"]
    elbv2.create_listener(LoadBalancerArn=k8s, Protocol="HTTP", Port=80, DefaultActions=action)

    [item] = listed(aws_calls, "aws_lb")
    assert (item.import_id, item.arn, item.name, item.tags) == (lb, lb, "web", {"team": "web"})
    assert item.facts == (("type", "application"), ("scheme", "internal"))
    assert item.console_url == ("https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1"
                                f"#LoadBalancer:loadBalancerArn={lb}")

    [only] = listed(aws_calls, "aws_lb_listener")
    assert (only.import_id, only.arn, only.name) == (listener, listener, "web HTTP:80")
    assert only.facts == (("protocol", "HTTP:80"), ("default action", "forward"))
    assert only.console_url == item.console_url  # shown on its load balancer's page


def test_target_groups_tagged_twenty_at_a_time_but_not_kubernetes_ones(aws_client: Aws, aws_calls: Any) -> None:
    vpc, subnets = _subnets(aws_client)
    elbv2 = aws_client("elbv2")
    arns = [elbv2.create_target_group(Name=f"tg-{n:02}", Protocol="HTTP", Port=80, VpcId=vpc,
                                      Tags=[{"Key": "n", "Value": str(n)}])["TargetGroups"][0]["TargetGroupArn"]
            for n in range(23)]  # more than one DescribeTags call's worth
    elbv2.create_target_group(Name="k8s-default-web-0123456789", Protocol="HTTP", Port=80, VpcId=vpc,
                              TargetType="ip", Tags=_kubernetes_tags())
    lb = elbv2.create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": arns[0]}])

    found = by_id(listed(aws_calls, "aws_lb_target_group"))
    assert set(found) == set(arns)
    assert [found[arn].tags for arn in arns] == [{"n": str(n)} for n in range(23)]
    assert found[arns[0]].facts == (("target type", "instance"), ("protocol", "HTTP:80"), ("load balancers", "1"))
    assert found[arns[1]].facts[-1] == ("load balancers", "0")
    assert found[arns[0]].name == "tg-00"


def test_target_group_tags_skip_one_deleted_since_the_listing(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "elbv2", "aws_lb_target_group")
    arn = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:targetgroup/"
    kept, gone = f"{arn}kept/1", f"{arn}gone/2"
    stub.add_response("describe_target_groups", {"TargetGroups": [
        {"TargetGroupArn": kept, "TargetGroupName": "kept", "TargetType": "lambda"},
        {"TargetGroupArn": gone, "TargetGroupName": "gone"}]}, {})
    stub.add_client_error("describe_tags", "TargetGroupNotFound", "gone", 400,
                          expected_params={"ResourceArns": [kept, gone]})
    stub.add_response("describe_tags", {"TagDescriptions": [{"ResourceArn": kept,
                                                             "Tags": [{"Key": "team", "Value": "api"}]}]},
                      {"ResourceArns": [kept]})
    stub.add_client_error("describe_tags", "TargetGroupNotFound", "gone", 400,
                          expected_params={"ResourceArns": [gone]})
    with stub:
        [item] = listed_from(client, "aws_lb_target_group")
    stub.assert_no_pending_responses()
    assert (item.import_id, item.tags) == (kept, {"team": "api"})
    assert item.facts == (("target type", "lambda"), ("load balancers", "0"))


# Auto Scaling


def test_auto_scaling_groups_with_capacity_but_not_eks_node_groups(aws_client: Aws, aws_calls: Any) -> None:
    _vpc, subnets = _subnets(aws_client)
    template = aws_client("ec2").create_launch_template(
        LaunchTemplateName="workers", LaunchTemplateData={"ImageId": "ami-0abcdef1234567890",
                                                          "InstanceType": "t3.micro"})["LaunchTemplate"]
    autoscaling = aws_client("autoscaling")
    launch = {"LaunchTemplateId": template["LaunchTemplateId"], "Version": "$Latest"}
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="workers", LaunchTemplate=launch, MinSize=1, MaxSize=6, DesiredCapacity=2,
        VPCZoneIdentifier=",".join(subnets),
        Tags=[{"Key": "Name", "Value": "batch workers", "PropagateAtLaunch": True}])
    # What EKS makes for a managed node group.
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="eks-general-0123abcd", LaunchTemplate=launch, MinSize=0, MaxSize=3,
        DesiredCapacity=0, VPCZoneIdentifier=",".join(subnets),
        Tags=[{"Key": "eks:nodegroup-name", "Value": "general", "PropagateAtLaunch": True},
              {"Key": "eks:cluster-name", "Value": "prod", "PropagateAtLaunch": True}])

    [item] = listed(aws_calls, "aws_autoscaling_group")
    assert (item.import_id, item.name, item.tags) == ("workers", "batch workers", {"Name": "batch workers"})
    assert item.arn.startswith(f"arn:aws:autoscaling:us-east-1:{ACCOUNT}:autoScalingGroup:")
    assert item.facts == (("desired capacity", "2"), ("min size", "1"), ("max size", "6"), ("instances", "2"))
    assert item.console_url.endswith("#AutoScalingGroupDetails:id=workers")


# CloudWatch alarms


def test_alarms_but_not_those_target_tracking_policies_make(aws_client: Aws, aws_calls: Any) -> None:
    aws_client("cloudwatch").put_metric_alarm(
        AlarmName="api 5xx", Namespace="AWS/ApplicationELB", MetricName="HTTPCode_Target_5XX_Count",
        Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=5.0,
        ComparisonOperator="GreaterThanThreshold")
    aws_client("cloudwatch").set_alarm_state(AlarmName="api 5xx", StateValue="ALARM", StateReason="5xx")
    # DynamoDB auto scaling: Application Auto Scaling makes the table's target tracking alarms.
    aws_client("dynamodb").create_table(
        TableName="orders", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    scaling = aws_client("application-autoscaling")
    scaling.register_scalable_target(ServiceNamespace="dynamodb", ResourceId="table/orders",
                                     ScalableDimension="dynamodb:table:ReadCapacityUnits", MinCapacity=5,
                                     MaxCapacity=50)
    scaling.put_scaling_policy(
        PolicyName="reads", ServiceNamespace="dynamodb", ResourceId="table/orders",
        ScalableDimension="dynamodb:table:ReadCapacityUnits", PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={"TargetValue": 70.0, "PredefinedMetricSpecification": {
            "PredefinedMetricType": "DynamoDBReadCapacityUtilization"}})
    names = [a["AlarmName"] for a in aws_client("cloudwatch").describe_alarms()["MetricAlarms"]]
    assert any(name.startswith("TargetTracking-table/orders-") for name in names), names

    [item] = listed(aws_calls, "aws_cloudwatch_metric_alarm")
    assert (item.import_id, item.name) == ("api 5xx", "api 5xx")
    assert item.arn == f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:api 5xx"
    assert item.console_url.endswith("#alarmsV2:alarm/api%205xx")
    assert item.facts == (("metric", "AWS/ApplicationELB HTTPCode_Target_5XX_Count"), ("state", "ALARM"))


def test_alarms_described_as_a_target_tracking_policys_are_left_out_whatever_their_name(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "cloudwatch", "aws_cloudwatch_metric_alarm")
    arn = f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:"
    policy = "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1:resource/ecs/service/prod/api"
    stub.add_response("describe_alarms", {"MetricAlarms": [
        {"AlarmName": "cpu-high", "AlarmArn": f"{arn}cpu-high", "AlarmDescription": "DO NOT EDIT OR DELETE. For "
         f"TargetTrackingScaling policy {policy}", "StateValue": "OK"},
        {"AlarmName": "error ratio", "AlarmArn": f"{arn}error ratio", "StateValue": "ALARM",
         "Metrics": [{"Id": "e1", "Expression": "m1/m2"}]}], "NextToken": "t"}, {"AlarmTypes": ["MetricAlarm"]})
    stub.add_response("describe_alarms", {"MetricAlarms": [
        {"AlarmName": "TargetTracking-service/prod/api-AlarmLow-0f1e", "AlarmArn": f"{arn}TargetTracking"}]},
        {"AlarmTypes": ["MetricAlarm"], "NextToken": "t"})
    with stub:
        [item] = listed_from(client, "aws_cloudwatch_metric_alarm")
    stub.assert_no_pending_responses()
    assert item.import_id == "error ratio"
    assert item.facts == (("metric", "metric math"), ("state", "ALARM"))


# EventBridge rules


def test_event_rules_of_every_bus_but_not_managed_ones(aws_client: Aws, aws_calls: Any) -> None:
    events = aws_client("events")
    events.put_rule(Name="nightly", ScheduleExpression="cron(0 3 * * ? *)", State="DISABLED")
    events.create_event_bus(Name="orders")
    events.put_rule(Name="paid", EventBusName="orders", EventPattern='{"detail-type": ["paid"]}')
    # An archive makes a rule EventBridge manages (ManagedBy is set).
    bus = events.describe_event_bus(Name="orders")["Arn"]
    events.create_archive(ArchiveName="orders-archive", EventSourceArn=bus)
    rules = events.list_rules(EventBusName="orders")["Rules"]
    assert any(rule.get("ManagedBy") for rule in rules), rules

    found = by_id(listed(aws_calls, "aws_cloudwatch_event_rule"))
    assert set(found) == {"nightly", "orders/paid"}
    nightly, paid = found["nightly"], found["orders/paid"]
    assert nightly.arn == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/nightly"
    assert nightly.facts == (("schedule", "cron(0 3 * * ? *)"), ("state", "disabled"))
    assert nightly.console_url.endswith("#/eventbus/default/rules/nightly")
    assert (paid.name, paid.arn) == ("paid", f"arn:aws:events:us-east-1:{ACCOUNT}:rule/orders/paid")
    assert paid.facts == (("trigger", "event pattern"), ("state", "enabled"))
    assert paid.console_url.endswith("#/eventbus/orders/rules/paid")


def test_event_buses_are_paged_by_hand(aws_client: Aws, aws_calls: Any) -> None:
    events = aws_client("events")
    names = [f"bus-{n:02}" for n in range(55)]  # moto answers 50 buses a page, the default bus among them
    for name in names:
        events.create_event_bus(Name=name)
        events.put_rule(Name="r", EventBusName=name, EventPattern='{"source": ["app"]}')
    assert "NextToken" in events.list_event_buses()
    found = by_id(listed(aws_calls, "aws_cloudwatch_event_rule"))
    assert set(found) == {f"{name}/r" for name in names}
