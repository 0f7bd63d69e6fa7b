"""Code generation end to end: golden files, describe fallbacks, module targets, labels, the CLI, the corpus."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from bot.classify import Classifier, Resource
from bot.cli import main
from bot.codegen import (
    CodeGenerator,
    CodegenError,
    GeneratedFile,
    ResourceGone,
    Target,
    check_with_terraform,
    parse_module_path,
    resolve_target,
)
from bot.events import CloudTrailRecord
from tests.codegen.helpers import assert_terraform_accepts, cloudtrail, detect, parse, write_tree
from tests.conftest import CORPUS, DATA, corpus_record, corpus_records

GOLDEN = DATA / "golden"

# Corpus record -> (name the person chose, target module): a representative type per service, from real records.
GOLDEN_CASES = {
    "s3__CreateBucket__1.json": (None, ""),
    "ec2__RunInstances__2.json": ("web server", ""),
    "ec2__CreateSecurityGroup__1.json": (None, ""),
    "ec2__CreateVpc__2.json": ("main", "module.network"),
    "iam__CreateRole__3.json": (None, ""),
    "lambda__CreateFunction20150331__1.json": (None, ""),
    "dynamodb__CreateTable__1.json": (None, ""),
    "sqs__CreateQueue__1.json": (None, ""),
    "sns__CreateTopic__1.json": (None, ""),
    "rds__CreateDBInstance__1.json": (None, "network/data"),
}


def _golden_text(name: str) -> str:
    record = CloudTrailRecord(corpus_record(name), name)
    [resource, *_] = Classifier().classify(record).resources
    chosen, module = GOLDEN_CASES[name]
    generation = CodeGenerator().generate(resource, record, name=chosen, modules=parse_module_path(module))
    return "".join(f"==> {f.path} <==\n{f.content}" for f in generation.files)


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden_files(name: str):
    expected = (GOLDEN / name.replace(".json", ".tf.txt")).read_text(encoding="utf-8")
    assert _golden_text(name) == expected


def test_golden_files_are_valid_terraform(tmp_path: Path):
    for name in GOLDEN_CASES:
        text = (GOLDEN / name.replace(".json", ".tf.txt")).read_text(encoding="utf-8")
        for chunk in text.split("==> ")[1:]:
            header, content = chunk.split(" <==\n", 1)
            target = tmp_path / name / header
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
    assert_terraform_accepts(tmp_path)


def test_every_corpus_creation_renders_from_the_event_alone(tmp_path: Path):
    generator = CodeGenerator()
    types = set()
    for row in corpus_records():
        record = CloudTrailRecord(json.loads((CORPUS / row["file"]).read_text(encoding="utf-8")), row["file"])
        result = Classifier().classify(record)
        if result.verdict != "detected":
            continue
        for index, resource in enumerate(result.resources):
            generation = generator.generate(resource, record)
            assert generation.notes[-1].startswith("Written from the CloudTrail event alone")
            code = parse(generation)
            assert code["imports"][generation.address] == resource.import_id
            write_tree(generation.files, tmp_path / f"{row['file']}-{index}")
            types.add(resource.tf_type)
    assert len(types) >= 25
    assert_terraform_accepts(tmp_path)


def _bucket_event() -> tuple[CloudTrailRecord, Any]:
    record, [resource] = detect(
        cloudtrail("s3.amazonaws.com", "CreateBucket", {"bucketName": "gone-bucket", "Host": "s3.amazonaws.com"}, None)
    )
    return record, resource


def test_access_denied_falls_back_to_the_event_and_says_so():
    record, resource = _bucket_event()
    client = boto3.client("s3", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_client_error("head_bucket", service_error_code="AccessDenied", http_status_code=403)
    stubber.activate()

    generation = CodeGenerator(lambda service, region: client).generate(resource, record, describe=True)

    assert not generation.described
    content = generation.files[0].content
    assert "# Written from the CloudTrail event, not from AWS: reading the resource failed, HeadBucket" in content
    assert "AccessDenied" in content
    assert parse(generation)["resources"][("aws_s3_bucket", "gone_bucket")]["bucket"] == "gone-bucket"


def test_a_resource_already_gone_falls_back_to_the_event(aws_client: Callable[..., Any], tmp_path: Path):
    record, resource = _bucket_event()
    generation = CodeGenerator(lambda s, r: aws_client(s, r)).generate(resource, record, describe=True)
    assert not generation.described
    assert "reading the resource failed, HeadBucket failed with 404" in generation.files[0].content
    write_tree(generation.files, tmp_path)
    assert_terraform_accepts(tmp_path)


def test_an_adoption_refuses_a_resource_already_gone_instead_of_writing_it_from_the_event(
    aws_client: Callable[..., Any],
):
    generator = CodeGenerator(lambda s, r: aws_client(s, r))
    record, bucket = _bucket_event()
    # HeadBucket answers a bare 404.
    with pytest.raises(ResourceGone, match=r"no longer exists in AWS \(HeadBucket failed with 404: Not Found\)"):
        generator.generate(bucket, record, describe=True, must_exist=True)

    ec2 = aws_client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    event, [vpc] = detect(
        cloudtrail("ec2.amazonaws.com", "CreateVpc", {"cidrBlock": "10.7.0.0/16"}, {"vpc": {"vpcId": vpc_id}})
    )
    assert generator.generate(vpc, event, describe=True, must_exist=True).described
    ec2.delete_vpc(VpcId=vpc_id)
    with pytest.raises(ResourceGone, match="no longer exists in AWS") as gone:
        generator.generate(vpc, event, describe=True, must_exist=True)
    assert vpc_id in str(gone.value) or "NotFound" in str(gone.value)
    # Without must_exist (the CLI, previews) the event still stands in.
    assert not generator.generate(vpc, event, describe=True).described


def test_taken_addresses_count_in_their_own_module_only():
    record, [vpc] = detect(
        cloudtrail("ec2.amazonaws.com", "CreateVpc", {"cidrBlock": "10.8.0.0/16"}, {"vpc": {"vpcId": "vpc-0a1b2c3d"}})
    )
    generator = CodeGenerator()
    network = Target(modules=("network",))

    def label(modules: tuple[str, ...], taken: set[str]) -> str:
        return generator.generate(vpc, record, name="main", modules=modules, taken=taken).label

    assert label(("network",), {network.address("aws_vpc", "main")}) == "main_2"
    assert label(("network",), {"aws_vpc.main"}) == "main_2"  # relative to the target module
    assert label(("network",), {"module.other.aws_vpc.main", "module.network.module.x.aws_vpc.main"}) == "main"
    assert label((), {network.address("aws_vpc", "main")}) == "main"
    assert label((), {"aws_vpc.main", "aws_vpc.main_2"}) == "main_3"
    assert network.local("module.network.aws_vpc.main") == "aws_vpc.main"
    assert network.local("module.other.aws_vpc.main") is None and Target().local("module.a.aws_vpc.x") is None
    assert network.local("module.network.module.x.aws_vpc.main") is None


def test_module_target_follows_the_module_call_and_avoids_taken_names(aws_client: Callable[..., Any], tmp_path: Path):
    (tmp_path / "main.tf").write_text('module "network" {\n  source = "./stacks/net"\n}\n', encoding="utf-8")
    (tmp_path / "stacks" / "net").mkdir(parents=True)
    (tmp_path / "stacks" / "net" / "vpc.tf").write_text(
        'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n', encoding="utf-8"
    )
    ec2 = aws_client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    record, [resource] = detect(
        cloudtrail("ec2.amazonaws.com", "CreateVpc", {"cidrBlock": "10.9.0.0/16"}, {"vpc": {"vpcId": vpc_id}})
    )

    generation = CodeGenerator(lambda s, r: aws_client(s, r)).generate(
        resource, record, name="Main", modules=("network",), root=tmp_path, describe=True
    )

    assert generation.address == "module.network.aws_vpc.main_2"
    paths = [f.path for f in generation.files]
    assert paths == ["stacks/net/aws_vpc.main_2.tf", "import.network.aws_vpc.main_2.tf"]
    assert "import {" not in generation.files[0].content and "resource" not in generation.files[1].content
    write_tree(generation.files, tmp_path)
    assert_terraform_accepts(tmp_path)


def test_module_paths():
    assert parse_module_path("module.a.module.b") == ("a", "b")
    assert parse_module_path("a/b") == ("a", "b")
    assert parse_module_path("") == ()
    with pytest.raises(CodegenError):
        parse_module_path("module.a.b")
    with pytest.raises(CodegenError):
        parse_module_path('a"}')
    assert resolve_target(("a", "b"), None).folder == "modules/a/modules/b"


def test_registry_module_cannot_take_code(tmp_path: Path):
    (tmp_path / "main.tf").write_text(
        'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n', encoding="utf-8"
    )
    with pytest.raises(CodegenError, match="cannot be edited"):
        resolve_target(("vpc",), tmp_path)


def _write_event(tmp_path: Path, record: dict[str, Any]) -> Path:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"detail-type": "AWS API Call via CloudTrail", "detail": record}), encoding="utf-8")
    return path


def test_cli_describe_writes_the_repository_layout(aws_client: Callable[..., Any], aws_env: dict[str, str],
                                                   tmp_path: Path):
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="cli-bucket")
    s3.put_bucket_tagging(Bucket="cli-bucket", Tagging={"TagSet": [{"Key": "Name", "Value": "CLI ${x}"}]})
    event = _write_event(tmp_path, cloudtrail("s3.amazonaws.com", "CreateBucket", {"bucketName": "cli-bucket"}, None))
    repo = tmp_path / "repo"
    repo.mkdir()
    out = io.StringIO()

    code = main(["codegen", str(event), "--describe", "--name", "Logs!", "--out", str(repo)], env=aws_env, out=out)

    assert code == 0
    written = repo / "aws_s3_bucket.logs.tf"
    assert out.getvalue().strip() == str(written.resolve())
    text = written.read_text(encoding="utf-8")
    assert 'Name = "CLI $${x}"' in text and "Written from the CloudTrail event" not in text
    assert_terraform_accepts(repo)
    # A second run must not overwrite the adopted code: it picks the next free name.
    assert main(["codegen", str(event), "--name", "Logs!", "--out", str(repo)], env=aws_env, out=io.StringIO()) == 0
    assert (repo / "aws_s3_bucket.logs_2.tf").exists()


def test_cli_prints_files_from_the_event_alone(tmp_path: Path):
    out = io.StringIO()
    code = main(["codegen", str(CORPUS / "ec2__RunInstances__2.json"), "--module", "module.app"], env={}, out=out)
    assert code == 0
    text = out.getvalue()
    assert "==> modules/app/aws_instance." in text and "==> import.app.aws_instance." in text
    assert "to = module.app.aws_instance." in text


def test_cli_reports_inputs_without_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = io.StringIO()
    assert main(["codegen", str(CORPUS / "s3__CreateBucket__5.json")], env={}, out=out) == 1
    assert out.getvalue() == ""
    assert "ignored" in capsys.readouterr().err


def test_values_terraform_would_normalise_get_a_note():
    record, [resource] = detect(
        cloudtrail("s3.amazonaws.com", "CreateBucket", {"bucketName": "cafe"}, None)
    )
    tagged = Resource(**{**resource.as_dict(), "tags": {"Name": "Cafe\u0301"}})
    generation = CodeGenerator().generate(tagged, record)
    assert "normalises strings to NFC" in generation.files[0].content
    assert "normalises strings to NFC" not in CodeGenerator().generate(resource, record).files[0].content


def test_a_label_whose_companions_exist_is_taken(tmp_path: Path):
    (tmp_path / "rules.tf").write_text(
        'resource "aws_vpc_security_group_ingress_rule" "db_ingress_1" {\n  security_group_id = "sg-1"\n}\n',
        encoding="utf-8",
    )
    record, [resource] = detect(
        cloudtrail("ec2.amazonaws.com", "CreateSecurityGroup", {"groupName": "db", "groupDescription": "d"},
                   {"groupId": "sg-0123456789abcdef0"})
    )
    generation = CodeGenerator().generate(resource, record, name="db", root=tmp_path)
    assert generation.address == "aws_security_group.db_2"


def test_cli_describes_every_instance_a_launch_made(aws_client: Callable[..., Any], aws_env: dict[str, str],
                                                    tmp_path: Path):
    ec2 = aws_client("ec2")
    ami = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    launched = ec2.run_instances(ImageId=ami, MinCount=2, MaxCount=2, InstanceType="t3.nano")["Instances"]
    ids = [i["InstanceId"] for i in launched]
    event = _write_event(tmp_path, cloudtrail(
        "ec2.amazonaws.com", "RunInstances", {"instanceType": "t3.nano", "imageId": ami},
        {"instancesSet": {"items": [{"instanceId": i} for i in ids]}},
    ))
    out = io.StringIO()
    assert main(["codegen", str(event), "--describe", "--name", "worker"], env=aws_env, out=out) == 0
    text = out.getvalue()
    for label, instance_id in zip(("worker", "worker_2"), ids, strict=True):
        assert f"==> aws_instance.{label}.tf <==" in text
        assert f'to = aws_instance.{label}\n  id = "{instance_id}"' in text
    assert text.count('instance_type = "t3.nano"') == 2


def test_terraform_rejects_what_it_cannot_load_or_would_reformat():
    check_with_terraform([GeneratedFile("ok.tf", 'locals {\n  a = "b"\n}\n')])
    with pytest.raises(CodegenError, match="cannot load"):
        check_with_terraform([GeneratedFile("m/bad.tf", 'resource "aws_vpc" {\n')])
    with pytest.raises(CodegenError, match="fmt would change"):
        check_with_terraform([GeneratedFile("ugly.tf", 'locals {\n  a = "b"\n  long = 1\n}\n')])


def test_secure_string_values_never_reach_the_code(aws_client: Callable[..., Any], tmp_path: Path):
    aws_client("ssm").put_parameter(Name="/app/db/password", Value="hunter2-${x}", Type="SecureString")
    record, [resource] = detect(
        cloudtrail("ssm.amazonaws.com", "PutParameter",
                   {"name": "/app/db/password", "type": "SecureString", "value": "HIDDEN_DUE_TO_SECURITY_REASONS"},
                   {"version": 1, "tier": "Standard"})
    )
    generator = CodeGenerator(lambda s, r: aws_client(s, r))
    for generation in (generator.generate(resource, record, describe=True), generator.generate(resource, record)):
        text = "".join(f.content for f in generation.files)
        assert "hunter2" not in text and "HIDDEN" not in text
        args = parse(generation)["resources"][("aws_ssm_parameter", "app_db_password")]
        assert args["type"] == "SecureString"
        assert args["lifecycle"][0]["ignore_changes"] == ["value"]
        write_tree(generation.files, tmp_path / str(generation.described))
    assert_terraform_accepts(tmp_path)
