import json

import pytest

from bot.catalog import BY_EVENT, CATALOG, DELETE, ExtractError
from bot.catalog.template_input import Clients
from bot.classify import Classifier
from bot.deletion import DeleteRefused, DeleteRequest
from bot.events import CloudTrailRecord
from bot.managed import ManagedIndex
from tests.codegen.cases.ecs import make_service
from tests.conftest import DATA, corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "ecs__CreateCluster__1.json": [("aws_ecs_cluster", "default")],
}


def resolve(raw):
    [found] = CATALOG["aws_ecs_cluster"].resolve(CloudTrailRecord(raw, "t"))
    return found


def test_cluster_arn_and_console_url():
    found = resolve(corpus_record("ecs__CreateCluster__1.json"))
    assert found.arn == "arn:aws:ecs:us-east-1:123456789012:cluster/default"
    assert found.console_url == (
        "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/default/services?region=us-east-1"
    )
    assert CATALOG["aws_ecs_cluster"].loses_data is False


def test_cluster_tags_and_derived_arn_without_response():
    raw = corpus_record("ecs__CreateCluster__1.json")
    raw["responseElements"] = None
    raw["requestParameters"] = {"clusterName": "batch", "tags": [{"key": "env", "value": "dev"}]}
    found = resolve(raw)
    assert found.import_id == "batch"
    assert found.arn == "arn:aws:ecs:us-east-1:123456789012:cluster/batch"
    assert found.tags == {"env": "dev"}


def test_request_without_cluster_name_makes_the_default_cluster():
    raw = corpus_record("ecs__CreateCluster__1.json")
    raw["responseElements"] = None
    raw["requestParameters"] = {}
    assert resolve(raw).import_id == "default"


def test_record_without_request_or_response_is_an_extract_error():
    raw = corpus_record("ecs__CreateCluster__1.json")
    raw["responseElements"] = None
    raw["requestParameters"] = None
    with pytest.raises(ExtractError, match=r"requestParameters\.clusterName"):
        resolve(raw)


def test_state_id_is_the_arn_but_import_takes_the_name():
    arn = "arn:aws:ecs:us-east-1:123456789012:cluster/default"
    entry = CATALOG["aws_ecs_cluster"]
    assert entry.state_import_id({"id": arn, "arn": arn, "name": "default"}) == "default"
    assert entry.state_import_id({"id": arn}) == "default"


def test_ecs_and_eks_create_cluster_are_different_entries():
    assert BY_EVENT[("ecs.amazonaws.com", "CreateCluster")].tf_type == "aws_ecs_cluster"
    assert BY_EVENT[("eks.amazonaws.com", "CreateCluster")].tf_type == "aws_eks_cluster"


# Task definitions and services

TASK_DEFINITION = "ecs__RegisterTaskDefinition__console.json"
SERVICE = "ecs__CreateService__console.json"
TASK_ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/web-app:7"


def fixture(name: str) -> dict:
    return json.loads((DATA / "cloudtrail" / name).read_text(encoding="utf-8"))


def detected(raw: dict, managed: ManagedIndex | None = None):
    return Classifier(managed=managed).classify(CloudTrailRecord(raw, "t"))


def test_task_definition_and_service_entries():
    assert BY_EVENT[("ecs.amazonaws.com", "RegisterTaskDefinition")] is CATALOG["aws_ecs_task_definition"]
    assert BY_EVENT[("ecs.amazonaws.com", "CreateService")] is CATALOG["aws_ecs_service"]
    assert CATALOG["aws_ecs_service"].delete_events == ("DeleteService",)


def test_task_definition_is_the_revision_arn():
    result = detected(fixture(TASK_DEFINITION))
    assert result.verdict == "detected", result
    [task] = result.resources
    assert (task.tf_type, task.import_id, task.arn) == ("aws_ecs_task_definition", TASK_ARN, TASK_ARN)
    assert task.name == "web-app:7"
    assert task.tags == {"team": "web"}
    assert task.console_url == (
        "https://us-east-1.console.aws.amazon.com/ecs/v2/task-definitions/web-app/7/containers?region=us-east-1"
    )


def test_task_definition_in_pascal_case_and_tags_from_the_response():
    raw = fixture(TASK_DEFINITION)
    raw["requestParameters"] = {"Family": "web-app"}
    raw["responseElements"] = {"TaskDefinition": {"TaskDefinitionArn": TASK_ARN}, "Tags": [
        {"Key": "Name", "Value": "Web app"}]}
    [found] = CATALOG["aws_ecs_task_definition"].resolve(CloudTrailRecord(raw, "t"))
    assert (found.import_id, found.name) == (TASK_ARN, "Web app")


