import dataclasses
import json
from pathlib import Path

import pytest

from bot.catalog import CATALOG, DELETE, DESCRIBE, ExtractError
from bot.catalog.mq.describe import PASSWORD_PLACEHOLDER, USER_PLACEHOLDER
from bot.catalog.template_input import Clients, NotFound
from bot.classify import Classifier
from bot.codegen import CodeGenerator
from bot.events import CloudTrailRecord
from bot.resource import Resource
from tests.codegen.helpers import assert_terraform_accepts, write_tree
from tests.conftest import DATA

# No record of the corpus is an Amazon MQ call.
CORPUS_IDS: dict[str, list[tuple[str, str]]] = {}

CONSOLE_ID = "b-5f3e1a2b-7c4d-4e6f-9a8b-1c2d3e4f5a6b"
CONSOLE_ARN = f"arn:aws:mq:eu-west-1:111122223333:broker:orders-events:{CONSOLE_ID}"
DOCS_ID = "b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9"


def derived(name: str) -> dict:
    return json.loads((DATA / "cloudtrail" / name).read_text(encoding="utf-8"))


def public(name: str) -> dict:
    return json.loads((DATA / "cloudtrail" / "public" / name).read_text(encoding="utf-8"))


def resolve(raw: dict):
    return CATALOG["aws_mq_broker"].resolve(CloudTrailRecord(raw, "t"))


def detected(raw: dict):
    result = Classifier().classify(CloudTrailRecord(raw, "t"))
    assert result.verdict == "detected", result
    [resource] = result.resources
    return resource


def generate(raw: dict, tmp_path: Path) -> str:
    record = CloudTrailRecord(raw, "t")
    [resource] = Classifier().classify(record).resources
    generation = CodeGenerator(lambda service, region: None).generate(resource, record, name="Adopted")
    write_tree(generation.files, tmp_path)
    assert_terraform_accepts(tmp_path)
    return "".join(f.content for f in generation.files)


def test_the_documentation_record_gives_the_broker_id():
    raw = public("amazonmq__CreateBroker__1.json")
    [found] = resolve(raw)
    assert (found.import_id, found.name) == (DOCS_ID, "MyBroker")
    assert found.arn == f"arn:aws:mq:us-east-2:123456789012:broker:MyBroker:{DOCS_ID}"
    assert found.console_url == (
        f"https://us-west-2.console.aws.amazon.com/amazon-mq/home?region=us-west-2#/brokers/details?id={DOCS_ID}"
    )
    # The page's ARN names another account than the record's: the classifier does not adopt it as the record's.
    result = Classifier().classify(CloudTrailRecord(raw, "t"))
    assert (result.verdict, result.reason_code) == ("error", "account-mismatch")
    entry = CATALOG["aws_mq_broker"]
    assert entry.event_source == "amazonmq.amazonaws.com"
    assert (entry.create_events, entry.delete_events, entry.loses_data) == (("CreateBroker",), ("DeleteBroker",), True)


def test_a_console_broker_is_detected_with_its_tags():
    resource = detected(derived("mq__CreateBroker__console.json"))
    assert (resource.import_id, resource.arn, resource.name) == (CONSOLE_ID, CONSOLE_ARN, "orders-events")
    assert resource.tags == {"team": "orders", "Name": "Orders events"}


def test_without_a_response_the_id_is_left_to_the_lookup():
    raw = derived("mq__CreateBroker__nullresponse.json")
    [found] = resolve(raw)
    assert (found.import_id, found.arn, found.name) == ("", "", "billing-queue")
    assert found.tags == {"team": "billing"}
    assert found.console_url == "https://eu-west-1.console.aws.amazon.com/amazon-mq/home?region=eu-west-1#/brokers"
    assert CATALOG["aws_mq_broker"].lookup.call == "mq:ListBrokers"
    assert detected(raw).resolve == "mq:ListBrokers"


def test_pascal_case_and_wrapped_shapes_are_read():
    raw = derived("mq__CreateBroker__console.json")
    raw["requestParameters"] = {"BrokerName": "orders-events", "Tags": {"team": "orders"}}
    raw["responseElements"] = {"BrokerId": CONSOLE_ID, "BrokerArn": CONSOLE_ARN}
    [found] = resolve(raw)
    assert (found.import_id, found.arn, found.name, found.tags) == (
        CONSOLE_ID, CONSOLE_ARN, "orders-events", {"team": "orders"})
    raw["requestParameters"] = {"CreateBrokerRequest": {"brokerName": "orders-events",
                                                        "tags": [{"key": "team", "value": "orders"}]}}
    raw["responseElements"] = {"CreateBrokerResponse": {"brokerId": CONSOLE_ID}}
    [found] = resolve(raw)
    # Without the ARN in the response it is built from the record's region and account, as Amazon MQ writes it.
    assert (found.import_id, found.arn, found.tags) == (CONSOLE_ID, CONSOLE_ARN, {"team": "orders"})


