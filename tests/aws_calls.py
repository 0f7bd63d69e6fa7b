"""The AWS calls each type's describe reader and delete executor make, recorded while their tests run against moto.

Tests hand a reader or an executor clients from `aws_calls.factory(tf_type, phase)`: every operation those clients
call is recorded through botocore's `before-parameter-build` event as `<IAM prefix>:<Operation>`. When the test ends,
the calls are checked against infra/recorded-calls.json, the recording tfsync's IAM policies are generated from
(`python -m infra.generate`): a call the recording lacks would be denied in production, so the test fails and says
how to refresh the recording. `python -m infra.generate --record` runs these tests with TFSYNC_RECORD_CALLS set to
a file, where they append what they recorded instead of checking it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from infra import generate


class CallRecorder:
    """Clients that record every operation they call, by Terraform type and phase (describe or delete)."""

    def __init__(self, aws_client: Callable[..., Any]) -> None:
        self.aws_client = aws_client
        self.calls: dict[tuple[str, str], set[str]] = {}

    def factory(self, tf_type: str, phase: str) -> Callable[[str, str], Any]:
        """A client factory (service, region) -> boto3 client whose calls count for `tf_type`'s `phase`."""

        def make(service: str, region: str = "us-east-1") -> Any:
            return self.watch(self.aws_client(service, region), tf_type, phase)

        return make

    def watch(self, client: Any, tf_type: str, phase: str) -> Any:
        """Count a client's calls for `tf_type`'s `phase`; for the types moto does not serve, a client whose
        answers a botocore Stubber gives (watch it before the Stubber is activated, so this handler runs first)."""
        if phase not in generate.PHASES:
            raise ValueError(f"phase must be one of {generate.PHASES}, not {phase!r}")
        made = self.calls.setdefault((tf_type, phase), set())

        def record(model: Any, **_: Any) -> None:
            made.add(generate.call_name(model.service_model.signing_name, model.name))

        # before-parameter-build reaches every handler (a Stubber answers in before-call, where the first answer
        # ends the chain), and comes once per operation called, before any request is made.
        client.meta.events.register("before-parameter-build", record)
        return client

    def missing(self, recording: dict[str, dict[str, list[str]]]) -> dict[tuple[str, str], list[str]]:
        """The calls made here that the recording lacks, by (type, phase)."""
        out = {}
        for (tf_type, phase), calls in sorted(self.calls.items()):
            lacking = sorted(calls - set(recording.get(tf_type, {}).get(phase, ())))
            if lacking:
                out[(tf_type, phase)] = lacking
        return out

    def append_to(self, path: Path) -> None:
        with path.open("a", encoding="utf-8") as fh:
            for (tf_type, phase), calls in sorted(self.calls.items()):
                fh.write(json.dumps({"tf_type": tf_type, "phase": phase, "calls": sorted(calls)}) + "\n")


def recording(aws_client: Callable[..., Any], request: pytest.FixtureRequest) -> Iterator[CallRecorder]:
    """The `aws_calls` fixture (tests/conftest.py): a CallRecorder over moto's clients; the test fails if it made
    a call infra/recorded-calls.json lacks."""
    recorder = CallRecorder(aws_client)
    yield recorder
    target = os.environ.get(generate.RECORD_ENV)
    if target:
        recorder.append_to(Path(target))
        return
    missing = recorder.missing(generate.load_recording())
    if missing:
        listed = "; ".join(f"{tf_type} {phase}: {', '.join(calls)}" for (tf_type, phase), calls in missing.items())
        pytest.fail(
            f"{request.node.nodeid} made AWS calls that {generate.RECORDING.name} lacks, so tfsync's IAM policies "
            f"would deny them: {listed}. Run `python -m infra.generate --record` to record them and regenerate "
            "the policies, then commit both.",
            pytrace=False,
        )
