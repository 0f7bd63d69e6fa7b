"""Shared fixtures: the corpus, and moto in server mode over real HTTP on 127.0.0.1."""

from __future__ import annotations

import csv
import json
import os
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

# Where the data lives (tests/data, inside the checkout); many tests import these names from here.
from tests.paths import CORPUS, DATA, ROOT  # noqa: F401

# boto3 signs requests even against moto; these are moto's well-known fake credentials, never real ones.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
for _leak in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
    os.environ.pop(_leak, None)


def corpus_records() -> list[dict[str, str]]:
    """PROVENANCE.tsv rows: file, source, note."""
    with (CORPUS / "PROVENANCE.tsv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def corpus_record(name: str) -> dict[str, Any]:
    return json.loads((CORPUS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """One moto server for the session, on a free port of 127.0.0.1, served as the sandbox serves it (one DynamoDB
    request at a time, as DynamoDB makes each atomic); yields its endpoint URL."""
    from sandbox.aws import EmbeddedAws

    server = EmbeddedAws()
    yield server.start()
    server.stop()


@pytest.fixture
def aws_endpoint(moto_server: str) -> Iterator[str]:
    """The moto endpoint, with every AWS resource wiped before the test."""
    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")  # noqa: S310
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 - loopback moto server
    yield moto_server


@pytest.fixture
def aws_env(aws_endpoint: str) -> dict[str, str]:
    """An environment for Settings.from_env that points every AWS client at moto."""
    return {"AWS_ENDPOINT_URL": aws_endpoint, "AWS_REGION": "us-east-1"}


@pytest.fixture
def aws_client(aws_endpoint: str) -> Callable[..., Any]:
    """A factory of boto3 clients talking to moto."""
    import boto3

    def make(service: str, region: str = "us-east-1") -> Any:
        return boto3.client(service, region_name=region, endpoint_url=aws_endpoint)

    return make


@pytest.fixture
def aws_calls(aws_client: Callable[..., Any], request: pytest.FixtureRequest) -> Iterator[Any]:
    """Clients for describe readers and delete executors that record every AWS call they make, checked against
    infra/recorded-calls.json when the test ends (see tests/aws_calls.py)."""
    from tests.aws_calls import recording

    yield from recording(aws_client, request)


# How many receives the test queue allows before its redrive policy moves a message to the dead-letter queue.
MAX_RECEIVE_COUNT = 3


@pytest.fixture
def state_env(aws_env: dict[str, str]) -> dict[str, str]:
    """aws_env with the DynamoDB state tables created, and the PynamoDB models pointing at them."""
    from bot.config import Settings
    from bot.state.schema import create_tables

    create_tables(Settings.from_env(aws_env))
    return dict(aws_env)


def create_queue_with_dlq(sqs: Any, name: str, max_receive_count: int) -> tuple[str, str]:
    """Create a queue and its dead-letter queue; returns (queue URL, DLQ URL)."""
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive_count)})
    url = sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": redrive})["QueueUrl"]
    return url, dlq_url


@pytest.fixture
def queue_with_dlq(aws_client: Callable[..., Any]) -> tuple[str, str]:
    """(queue URL, dead-letter queue URL): the queue moves a message to the DLQ after MAX_RECEIVE_COUNT receives."""
    return create_queue_with_dlq(aws_client("sqs"), "tfsync-events", MAX_RECEIVE_COUNT)


@pytest.fixture(autouse=True, scope="session")
def _silent_metrics() -> Iterator[None]:
    """The suite's own process records its metrics into an instance that writes nowhere (tests that check the lines
    install one of their own); processes the tests start write theirs as the bot does."""
    from bot import metrics

    with metrics.installed(metrics.Metrics(interval=None, sink=lambda line: None)):
        yield
