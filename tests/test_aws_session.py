"""One botocore session and one loader for every client of the process, PynamoDB's included."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot import aws
from bot.config import Settings
from bot.state import schema
from bot.state.tables import MODELS


def loader_of(client: object) -> object:
    return client._loader  # type: ignore[attr-defined] # botocore's BaseClient keeps the loader it was made with


def test_every_client_comes_from_the_one_session_and_shares_its_loader() -> None:
    settings = Settings()
    loader = aws.session().get_component("data_loader")
    clients = [aws.client(settings, service) for service in ("s3", "sqs", "dynamodb", "logs")]
    clients.append(aws.client(settings, "s3", "eu-west-1"))
    assert all(loader_of(client) is loader for client in clients)
    assert aws.session() is aws.session()


def test_clients_made_on_many_threads_at_once_share_the_loader() -> None:
    settings = Settings()
    with ThreadPoolExecutor(max_workers=8) as pool:
        clients = list(pool.map(lambda n: aws.client(settings, ("s3", "sqs", "codebuild")[n % 3]), range(24)))
    assert {id(loader_of(client)) for client in clients} == {id(aws.session().get_component("data_loader"))}


def test_pynamodb_uses_one_connection_on_the_shared_session(state_env: dict[str, str]) -> None:
    settings = Settings.from_env(state_env)
    schema.configure(settings)
    shared = schema.connection(settings)
    assert all(model._get_connection().connection is shared for model in MODELS)
    schema.warm_up(shared)
    assert shared.session is aws.session()
    assert loader_of(shared.client) is aws.session().get_component("data_loader")
    schema.configure(settings)  # again, with the same settings: nothing is made anew
    assert all(model._get_connection().connection is shared for model in MODELS)


def test_a_new_config_file_gets_a_new_session_that_keeps_the_loader(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    before = aws.session()
    loader = before.get_component("data_loader")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "another-config"))
    after = aws.session()
    assert after is not before
    assert after.get_component("data_loader") is loader
