"""AWS endpoints are named as the AWS SDKs name them, and botocore itself resolves them from the settings."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import botocore.session
import pytest
from botocore.configprovider import ConfiguredEndpointProvider

from bot import aws, config
from bot.catalog import entries
from bot.config import Settings
from tests.paths import ROOT

# Where tfsync makes AWS clients: aws.client(settings, "s3"), Clients' clients("ec2"), the sandbox's
# ctx.client("sqs"), aws.endpoint_url(settings, "dynamodb") for PynamoDB.
CODE_DIRS = ("bot", "sandbox", "handlers", "renderers")
CLIENT_CALLS = {"client", "clients", "endpoint_url"}
SFN = "http://127.0.0.1:1"
GLOBAL = "http://127.0.0.1:2"


@pytest.fixture(scope="module")
def botocore_session() -> botocore.session.Session:
    return botocore.session.get_session()


def services_the_code_calls(available: set[str]) -> set[str]:
    """Every AWS service a client is made for, found in the source, plus every service the catalog names."""
    found = {entry.service for entry in entries()}
    for folder in CODE_DIRS:
        if not (ROOT / folder).is_dir():
            continue
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
                if name in CLIENT_CALLS:
                    found |= {
                        arg.value for arg in node.args[:2]
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value in available
                    }
    return found


def botocore_variable(session: botocore.session.Session, service: str) -> str:
    """The per-service endpoint variable botocore reads, by the rule the AWS SDKs document.

    botocore 1.44, botocore/configprovider.py: ConfiguredEndpointProvider._get_snake_case_service_id takes the
    client name's hyphenized service id (utils.CLIENT_NAME_TO_HYPHENIZED_SERVICE_ID_OVERRIDES, the same as
    model.ServiceId.hyphenize: `service_id.replace(' ', '-').lower()`) with '-' made '_', and
    _get_service_env_var_name returns f'AWS_ENDPOINT_URL_{transformed_service_id_env}' with that id upper-cased;
    that is the service model's service id with spaces as underscores, upper-cased.
    """
    service_id = session.get_service_model(service).service_id
    return "AWS_ENDPOINT_URL_" + service_id.replace(" ", "_").upper()


def test_every_service_tfsync_calls_has_its_endpoint_variable_documented(botocore_session) -> None:
    called = services_the_code_calls(set(botocore_session.get_available_services()))
    assert {"s3", "sqs", "dynamodb", "codebuild", "logs", "stepfunctions"} <= called
    assert called == set(config.SERVICE_ENDPOINT_VARIABLES)


@pytest.mark.parametrize("service", sorted(config.SERVICE_ENDPOINT_VARIABLES))
def test_the_documented_variable_is_the_one_botocore_reads(botocore_session, service: str) -> None:
    name = config.SERVICE_ENDPOINT_VARIABLES[service]
    assert name == botocore_variable(botocore_session, service)
    # And botocore's resolver, given only that variable, finds it for the service.
    provider = ConfiguredEndpointProvider(full_config={}, scoped_config={}, client_name=service,
                                          environ={name: SFN, "AWS_ENDPOINT_URL": GLOBAL})
    assert provider.provide() == SFN


def test_some_names_differ_from_the_client_names() -> None:
    # What tfsync once read by the boto3 client name is not what the SDKs read.
    assert config.SERVICE_ENDPOINT_VARIABLES["logs"] == "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"
    assert config.SERVICE_ENDPOINT_VARIABLES["stepfunctions"] == "AWS_ENDPOINT_URL_SFN"


def test_readme_lists_every_endpoint_variable() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in config.SERVICE_ENDPOINT_VARIABLES.values() if f"`{name}`" not in text]
    assert not missing, f"endpoint variables missing from README.md: {missing}"


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No endpoint variable and no config file from the environment the tests run in."""
    for name in list(os.environ):
        if name.startswith("AWS_ENDPOINT_URL") or name == "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS":
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    return monkeypatch


def test_a_client_targets_its_services_own_endpoint_from_the_settings(clean_environment) -> None:
    settings = Settings.from_env({"AWS_ENDPOINT_URL": GLOBAL, "AWS_ENDPOINT_URL_SFN": SFN})
    assert settings.aws_service_endpoints == {"AWS_ENDPOINT_URL_SFN": SFN}
    assert aws.client(settings, "stepfunctions").meta.endpoint_url == SFN
    assert aws.client(settings, "logs").meta.endpoint_url == GLOBAL
    assert aws.endpoint_url(settings, "stepfunctions") == SFN
    assert aws.endpoint_url(settings, "dynamodb") == GLOBAL


def test_names_the_sdks_do_not_read_are_not_read(clean_environment) -> None:
    settings = Settings.from_env({
        "AWS_ENDPOINT_URL": GLOBAL,
        "AWS_ENDPOINT_URL_STEPFUNCTIONS": SFN,
        "AWS_ENDPOINT_URL_LOGS": SFN,
    })
    assert aws.client(settings, "stepfunctions").meta.endpoint_url == GLOBAL
    assert aws.client(settings, "logs").meta.endpoint_url == GLOBAL
    assert aws.client(settings, "logs", "eu-west-1").meta.endpoint_url == GLOBAL


def test_without_endpoints_a_client_targets_aws(clean_environment) -> None:
    settings = Settings.from_env({"AWS_REGION": "eu-west-1"})
    assert aws.client(settings, "stepfunctions").meta.endpoint_url == "https://states.eu-west-1.amazonaws.com"
    assert aws.endpoint_url(settings, "dynamodb") is None


def test_the_settings_not_the_process_environment_decide(clean_environment) -> None:
    clean_environment.setenv("AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:3")
    clean_environment.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4")
    settings = Settings.from_env({"AWS_ENDPOINT_URL_SFN": SFN})
    assert aws.client(settings, "stepfunctions").meta.endpoint_url == SFN
    assert aws.endpoint_url(settings, "sqs") is None


def test_botocore_also_reads_the_config_files_services_section(clean_environment, tmp_path: Path) -> None:
    config_file = tmp_path / "config"
    config_file.write_text(
        "[default]\nservices = local\n\n[services local]\nsfn =\n  endpoint_url = http://127.0.0.1:5\n",
        encoding="utf-8",
    )
    clean_environment.setenv("AWS_CONFIG_FILE", str(config_file))
    assert aws.client(Settings(), "stepfunctions").meta.endpoint_url == "http://127.0.0.1:5"
    # A variable comes before the config file, as in every SDK.
    assert aws.client(Settings(aws_endpoint_url=GLOBAL), "stepfunctions").meta.endpoint_url == GLOBAL


def test_ignore_configured_endpoint_urls_is_honoured(clean_environment) -> None:
    clean_environment.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    settings = Settings.from_env({"AWS_ENDPOINT_URL_SFN": SFN, "AWS_REGION": "eu-west-1"})
    assert aws.client(settings, "stepfunctions").meta.endpoint_url == "https://states.eu-west-1.amazonaws.com"