def test_a_response_with_only_the_arn_gives_the_id():
    raw = derived("mq__CreateBroker__console.json")
    raw["requestParameters"] = {}
    raw["responseElements"] = {"brokerArn": CONSOLE_ARN}
    [found] = resolve(raw)
    # The name is the ID where the request is empty: the ARN's name part is not parsed, names may hold colons.
    assert (found.import_id, found.arn, found.name) == (CONSOLE_ID, CONSOLE_ARN, CONSOLE_ID)


def test_a_record_without_id_or_name_names_the_fields():
    raw = derived("mq__CreateBroker__nullresponse.json")
    del raw["requestParameters"]["brokerName"]
    with pytest.raises(ExtractError, match=r"brokerId or requestParameters\.brokerName"):
        resolve(raw)
    raw["requestParameters"] = None
    with pytest.raises(ExtractError):
        resolve(raw)


def test_a_hostile_name_stays_a_string(tmp_path):
    raw = derived("mq__CreateBroker__console.json")
    raw["requestParameters"]["brokerName"] = 'q"${file("/etc/passwd")}%{x}\n'
    raw["requestParameters"]["users"][0]["username"] = "admin\"} ${x}"
    resource = detected(raw)
    assert resource.name == 'q"${file("/etc/passwd")}%{x}\n'
    assert resource.console_url.endswith(f"#/brokers/details?id={CONSOLE_ID}")
    code = generate(raw, tmp_path)
    assert "$${file" in code and "%%{x}" in code and "$${x}" in code


def test_the_event_alone_writes_users_with_placeholder_passwords(tmp_path):
    raw = public("amazonmq__CreateBroker__1.json")
    # The page's broker ARN with the record's own account and region, so the record is adopted.
    raw["responseElements"]["brokerArn"] = f"arn:aws:mq:us-west-2:111122223333:broker:MyBroker:{DOCS_ID}"
    record = CloudTrailRecord(raw, "t")
    [resource] = Classifier().classify(record).resources
    model = DESCRIBE["aws_mq_broker"].from_event(record, resource)
    args = model.args
    assert (args["broker_name"], args["engine_type"], args["engine_version"], args["host_instance_type"]) == (
        "MyBroker", "ActiveMQ", "5.15.9", "mq.m5.large")
    assert args["deployment_mode"] == "ACTIVE_STANDBY_MULTI_AZ"
    assert args["publicly_accessible"] is True and args["auto_minor_version_upgrade"] is None
    assert args["subnet_ids"] == ["subnet-12a3b45c", "subnet-67d8e90f"]
    assert args["security_groups"] == ["sg-a1b234cd"]
    assert args["maintenance_window_start_time"] == {"day_of_week": "THURSDAY", "time_of_day": "22:45",
                                                     "time_zone": "America/Los_Angeles"}
    assert args["users"] == [
        {"username": "MyUsername123", "password": PASSWORD_PLACEHOLDER, "console_access": True,
         "groups": ["admins", "support"], "replication_user": None},
        {"username": "MyUsername456", "password": PASSWORD_PLACEHOLDER, "console_access": None,
         "groups": ["admins"], "replication_user": None},
    ]
    assert any("secret store" in note for note in model.notes)
    code = generate(raw, tmp_path)
    assert "***" not in code
    assert "ignore_changes = [user]" in code
    assert "# Amazon MQ never returns broker users' passwords" in code


def test_a_rabbitmq_broker_from_its_event_keeps_the_version_the_provider_reads(tmp_path):
    raw = derived("mq__CreateBroker__console.json")
    record = CloudTrailRecord(raw, "t")
    [resource] = Classifier().classify(record).resources
    model = DESCRIBE["aws_mq_broker"].from_event(record, resource)
    # Automatic minor upgrades on RabbitMQ 3.13: the provider reads the version as major.minor.
    assert (model.args["engine_type"], model.args["engine_version"]) == ("RABBITMQ", "3.13")
    assert model.args["authentication_strategy"] is None  # SIMPLE, the default
    assert [u["username"] for u in model.args["users"]] == ["orders-admin"]
    assert any("RabbitMQ web console" in note for note in model.notes)
    generate(raw, tmp_path)


def _clients(aws_client) -> Clients:
    return Clients(lambda service, region: aws_client(service, region), "us-east-1")


