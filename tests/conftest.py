"""Shared fixtures: the corpus, and moto in server mode over real HTTP on 127.0.0.1."""

from __future__ import annotations

import csv
import json
import os
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "cloudtrail"
DATA = Path(__file__).resolve().parent / "data"

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
    """One moto server for the session, on a free port of 127.0.0.1; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
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
