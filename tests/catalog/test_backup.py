import json

import pytest

from bot.catalog import CATALOG, DELETE, DESCRIBE, ExtractError
from bot.catalog._delete import DeleteRefused, DeleteRequest
from bot.catalog.template_input import Clients
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from bot.resource import Resource
from tests.conftest import DATA

ARN = "arn:aws:backup:ap-southeast-2:123456789012:backup-vault:Prod-DB-Vault"


def derived() -> dict:
    return json.loads((DATA / "cloudtrail" / "backup__CreateBackupVault__console.json").read_text(encoding="utf-8"))


def resolve(raw: dict):
    return CATALOG["aws_backup_vault"].resolve(CloudTrailRecord(raw, "t"))


def test_a_console_vault_is_detected_by_its_name_as_typed():
    result = Classifier().classify(CloudTrailRecord(derived(), "t"))
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id, resource.arn) == ("aws_backup_vault", "Prod-DB-Vault", ARN)
    assert resource.tags == {"team": "dba"}
    assert resource.console_url == (
        "https://ap-southeast-2.console.aws.amazon.com/backup/home?region=ap-southeast-2"
        "#/backupvaults/details/Prod-DB-Vault"
    )


def test_without_a_response_the_arn_is_built():
    raw = derived()
    raw["responseElements"] = None
    [found] = resolve(raw)
    assert (found.import_id, found.arn) == ("Prod-DB-Vault", ARN)


def test_pascal_case_fields_are_read():
    raw = derived()
    raw["requestParameters"] = {"BackupVaultName": "Logs", "BackupVaultTags": {"team": "ops"}}
    raw["responseElements"] = {"BackupVaultName": "Logs", "BackupVaultArn": ARN.replace("Prod-DB-Vault", "Logs")}
    [found] = resolve(raw)
    assert (found.import_id, found.tags) == ("Logs", {"team": "ops"})
    assert found.arn.endswith(":backup-vault:Logs")


def test_a_missing_name_names_the_field():
    raw = derived()
    raw["responseElements"] = None
    del raw["requestParameters"]["backupVaultName"]
    with pytest.raises(ExtractError, match=r"requestParameters\.backupVaultName"):
        resolve(raw)


def _clients(aws_client) -> Clients:
    return Clients(lambda service, region: aws_client(service, region), "us-east-1")


def test_the_reader_writes_the_key_and_tags(aws_client):
    key = aws_client("kms").create_key()["KeyMetadata"]["Arn"]
    arn = aws_client("backup").create_backup_vault(BackupVaultName="Tagged", EncryptionKeyArn=key,
                                                   BackupVaultTags={"team": "ops", "aws:backup:x": "y"})[
        "BackupVaultArn"]
    resource = Resource(tf_type="aws_backup_vault", import_id="Tagged", name="Tagged", arn=arn, region="us-east-1",
                        account_id="123456789012", actor="alice", console_url="", suggested_name="tagged",
                        loses_data=False)
    model = DESCRIBE["aws_backup_vault"].describe(_clients(aws_client), resource)
    assert model.args == {"name": "Tagged", "kms_key_arn": key, "tags": {"team": "ops"}}


def test_a_vault_holding_recovery_points_is_refused():
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("backup", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    stubber = Stubber(client)
    vault = {"BackupVaultName": "Prod-DB-Vault", "BackupVaultArn": ARN, "NumberOfRecoveryPoints": 3}
    stubber.add_response("describe_backup_vault", vault, {"BackupVaultName": "Prod-DB-Vault"})
    stubber.add_response("describe_backup_vault", {**vault, "NumberOfRecoveryPoints": 0, "Locked": True},
                         {"BackupVaultName": "Prod-DB-Vault"})
    stubber.activate()
    clients = Clients(lambda service, region: client, "us-east-1")
    request = DeleteRequest("aws_backup_vault", "Prod-DB-Vault", "us-east-1")
    with pytest.raises(DeleteRefused, match="3 recovery point"):
        DELETE["aws_backup_vault"](clients, request)
    with pytest.raises(DeleteRefused, match="vault lock"):
        DELETE["aws_backup_vault"](clients, request)
    stubber.assert_no_pending_responses()