def _resource(broker_id: str, name: str = "billing-queue") -> Resource:
    return Resource(tf_type="aws_mq_broker", import_id=broker_id, name=name, arn="", region="us-east-1",
                    account_id="123456789012", actor="alice", console_url="", suggested_name="billing_queue",
                    loses_data=True)


def _broker(aws_client, name: str, **extra) -> dict:
    settings = {"EngineType": "ACTIVEMQ", "EngineVersion": "5.18.4", "HostInstanceType": "mq.t3.micro",
                "DeploymentMode": "SINGLE_INSTANCE", "PubliclyAccessible": False,
                "Users": [{"Username": "billing", "Password": "a-real-secret-789"}], **extra}
    return aws_client("mq").create_broker(BrokerName=name, **settings)


def test_the_lookup_finds_the_broker_of_that_exact_name(aws_client):
    _broker(aws_client, "billing-queue-old")
    made = _broker(aws_client, "billing-queue")
    located = CATALOG["aws_mq_broker"].lookup.find(_clients(aws_client), _resource(""))
    assert (located.import_id, located.arn) == (made["BrokerId"], made["BrokerArn"])
    with pytest.raises(NotFound):
        CATALOG["aws_mq_broker"].lookup.find(_clients(aws_client), _resource("", name="missing"))


def test_the_live_broker_never_gives_a_password(aws_client, tmp_path):
    made = _broker(aws_client, "billing-queue", AutoMinorVersionUpgrade=True, Tags={"team": "billing"})
    resource = dataclasses.replace(_resource(made["BrokerId"]))
    model = DESCRIBE["aws_mq_broker"].describe(_clients(aws_client), resource)
    # ActiveMQ 5.18 with automatic minor upgrades: the provider reads major.minor.
    assert model.args["engine_version"] == "5.18"
    assert model.args["auto_minor_version_upgrade"] is True
    assert model.args["users"] == [{"username": "billing", "password": PASSWORD_PLACEHOLDER, "console_access": None,
                                    "groups": [], "replication_user": None}]
    generation = CodeGenerator(lambda service, region: aws_client(service, region)).generate(
        resource, None, name="Billing", describe=True)
    code = "".join(f.content for f in generation.files)
    assert "a-real-secret-789" not in code and PASSWORD_PLACEHOLDER in code
    write_tree(generation.files, tmp_path)
    assert_terraform_accepts(tmp_path)


def test_an_ldap_broker_writes_its_directory_without_the_service_password():
    from bot.catalog.mq.describe import _model

    broker = {"BrokerName": "ldap-mq", "EngineType": "ActiveMQ", "EngineVersion": "5.17.6",
              "HostInstanceType": "mq.m5.large", "AuthenticationStrategy": "LDAP",
              "LdapServerMetadata": {"Hosts": ["ldap.example.com"], "RoleBase": "ou=groups,dc=example,dc=com",
                                     "RoleSearchMatching": "(member={0})", "RoleSearchSubtree": True,
                                     "ServiceAccountUsername": "cn=mq,dc=example,dc=com",
                                     "UserBase": "ou=users,dc=example,dc=com",
                                     "UserSearchMatching": "(uid={0})"}}
    model = _model(broker, [], {})
    ldap = model.args["ldap_server_metadata"]
    assert model.args["authentication_strategy"] == "LDAP"
    assert ldap["hosts"] == ["ldap.example.com"] and ldap["role_search_subtree"] is True
    assert "service_account_password" not in ldap
    assert any("service account's password" in note for note in model.notes)
    # No user listed (LDAP users live in the directory): the provider still requires one block.
    assert [u["username"] for u in model.args["users"]] == [USER_PLACEHOLDER]


def test_a_replica_broker_leaves_out_its_primary():
    from bot.catalog.mq.describe import _model

    model = _model({"BrokerName": "dr", "EngineType": "ACTIVEMQ", "EngineVersion": "5.17.6",
                    "HostInstanceType": "mq.m5.large", "DataReplicationMode": "CRDR",
                    "EncryptionOptions": {"UseAwsOwnedKey": True}, "Logs": {"General": False, "Audit": False}},
                   [{"Username": "repl", "ReplicationUser": True}], {})
    assert model.args["data_replication_mode"] == "CRDR"
    assert "data_replication_primary_broker_arn" not in model.args
    assert model.args["encryption_options"] is None and model.args["logs"] is None
    assert model.args["users"][0]["replication_user"] is True
    assert any("CRDR" in note for note in model.notes)


def test_deleting_a_broker_is_refused():
    assert "every message" in DELETE["aws_mq_broker"].refuses
