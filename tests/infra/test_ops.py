"""The deploy steps outside Terraform: secrets go to Secrets Manager intact, bad tokens write nothing."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from infra import ops

TOKENS = {
    "SLACK_BOT_TOKEN": "xoxb-1111-2222-abcDEF",
    "SLACK_APP_TOKEN": "xapp-1-A111-2222-abcdef",
    "REPOSITORY_TOKEN": "ghp_0123456789abcdefghij",
}


@pytest.fixture
def secrets(aws_client: Any, aws_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, str, str]:
    # infra.ops builds its own clients from the standard AWS configuration, as it does for an operator.
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_endpoint)
    client = aws_client("secretsmanager")
    slack = client.create_secret(Name="tfsync/slack")["ARN"]
    repository = client.create_secret(Name="tfsync/repository-token")["ARN"]
    return client, slack, repository


def _argv(slack: str, repository: str) -> list[str]:
    return ["--region", "us-east-1", "secrets", "--slack-secret-id", slack, "--repository-secret-id", repository]


def test_secrets_from_stdin_land_as_the_bot_and_build_read_them(secrets: tuple[Any, str, str]) -> None:
    client, slack, repository = secrets
    code = ops.main([*_argv(slack, repository), "--from-stdin"], stdin=io.StringIO(json.dumps(TOKENS)))
    assert code == 0
    assert json.loads(client.get_secret_value(SecretId=slack)["SecretString"]) == {
        "SLACK_BOT_TOKEN": TOKENS["SLACK_BOT_TOKEN"],
        "SLACK_APP_TOKEN": TOKENS["SLACK_APP_TOKEN"],
    }
    assert client.get_secret_value(SecretId=repository)["SecretString"] == TOKENS["REPOSITORY_TOKEN"]


def test_secrets_asked_for_without_echo(secrets: tuple[Any, str, str]) -> None:
    client, slack, repository = secrets
    answers = iter([TOKENS["SLACK_BOT_TOKEN"], TOKENS["SLACK_APP_TOKEN"], TOKENS["REPOSITORY_TOKEN"]])
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    assert ops.main(_argv(slack, repository), ask=ask) == 0
    assert len(prompts) == 3
    assert client.get_secret_value(SecretId=repository)["SecretString"] == TOKENS["REPOSITORY_TOKEN"]


@pytest.mark.parametrize(
    "change",
    [
        {"SLACK_BOT_TOKEN": "xapp-swapped-1"},
        {"SLACK_APP_TOKEN": "xoxb-swapped-1"},
        {"REPOSITORY_TOKEN": ""},
        {"REPOSITORY_TOKEN": "two words"},
    ],
)
def test_a_wrong_token_writes_nothing_and_is_not_echoed(
    secrets: tuple[Any, str, str], change: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    client, slack, repository = secrets
    tokens = {**TOKENS, **change}
    code = ops.main([*_argv(slack, repository), "--from-stdin"], stdin=io.StringIO(json.dumps(tokens)))
    assert code == 2
    for secret in (slack, repository):
        assert "VersionIdsToStages" not in client.describe_secret(SecretId=secret)
    printed = capsys.readouterr()
    for value in tokens.values():
        if value:
            assert value not in printed.out + printed.err
    assert "secret" not in repr(ops.Tokens("a", "b", "secret"))


def test_restart_starts_a_new_deployment(
    aws_client: Any, aws_endpoint: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_endpoint)
    ecs = aws_client("ecs")
    cluster = ecs.create_cluster(clusterName="tfsync")["cluster"]["clusterArn"]
    task = ecs.register_task_definition(
        family="tfsync-bot",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="512",
        memory="1024",
        containerDefinitions=[{"name": "tfsync", "image": "example/tfsync:1", "essential": True}],
    )["taskDefinition"]["taskDefinitionArn"]
    created = ecs.create_service(cluster=cluster, serviceName="tfsync-bot", taskDefinition=task, desiredCount=1)
    (before,) = [d["id"] for d in created["service"]["deployments"] if d["status"] == "PRIMARY"]
    assert ops.main(["--region", "us-east-1", "restart", "--cluster", cluster, "--service", "tfsync-bot"]) == 0
    (service,) = ecs.describe_services(cluster=cluster, services=["tfsync-bot"])["services"]
    (after,) = [d["id"] for d in service["deployments"] if d["status"] == "PRIMARY"]
    assert after != before
    assert f"new deployment {after} of tfsync-bot" in capsys.readouterr().out


SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"


def test_http_mode_puts_the_signing_secret_where_the_http_task_reads_it(secrets: tuple[Any, str, str]) -> None:
    client, slack, repository = secrets
    tokens = {"SLACK_BOT_TOKEN": TOKENS["SLACK_BOT_TOKEN"], "SLACK_SIGNING_SECRET": SIGNING_SECRET,
              "REPOSITORY_TOKEN": TOKENS["REPOSITORY_TOKEN"]}
    code = ops.main([*_argv(slack, repository), "--slack-mode", "http", "--from-stdin"],
                    stdin=io.StringIO(json.dumps(tokens)))
    assert code == 0
    assert json.loads(client.get_secret_value(SecretId=slack)["SecretString"]) == {
        "SLACK_BOT_TOKEN": TOKENS["SLACK_BOT_TOKEN"], "SLACK_SIGNING_SECRET": SIGNING_SECRET}

    prompts: list[str] = []
    answers = iter([TOKENS["SLACK_BOT_TOKEN"], TOKENS["REPOSITORY_TOKEN"], SIGNING_SECRET])

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    assert ops.main([*_argv(slack, repository), "--slack-mode", "http"], ask=ask) == 0
    assert prompts[-1] == "Slack signing secret: " and not any("xapp" in p for p in prompts)


@pytest.mark.parametrize("secret", ["", "not-a-signing-secret", SIGNING_SECRET.upper(), TOKENS["SLACK_APP_TOKEN"]])
def test_http_mode_refuses_what_is_not_a_signing_secret(secrets: tuple[Any, str, str], secret: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    client, slack, repository = secrets
    tokens = {**TOKENS, "SLACK_SIGNING_SECRET": secret}
    code = ops.main([*_argv(slack, repository), "--slack-mode", "http", "--from-stdin"],
                    stdin=io.StringIO(json.dumps(tokens)))
    assert code == 2
    assert "VersionIdsToStages" not in client.describe_secret(SecretId=slack)
    printed = capsys.readouterr()
    assert "SLACK_SIGNING_SECRET must be the app's signing secret" in printed.err
    assert not secret or secret not in printed.out + printed.err
