"""Import IDs a creation record lacks, found by the catalog's lookup in the resource's own account before the
record is stored (bot/resolution.py), against moto with two accounts: a CreateSecret whose responseElements is
null names the secret, and DescribeSecret there gives its ARN. When the call fails, the record is stored all the
same, saying what is missing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from bot.accounts import AccountAccess
from bot.classify import Classifier
from bot.config import Settings
from bot.consumer import Consumer
from bot.consumer.classifiers import ClassifierSource
from bot.decisions import AdoptChoice
from bot.events import CloudTrailRecord
from bot.managed import ManagedIndex
from bot.notifier import LoggingNotifier
from bot.state import StateRepository
from bot.state.tables import ResourceModel
from tests.consumer_events import eventbridge, send_all
from tests.test_accounts import SETUP_ROLE, A, B
from tests.test_consumer import run_until_drained, settings_for

SECRET = "prod/payments/db-password"


def create_secret_record(account: str, name: str, event: str) -> dict[str, Any]:
    """A console CreateSecret as some trails deliver it: the name in the request, responseElements null."""
    return {
        "eventVersion": "1.08",
        "userIdentity": {"type": "IAMUser", "arn": f"arn:aws:iam::{account}:user/alice", "accountId": account,
                         "userName": "alice"},
        "eventTime": "2026-12-01T10:00:00Z", "eventSource": "secretsmanager.amazonaws.com",
        "eventName": "CreateSecret", "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.7",
        "userAgent": "console.amazonaws.com", "requestParameters": {"name": name, "description": "payments"},
        "responseElements": None, "eventID": event, "readOnly": False, "eventType": "AwsApiCall",
        "recipientAccountId": account,
    }


@pytest.fixture
def setup(aws_env: dict[str, str]) -> AccountAccess:
    return AccountAccess(Settings.from_env({**aws_env, "TFSYNC_ACCOUNT_ID": A,
                                            "TFSYNC_ACCOUNT_ROLES": json.dumps({B: SETUP_ROLE})}), purpose="test")


async def consume(state_env: dict[str, str], queue: tuple[str, str], aws_client: Callable[..., Any],
                  records: list[dict[str, Any]], classifier: Classifier | None = None, **env: str) -> dict[str, Any]:
    queue_url, _ = queue
    settings = settings_for(state_env, queue_url, TFSYNC_ACCOUNT_ID=A, **env)
    sqs = aws_client("sqs")
    send_all(sqs, queue_url, [eventbridge(r) for r in records])
    consumer = Consumer(settings, StateRepository(settings), sqs, aws_client("s3"),
                        ClassifierSource.fixed(settings, classifier or Classifier()), LoggingNotifier())
    await run_until_drained([consumer], sqs, queue_url)
    return {item.name: item for item in ResourceModel.scan()}


async def test_the_arn_a_record_lacks_is_read_in_the_resources_own_account(
    state_env: dict[str, str], queue_with_dlq: tuple[str, str], aws_client: Callable[..., Any],
    setup: AccountAccess,
) -> None:
    # The same name in both accounts: the lookup must read B's secret for B's record, and A's for A's.
    arns = {account: setup.client(account, "secretsmanager").create_secret(Name=SECRET, SecretString="x")["ARN"]
            for account in (A, B)}
    assert arns[A] != arns[B]
    records = [create_secret_record(A, SECRET, "11111111-1111-4111-8111-111111111111"),
               create_secret_record(B, SECRET, "22222222-2222-4222-8222-222222222222")]

    await consume(state_env, queue_with_dlq, aws_client, records, TFSYNC_ACCOUNT_ROLES=json.dumps({B: SETUP_ROLE}))

    stored = {item.account_id: item for item in ResourceModel.scan()}
    assert set(stored) == {A, B}
    for account in (A, B):
        item = stored[account]
        assert (item.import_id, item.arn, item.unresolved) == (arns[account], arns[account], None)
        assert item.name == SECRET and item.tf_type == "aws_secretsmanager_secret"


async def test_a_failed_lookup_stores_the_resource_saying_what_is_missing(
    state_env: dict[str, str], queue_with_dlq: tuple[str, str], aws_client: Callable[..., Any],
) -> None:
    # A's secret does not exist (deleted a moment later, or the record is replayed); B has no role configured.
    records = [create_secret_record(A, "gone-already", "33333333-3333-4333-8333-333333333333"),
               create_secret_record(B, SECRET, "44444444-4444-4444-8444-444444444444")]

    stored = await consume(state_env, queue_with_dlq, aws_client, records)

    gone, unreachable = stored["gone-already"], stored[SECRET]
    assert gone.import_id == "" and gone.account_id == A
    assert "secretsmanager:DescribeSecret failed: AWS answered ResourceNotFoundException" in gone.unresolved
    assert unreachable.import_id == "" and unreachable.account_id == B
    assert "secretsmanager:DescribeSecret failed" in unreachable.unresolved and B in unreachable.unresolved
    assert gone.resource_id != unreachable.resource_id


async def test_a_located_resource_that_terraform_manages_is_not_stored(
    state_env: dict[str, str], queue_with_dlq: tuple[str, str], aws_client: Callable[..., Any],
) -> None:
    # The record alone cannot tell (no ARN): the managed check runs again with the ARN the lookup found.
    arn = aws_client("secretsmanager").create_secret(Name=SECRET, SecretString="x")["ARN"]
    managed = ManagedIndex()
    managed.add_state({"version": 4, "resources": [
        {"mode": "managed", "type": "aws_secretsmanager_secret", "name": "db",
         "instances": [{"attributes": {"id": arn, "arn": arn, "name": SECRET}}]}]}, "s3://states/prod", A)

    stored = await consume(state_env, queue_with_dlq, aws_client,
                           [create_secret_record(A, SECRET, "55555555-5555-4555-8555-555555555555")],
                           Classifier(managed=managed))

    assert stored == {}


async def test_adopt_and_delete_refuse_a_resource_whose_import_id_is_unknown(state_env: dict[str, str]) -> None:
    from bot.errors import UnknownImportId
    from bot.resource import Resource
    from bot.state import Detection
    from bot.state.records import resource_id
    from tests.test_accounts import _decisions

    repo = StateRepository(Settings.from_env(state_env))
    why = "the record lacks the import ID, and secretsmanager:DescribeSecret failed: AWS answered AccessDenied"
    resource = Resource(tf_type="aws_secretsmanager_secret", import_id="", name=SECRET, arn="", region="us-east-1",
                        account_id=A, actor=f"arn:aws:iam::{A}:user/alice", console_url="", suggested_name="db",
                        loses_data=True, resolve="secretsmanager:DescribeSecret", unresolved=why)
    record = await repo.create_detected(Detection(resource, "ev-1", "CreateSecret", "2026-12-01T10:00:00Z"),
                                        owner="test", notify_grace=60)
    assert record is not None and record.import_id == "" and record.unresolved == why
    assert record.resource_id == resource_id(A, "us-east-1", "aws_secretsmanager_secret", f"unresolved:{SECRET}")
    decisions = _decisions(state_env, repo)

    with pytest.raises(UnknownImportId, match="does not know the import ID of prod/payments/db-password") as refused:
        await decisions.delete(record.resource_id, record.version, "slack:U-alice", confirmed=True)
    assert "AccessDenied" in refused.value.message
    with pytest.raises(UnknownImportId):
        await decisions.adopt(record.resource_id, record.version, "slack:U-alice", AdoptChoice("db"))
    await decisions.drain()

    after = await repo.get(record.resource_id)
    assert after is not None and (after.status, after.version) == ("detected", record.version)
    assert await repo.history(record.resource_id) == []


def test_the_classify_cli_reports_the_call_that_finds_a_missing_import_id(tmp_path: Any) -> None:
    from tests.test_cli import run

    path = tmp_path / "secret.json"
    path.write_text(json.dumps(create_secret_record(A, SECRET, "66666666-6666-4666-8666-666666666666")))
    code, [line], _ = run("classify", str(path))
    assert code == 0 and line["verdict"] == "detected"
    [resource] = line["resources"]
    assert (resource["import_id"], resource["resolve"], resource["name"]) == (
        None, "secretsmanager:DescribeSecret", SECRET)


def _located(record: dict[str, Any], aws_client: Callable[..., Any]) -> Any:
    from bot.resolution import locate

    [resource] = Classifier().classify(CloudTrailRecord(record, "t")).resources
    return locate(resource, lambda service, region: aws_client(service, region))


def test_a_queue_url_is_read_with_get_queue_url(aws_client: Callable[..., Any]) -> None:
    url = aws_client("sqs").create_queue(QueueName="orders")["QueueUrl"]
    record = create_secret_record(A, "x", "77777777-7777-4777-8777-777777777777")
    record.update(eventSource="sqs.amazonaws.com", eventName="CreateQueue", requestParameters={"queueName": "orders"})
    located = _located(record, aws_client)
    assert (located.import_id, located.resolve, located.unresolved) == (url, "", "")
    assert located.arn == f"arn:aws:sqs:us-east-1:{A}:orders"


def test_a_rest_api_id_is_read_only_when_one_api_has_the_name(aws_client: Callable[..., Any]) -> None:
    apigateway = aws_client("apigateway")
    api_id = apigateway.create_rest_api(name="orders-api")["id"]
    record = create_secret_record(A, "x", "88888888-8888-4888-8888-888888888888")
    record.update(eventSource="apigateway.amazonaws.com", eventName="CreateRestApi",
                  requestParameters={"createRestApiInput": {"name": "orders-api"}})
    located = _located(record, aws_client)
    assert (located.import_id, located.arn) == (api_id, f"arn:aws:apigateway:us-east-1::/restapis/{api_id}")

    apigateway.create_rest_api(name="orders-api")  # a second API of the same name: the name no longer tells
    located = _located(record, aws_client)
    assert located.import_id == "" and "2 REST APIs are named 'orders-api'" in located.unresolved
