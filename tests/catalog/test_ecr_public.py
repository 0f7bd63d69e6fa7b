import json

import boto3
import pytest
from botocore.stub import Stubber

from bot.catalog import CATALOG, DELETE, DESCRIBE, ExtractError
from bot.catalog.template_input import Clients
from bot.classify import Classifier
from bot.codegen import CodeGenerator
from bot.deletion import AlreadyGone, DeleteRefused, DeleteRequest
from bot.events import CloudTrailRecord
from tests.codegen.helpers import assert_terraform_accepts, parse, write_tree
from tests.conftest import DATA

CORPUS_IDS: dict[str, list[tuple[str, str]]] = {}
CONSOLE = DATA / "cloudtrail" / "ecr-public__CreateRepository__console.json"
ARN = "arn:aws:ecr-public::123456789012:repository/tools"


def _raw():
    return json.loads(CONSOLE.read_text(encoding="utf-8"))


def resolve(raw):
    [found] = CATALOG["aws_ecrpublic_repository"].resolve(CloudTrailRecord(raw, "t"))
    return found


def _stubbed():
    client = boto3.client("ecr-public", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    return client, Stubber(client)


def _clients(client):
    return Clients(lambda service, region: client, "us-east-1")


def test_repository_from_a_console_record():
    result = Classifier().classify(CloudTrailRecord(_raw(), "t"))
    assert result.verdict == "detected", result.reason
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id, resource.arn) == ("aws_ecrpublic_repository", "tools", ARN)
    assert resource.console_url == (
        "https://us-east-1.console.aws.amazon.com/ecr/repositories/public/123456789012/tools?region=us-east-1")
    assert resource.tags == {"team": "platform"}
    assert resource.loses_data is True


def test_arn_built_from_the_record_without_a_response():
    raw = _raw()
    raw["responseElements"] = None
    raw["requestParameters"] = {"RepositoryName": "tools"}
    found = resolve(raw)
    assert (found.import_id, found.arn) == ("tools", ARN)


def test_record_without_a_name_is_an_extract_error():
    raw = _raw()
    raw["requestParameters"] = {}
    raw["responseElements"] = None
    with pytest.raises(ExtractError, match=r"requestParameters\.repositoryName"):
        resolve(raw)


def test_describe_reads_catalog_data_and_tags(tmp_path):
    client, stub = _stubbed()
    stub.add_response("describe_repositories", {"repositories": [{
        "repositoryArn": ARN, "registryId": "123456789012", "repositoryName": "tools",
        "repositoryUri": "public.ecr.aws/a1b2c3d4/tools"}]}, {"repositoryNames": ["tools"]})
    stub.add_response("get_repository_catalog_data", {"catalogData": {
        "description": "Build ${tools}", "architectures": ["x86-64", "ARM 64"], "operatingSystems": ["Linux"],
        "aboutText": "# Tools", "usageText": "docker pull", "logoUrl": "https://example.com/logo.png"}},
        {"repositoryName": "tools"})
    stub.add_response("list_tags_for_resource", {"tags": [{"Key": "team", "Value": "platform"}]},
                      {"resourceArn": ARN})
    record = CloudTrailRecord(_raw(), "t")
    [resource] = Classifier().classify(record).resources
    with stub:
        generation = CodeGenerator(lambda service, region: client).generate(resource, record, name="Tools",
                                                                           describe=True)
    stub.assert_no_pending_responses()
    assert generation.described, generation.notes
    args = parse(generation)["resources"][("aws_ecrpublic_repository", "tools")]
    assert args["repository_name"] == "tools"
    assert args["catalog_data"] == [{"description": "Build ${tools}", "about_text": "# Tools",
                                     "usage_text": "docker pull", "architectures": ["ARM 64", "x86-64"],
                                     "operating_systems": ["Linux"]}]
    assert args["tags"] == {"team": "platform"}
    write_tree(generation.files, tmp_path)
    assert_terraform_accepts(tmp_path)


def test_the_event_alone_gives_the_catalog_data():
    record = CloudTrailRecord(_raw(), "t")
    [resource] = Classifier().classify(record).resources
    args = DESCRIBE["aws_ecrpublic_repository"].from_event(record, resource).args
    assert args["catalog_data"]["operating_systems"] == ["Linux"]


def test_a_repository_with_images_needs_confirmed_emptying():
    client, stub = _stubbed()
    images = {"imageDetails": [{"registryId": "123456789012", "repositoryName": "tools",
                                "imageDigest": "sha256:" + "a" * 64}]}
    stub.add_response("describe_images", images, {"repositoryName": "tools"})
    stub.add_response("describe_images", images, {"repositoryName": "tools"})
    stub.add_response("delete_repository", {"repository": {"repositoryName": "tools"}},
                      {"repositoryName": "tools", "force": True})
    stub.add_client_error("describe_images", "RepositoryNotFoundException", expected_params={"repositoryName": "tools"})
    executor = DELETE["aws_ecrpublic_repository"]
    with stub:
        with pytest.raises(DeleteRefused, match="1 image"):
            executor(_clients(client), DeleteRequest("aws_ecrpublic_repository", "tools", "us-east-1"))
        outcome = executor(_clients(client), DeleteRequest("aws_ecrpublic_repository", "tools", "us-east-1",
                                                           confirm_empty=True))
        assert "1 image" in outcome.message
        with pytest.raises(AlreadyGone):
            executor(_clients(client), DeleteRequest("aws_ecrpublic_repository", "tools", "us-east-1"))
    stub.assert_no_pending_responses()