def test_task_definition_without_the_response_is_incomplete():
    # The revision is AWS's to number: the request alone cannot name it.
    raw = fixture(TASK_DEFINITION)
    raw["responseElements"] = None
    with pytest.raises(ExtractError, match=r"responseElements\.taskDefinition\.taskDefinitionArn"):
        CATALOG["aws_ecs_task_definition"].resolve(CloudTrailRecord(raw, "t"))


def test_task_definition_state_id_is_the_arn_not_the_family():
    entry = CATALOG["aws_ecs_task_definition"]
    assert entry.state_import_id({"id": "web-app", "arn": TASK_ARN, "family": "web-app"}) == TASK_ARN
    managed = ManagedIndex()
    managed.add_state({"version": 4, "resources": [{"mode": "managed", "type": "aws_ecs_task_definition",
                                                     "name": "web", "instances": [{"attributes": {
                                                         "id": "web-app", "arn": TASK_ARN}}]}]},
                      "s3://states/ecs.tfstate")
    assert (detected(fixture(TASK_DEFINITION), managed).reason_code) == "managed"
    # Another revision of the same family is another resource.
    raw = fixture(TASK_DEFINITION)
    raw["responseElements"]["taskDefinition"]["taskDefinitionArn"] = TASK_ARN.replace(":7", ":8")
    assert detected(raw, managed).verdict == "detected"


def test_service_is_cluster_name_slash_service_name():
    result = detected(fixture(SERVICE))
    assert result.verdict == "detected", result
    [service] = result.resources
    assert (service.tf_type, service.import_id) == ("aws_ecs_service", "prod/web")
    assert service.arn == "arn:aws:ecs:us-east-1:123456789012:service/prod/web"
    assert service.name == "web frontend"
    assert service.console_url == (
        "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/health?region=us-east-1"
    )


@pytest.mark.parametrize(("cluster", "expected"), [
    ("arn:aws:ecs:us-east-1:123456789012:cluster/staging", "staging/web"),
    ("staging", "staging/web"),
    (None, "default/web"),
])
def test_service_cluster_from_the_request_when_the_response_is_missing(cluster, expected):
    raw = fixture(SERVICE)
    raw["responseElements"] = None
    if cluster is None:
        del raw["requestParameters"]["cluster"]
    else:
        raw["requestParameters"]["cluster"] = cluster
    [found] = CATALOG["aws_ecs_service"].resolve(CloudTrailRecord(raw, "t"))
    assert found.import_id == expected
    assert found.arn == f"arn:aws:ecs:us-east-1:123456789012:service/{expected}"


def test_service_without_name_is_incomplete():
    raw = fixture(SERVICE)
    raw["responseElements"] = None
    del raw["requestParameters"]["serviceName"]
    with pytest.raises(ExtractError, match=r"requestParameters\.serviceName"):
        CATALOG["aws_ecs_service"].resolve(CloudTrailRecord(raw, "t"))
    raw["requestParameters"] = None
    with pytest.raises(ExtractError):
        CATALOG["aws_ecs_service"].resolve(CloudTrailRecord(raw, "t"))


def test_service_state_id_from_cluster_arn_and_name():
    entry = CATALOG["aws_ecs_service"]
    attributes = {"id": "arn:aws:ecs:us-east-1:123456789012:service/prod/web", "name": "web",
                  "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/prod"}
    assert entry.state_import_id(attributes) == "prod/web"
    assert entry.state_import_id({"id": "arn:aws:ecs:us-east-1:123456789012:service/prod/web"}) == "prod/web"
    managed = ManagedIndex()
    managed.add_state({"version": 4, "resources": [{"mode": "managed", "type": "aws_ecs_service", "name": "web",
                                                     "instances": [{"attributes": attributes}]}]},
                      "s3://states/ecs.tfstate")
    assert detected(fixture(SERVICE), managed).reason_code == "managed"


def test_a_service_running_tasks_is_refused(aws_client, aws_calls):
    made = make_service(aws_client)
    ecs = aws_client("ecs")
    ecs.update_service(cluster="prod", service="api", desiredCount=2)
    clients = Clients(aws_calls.factory("aws_ecs_service", "delete"), "us-east-1")
    with pytest.raises(DeleteRefused, match="scale it to 0 first"):
        DELETE["aws_ecs_service"](clients, DeleteRequest("aws_ecs_service", made.import_id, "us-east-1"))
    assert ecs.describe_services(cluster="prod", services=["api"])["services"][0]["status"] == "ACTIVE"
