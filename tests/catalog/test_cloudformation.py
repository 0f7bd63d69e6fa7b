import json

import pytest

from bot.catalog import CATALOG, DELETE, DESCRIBE, ExtractError
from bot.catalog.template_input import Clients
from bot.classify import Classifier
from bot.deletion import DeleteRefused, DeleteRequest
from bot.events import CloudTrailRecord
from bot.resource import Resource
from tests.conftest import corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "cloudformation__CreateStack__1.json": [("aws_cloudformation_stack", "my-test-stack")],
}


def resolve(raw):
    [found] = CATALOG["aws_cloudformation_stack"].resolve(CloudTrailRecord(raw, "t"))
    return found


def test_stack_from_the_documented_record():
    result = Classifier().classify(CloudTrailRecord(corpus_record("cloudformation__CreateStack__1.json"), "t"))
    assert result.verdict == "detected", result.reason
    [resource] = result.resources
    arn = "arn:aws:cloudformation:us-east-1:012345678910:stack/my-test-stack/a38e6a60-b397-11e3-b0fc-08002755629e"
    assert (resource.import_id, resource.name, resource.arn) == ("my-test-stack", "my-test-stack", arn)
    assert resource.console_url.startswith(
        "https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/stackinfo?stackId=")
    assert resource.tags == {"test": "tag"}
    assert resource.loses_data is True


def test_a_stack_set_instance_made_by_cloudformation_is_set_aside():
    result = Classifier().classify(CloudTrailRecord(corpus_record("cloudformation__CreateStack__2.json"), "t"))
    assert (result.verdict, result.reason_code) == ("ignored", "cloudformation")


def test_name_from_the_stack_id_when_the_request_was_dropped_and_no_arn_without_a_response():
    raw = corpus_record("cloudformation__CreateStack__1.json")
    raw["requestParameters"] = None
    assert resolve(raw).import_id == "my-test-stack"
    raw = corpus_record("cloudformation__CreateStack__1.json")
    raw["responseElements"] = None
    found = resolve(raw)
    assert (found.import_id, found.arn) == ("my-test-stack", "")
    raw["requestParameters"] = {"StackName": "Other"}
    assert resolve(raw).import_id == "Other"


def test_record_without_a_name_is_an_extract_error():
    raw = corpus_record("cloudformation__CreateStack__1.json")
    raw["requestParameters"] = {"templateURL": "x"}
    raw["responseElements"] = None
    with pytest.raises(ExtractError, match=r"requestParameters\.stackName"):
        resolve(raw)


def test_state_maps_the_stack_id_to_the_name():
    state = {"id": "arn:aws:cloudformation:us-east-1:1:stack/s/u", "name": "s"}
    assert CATALOG["aws_cloudformation_stack"].state_import_id(state) == "s"


def test_a_stack_is_never_deleted_from_slack(aws_client):
    clients = Clients(lambda service, region: aws_client(service, region), "us-east-1")
    with pytest.raises(DeleteRefused, match="every resource the stack made"):
        DELETE["aws_cloudformation_stack"](clients, DeleteRequest("aws_cloudformation_stack", "s", "us-east-1"))


def test_a_hidden_parameter_keeps_its_placeholder_and_says_so(aws_client):
    template = {"Parameters": {"Secret": {"Type": "String", "NoEcho": True}},
                "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}
    aws_client("cloudformation").create_stack(StackName="with-secret", TemplateBody=json.dumps(template),
                                              Parameters=[{"ParameterKey": "Secret", "ParameterValue": "hunter2"}])
    clients = Clients(lambda service, region: aws_client(service, region), "us-east-1")
    resource = Resource(tf_type="aws_cloudformation_stack", import_id="with-secret", name="with-secret", arn="",
                        region="us-east-1", account_id="123456789012", actor="alice", console_url="",
                        suggested_name="with_secret", loses_data=True)
    model = DESCRIBE["aws_cloudformation_stack"].describe(clients, resource)
    assert "hunter2" not in json.dumps(model.args, default=str)
    assert model.args["hidden_parameters"] == ["Secret"]
    assert any("NoEcho" in note for note in model.notes)
