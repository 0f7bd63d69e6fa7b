"""The listers of API Gateway (v1 and v2), Athena, Backup, CloudFormation, CloudHSM, Cognito and Glue: what AWS made
by itself or is deleting is not listed, each resource is identified as its creation record identifies it, and its
facts say what it is. Where moto cannot make the answer (a nested stack, a deleted cluster, an engine version, an
aws/ vault), botocore's Stubber gives one shaped like the service model."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest

from bot.catalog import CATALOG
from bot.events import CloudTrailRecord
from tests.codegen.helpers import ACCOUNT, cloudtrail
from tests.codegen.test_types import CASES
from tests.scan.helpers import by_id, listed, listed_from, stubbed

Aws = Callable[..., Any]
TYPES = ("aws_api_gateway_rest_api", "aws_apigatewayv2_api", "aws_athena_workgroup", "aws_backup_vault",
         "aws_cloudhsm_v2_cluster", "aws_cognito_user_pool", "aws_glue_job")
WHEN = datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize("tf_type", TYPES)
def test_a_listed_resource_has_the_identity_its_creation_record_gives(tf_type: str, aws_client: Aws,
                                                                      aws_calls: Any) -> None:
    made = CASES[tf_type](aws_client)
    [found] = CATALOG[tf_type].resolve(CloudTrailRecord(made.record, "test"))
    item = by_id(listed(aws_calls, tf_type))[made.import_id]
    assert (item.import_id, item.name, item.console_url) == (found.import_id, found.name, found.console_url)
    assert item.arn == found.arn, (item.arn, found.arn)


# API Gateway


def test_rest_apis_say_their_endpoint_type(aws_client: Aws, aws_calls: Any) -> None:
    apigateway = aws_client("apigateway")
    private = apigateway.create_rest_api(name="internal", endpointConfiguration={"types": ["PRIVATE"]},
                                         tags={"team": "core"})["id"]
    regional = apigateway.create_rest_api(name="public", endpointConfiguration={"types": ["REGIONAL"]})["id"]
    items = by_id(listed(aws_calls, "aws_api_gateway_rest_api"))
    assert items[private].facts == (("endpoint type", "PRIVATE"),)
    assert items[private].tags == {"team": "core"}
    assert items[private].arn == f"arn:aws:apigateway:us-east-1::/restapis/{private}"
    assert items[regional].facts == (("endpoint type", "REGIONAL"),)


def test_http_and_websocket_apis_say_their_protocol(aws_client: Aws, aws_calls: Any) -> None:
    apigatewayv2 = aws_client("apigatewayv2", "eu-west-1")
    http = apigatewayv2.create_api(Name="orders", ProtocolType="HTTP", Tags={"team": "shop"})["ApiId"]
    socket = apigatewayv2.create_api(Name="chat", ProtocolType="WEBSOCKET",
                                     RouteSelectionExpression="$request.body.action")["ApiId"]
    items = by_id(listed(aws_calls, "aws_apigatewayv2_api", "eu-west-1"))
    assert set(items) == {http, socket}
    assert items[http].facts == (("protocol", "HTTP"),)
    assert items[http].tags == {"team": "shop"}
    assert items[http].arn == f"arn:aws:apigateway:eu-west-1::/apis/{http}"
    assert items[socket].facts == (("protocol", "WEBSOCKET"),)
    assert items[socket].name == "chat"


# Athena


def test_the_primary_workgroup_is_not_listed(aws_client: Aws, aws_calls: Any) -> None:
    aws_client("athena").create_work_group(Name="analysts", Configuration={})
    names = [group["Name"] for group in aws_client("athena").list_work_groups()["WorkGroups"]]
    assert "primary" in names  # AWS makes it in every region
    [item] = listed(aws_calls, "aws_athena_workgroup")
    assert item.import_id == "analysts"
    assert item.arn == f"arn:aws:athena:us-east-1:{ACCOUNT}:workgroup/analysts"
    assert item.facts == (("state", "ENABLED"),)


def test_workgroups_are_listed_page_by_page_with_state_and_engine(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "athena", "aws_athena_workgroup")
    engine = {"SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "Athena engine version 3"}
    stub.add_response("list_work_groups", {"WorkGroups": [
        {"Name": "primary", "State": "ENABLED", "EngineVersion": engine, "CreationTime": WHEN},
        {"Name": "old-reports", "State": "DISABLED",
         "EngineVersion": {"SelectedEngineVersion": "Athena engine version 2",
                           "EffectiveEngineVersion": "Athena engine version 2"}, "CreationTime": WHEN},
    ], "NextToken": "page-2"}, {})
    stub.add_response("list_work_groups", {"WorkGroups": [
        {"Name": "analysts", "State": "ENABLED", "EngineVersion": engine, "CreationTime": WHEN},
    ]}, {"NextToken": "page-2"})
    with stub:
        items = listed_from(client, "aws_athena_workgroup")
    stub.assert_no_pending_responses()
    assert [(item.import_id, item.facts) for item in items] == [
        ("old-reports", (("state", "DISABLED"), ("engine", "Athena engine version 2"))),
        ("analysts", (("state", "ENABLED"), ("engine", "Athena engine version 3"))),
    ]


# Backup


def test_the_default_vault_is_not_listed_and_vaults_say_their_recovery_points(aws_client: Aws,
                                                                             aws_calls: Any) -> None:
    backup = aws_client("backup")
    # AWS Backup makes Default the first time it is used in a region (moto makes it only when asked).
    backup.create_backup_vault(BackupVaultName="Default")
    backup.create_backup_vault(BackupVaultName="Nightly-DB", BackupVaultTags={"team": "dba"})
    backup.create_backup_vault(BackupVaultName="Audit")
    backup.put_backup_vault_lock_configuration(BackupVaultName="Audit", MinRetentionDays=30)
    items = by_id(listed(aws_calls, "aws_backup_vault"))
    assert set(items) == {"Nightly-DB", "Audit"}
    assert items["Nightly-DB"].arn == f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-vault:Nightly-DB"
    assert items["Nightly-DB"].facts == (("recovery points", "0"),)
    assert items["Audit"].facts == (("recovery points", "0"), ("vault lock", "locked"))


def test_aws_made_and_air_gapped_vaults_are_not_listed(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "backup", "aws_backup_vault")

    def vault(name: str, points: int, kind: str | None = "BACKUP_VAULT") -> dict[str, Any]:
        answer = {"BackupVaultName": name, "BackupVaultArn": f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-vault:{name}",
                  "CreationDate": WHEN, "NumberOfRecoveryPoints": points, "Locked": False}
        return answer | ({"VaultType": kind} if kind else {})

    stub.add_response("list_backup_vaults", {"BackupVaultList": [
        vault("Default", 40),
        vault("aws/efs/automatic-backup-vault", 31),
        vault("aws/rds/something-else", 2),
        vault("isolated", 5, "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"),
        vault("restore-access", 1, "RESTORE_ACCESS_BACKUP_VAULT"),
        vault("Nightly-DB", 12),
        vault("from-before-vault-types", 3, None),
    ]}, {})
    with stub:
        items = listed_from(client, "aws_backup_vault")
    stub.assert_no_pending_responses()
    assert [(item.import_id, item.facts) for item in items] == [
        ("Nightly-DB", (("recovery points", "12"),)),
        ("from-before-vault-types", (("recovery points", "3"),)),
    ]


# CloudFormation

_TEMPLATE = json.dumps({"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "orders"}}}})


def test_a_stack_is_listed_as_its_record_names_it_and_a_deleted_one_is_not(aws_client: Aws,
                                                                           aws_calls: Any) -> None:
    cloudformation = aws_client("cloudformation")
    stack_id = cloudformation.create_stack(StackName="orders-queues", TemplateBody=_TEMPLATE,
                                           Tags=[{"Key": "team", "Value": "queues"}])["StackId"]
    cloudformation.create_stack(StackName="old-queues", TemplateBody=_TEMPLATE.replace("orders", "old"))
    cloudformation.delete_stack(StackName="old-queues")
    record = cloudtrail("cloudformation.amazonaws.com", "CreateStack", {"stackName": "orders-queues"},
                        {"stackId": stack_id})
    [found] = CATALOG["aws_cloudformation_stack"].resolve(CloudTrailRecord(record, "test"))
    [item] = listed(aws_calls, "aws_cloudformation_stack")
    assert (item.import_id, item.name, item.arn, item.console_url) == (
        found.import_id, found.name, found.arn, found.console_url)
    assert item.tags == {"team": "queues"}
    assert item.facts == (("status", "CREATE_COMPLETE"),)


def test_stacks_a_person_did_not_make_or_that_are_going_are_not_listed(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "cloudformation", "aws_cloudformation_stack")

    def stack(name: str, status: str = "CREATE_COMPLETE", **more: Any) -> dict[str, Any]:
        return {"StackName": name, "StackId": f"arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/{name}/1234",
                "CreationTime": WHEN, "StackStatus": status, **more}

    root = f"arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/app/1234"
    stub.add_response("describe_stacks", {"Stacks": [
        stack("app"),
        # Made by app's template (AWS::CloudFormation::Stack): ParentId and RootId name app.
        stack("app-Network-1ABC", ParentId=root, RootId=root),
        stack("StackSet-baseline-4f9c2a4e-0d1e-4a9b-9a53-3a7e1b2c9d10"),
        stack("awsconfigconforms-security-pack-abc123"),
        stack("awseb-e-mxjnpyyj5b-stack", Tags=[{"Key": "elasticbeanstalk:environment-id", "Value": "e-mxjnpyyj5b"},
                                                {"Key": "elasticbeanstalk:environment-name", "Value": "web-prod"}]),
        stack("SC-123456789012-pp-abcdefghijk",
              Tags=[{"Key": "aws:servicecatalog:provisionedProductArn",
                     "Value": f"arn:aws:servicecatalog:us-east-1:{ACCOUNT}:stack/db/pp-abcdefghijk"}]),
        stack("leaving", "DELETE_IN_PROGRESS"),
        stack("gone", "DELETE_COMPLETE"),
    ], "NextToken": "page-2"}, {})
    stub.add_response("describe_stacks", {"Stacks": [
        stack("failed-create", "ROLLBACK_COMPLETE", Tags=[{"Key": "team", "Value": "web"}]),
    ]}, {"NextToken": "page-2"})
    with stub:
        items = listed_from(client, "aws_cloudformation_stack")
    stub.assert_no_pending_responses()
    assert [(item.import_id, item.facts) for item in items] == [
        ("app", (("status", "CREATE_COMPLETE"),)),
        ("failed-create", (("status", "ROLLBACK_COMPLETE"),)),
    ]
    assert items[1].tags == {"team": "web"}


# CloudHSM


def test_clusters_say_their_hsm_type_count_and_state(aws_client: Aws, aws_calls: Any) -> None:
    made = CASES["aws_cloudhsm_v2_cluster"](aws_client)
    [item] = listed(aws_calls, "aws_cloudhsm_v2_cluster")
    assert item.import_id == made.import_id
    assert item.arn == f"arn:aws:cloudhsm:us-east-1:{ACCOUNT}:cluster/{made.import_id}"
    assert item.tags == {"team": "security ${x}"}
    # moto makes no HSMs (CreateHsm is not served): the count is the answer's.
    assert item.facts == (("HSM type", "hsm1.medium"), ("HSMs", "0"), ("state", "ACTIVE"))
    aws_client("cloudhsmv2").delete_cluster(ClusterId=made.import_id)
    assert listed(aws_calls, "aws_cloudhsm_v2_cluster") == []


def test_deleted_and_deleting_clusters_are_not_listed(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "cloudhsmv2", "aws_cloudhsm_v2_cluster")

    def cluster(cluster_id: str, state: str, hsms: int = 0) -> dict[str, Any]:
        return {"ClusterId": cluster_id, "State": state, "HsmType": "hsm2m.medium", "CreateTimestamp": WHEN,
                "Hsms": [{"HsmId": f"hsm-{cluster_id[8:]}{n}", "ClusterId": cluster_id} for n in range(hsms)],
                "TagList": [{"Key": "team", "Value": "security"}]}

    stub.add_response("describe_clusters", {"Clusters": [
        cluster("cluster-deleted1", "DELETED"),
        cluster("cluster-leaving1", "DELETE_IN_PROGRESS", 1),
        cluster("cluster-inuse001", "INITIALIZED", 2),
        cluster("cluster-new00001", "UNINITIALIZED"),
    ]}, {})
    with stub:
        items = listed_from(client, "aws_cloudhsm_v2_cluster")
    stub.assert_no_pending_responses()
    assert [(item.import_id, item.facts) for item in items] == [
        ("cluster-inuse001", (("HSM type", "hsm2m.medium"), ("HSMs", "2"), ("state", "INITIALIZED"))),
        ("cluster-new00001", (("HSM type", "hsm2m.medium"), ("HSMs", "0"), ("state", "UNINITIALIZED"))),
    ]
    assert items[0].tags == {"team": "security"}


# Cognito


def test_user_pools_are_listed_over_more_than_one_page(aws_client: Aws, aws_calls: Any) -> None:
    cognito = aws_client("cognito-idp")
    # ListUserPools answers at most 60 a page.
    made = {cognito.create_user_pool(PoolName=f"pool-{n:02}")["UserPool"]["Id"] for n in range(61)}
    items = listed(aws_calls, "aws_cognito_user_pool")
    assert len(items) == 61
    assert {item.import_id for item in items} == made
    some = items[0]
    pool = cognito.describe_user_pool(UserPoolId=some.import_id)["UserPool"]
    assert (some.name, some.arn) == (pool["Name"], pool["Arn"])
    assert some.facts == ()


# Glue


def test_jobs_say_their_kind_version_and_workers_or_capacity(aws_client: Aws, aws_calls: Any) -> None:
    glue = aws_client("glue")
    glue.create_job(Name="nightly-etl", Role="arn:aws:iam::123456789012:role/glue", GlueVersion="4.0",
                    Command={"Name": "glueetl", "ScriptLocation": "s3://etl/nightly.py"},
                    WorkerType="G.1X", NumberOfWorkers=5)
    glue.create_job(Name="small-script", Role="arn:aws:iam::123456789012:role/glue", GlueVersion="3.0",
                    Command={"Name": "pythonshell", "ScriptLocation": "s3://etl/small.py", "PythonVersion": "3.9"},
                    MaxCapacity=0.0625)
    items = by_id(listed(aws_calls, "aws_glue_job"))
    assert items["nightly-etl"].facts == (("job type", "glueetl"), ("Glue version", "4.0"), ("workers", "5 x G.1X"))
    assert items["small-script"].facts == (("job type", "pythonshell"), ("Glue version", "3.0"),
                                           ("capacity", "0.0625 DPU"))
    assert items["nightly-etl"].arn == f"arn:aws:glue:us-east-1:{ACCOUNT}:job/nightly-etl"


def test_glue_jobs_are_listed_over_more_than_one_page(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "glue", "aws_glue_job")
    job = {"Role": "arn:aws:iam::123456789012:role/glue", "Command": {"Name": "glueetl"}}
    stub.add_response("get_jobs", {"Jobs": [{"Name": "a", **job}], "NextToken": "t"}, {})
    stub.add_response("get_jobs", {"Jobs": [{"Name": "b", **job}]}, {"NextToken": "t"})
    with stub:
        items = listed_from(client, "aws_glue_job")
    stub.assert_no_pending_responses()
    assert [item.import_id for item in items] == ["a", "b"]
