"""Records per second for parse + filter + classify, next to json.loads alone on the same message bodies.

The mix is what an EventBridge rule on CloudTrail delivers to the queue: every record of the corpus
(tests/data/corpus/cloudtrail) plus read-only noise at 20 read-only records per write, the noise built from the
corpus's real read-only records with fresh ids. Each record is its own EventBridge-wrapped message body, as bytes.
Both loops run in the same process, interleaved round by round, and the best round of each is reported.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.classify import Classifier
from bot.config import Settings
from bot.events import CloudTrailRecord, parse_body
from bot.filters import is_read_only
from bot.rules import IgnoreRule
from tests.paths import CORPUS

NOISE_PER_WRITE = 20
TARGET_RECORDS_PER_SECOND = 20_000
TARGET_RATIO = 2.0


def load_corpus(corpus: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(corpus.glob("*.json"))]


def eventbridge_body(record: dict[str, Any], rng: random.Random) -> bytes:
    """The record as EventBridge puts it on an SQS queue: one compact JSON event per message."""
    identity = record.get("userIdentity") or {}
    event = {
        "version": "0",
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws." + str(record.get("eventSource", "")).split(".")[0],
        "account": record.get("recipientAccountId") or identity.get("accountId", "123456789012"),
        "time": record.get("eventTime", "2024-05-01T12:00:00Z"),
        "region": record.get("awsRegion", "us-east-1"),
        "resources": [],
        "detail": record,
    }
    return json.dumps(event, separators=(",", ":")).encode()


def build_mix(records: list[dict[str, Any]], seed: int = 2) -> tuple[list[bytes], int, int]:
    """(bodies, writes, read-only records): the corpus, plus 20 read-only records per write, shuffled."""
    rng = random.Random(seed)
    read_only = [r for r in records if is_read_only(CloudTrailRecord(r, "corpus"))]
    writes = len(records) - len(read_only)
    bodies = [eventbridge_body(r, rng) for r in records]
    start = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    for i in range(NOISE_PER_WRITE * writes - len(read_only)):
        noise = copy.deepcopy(rng.choice(read_only))
        noise["eventID"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        noise["requestID"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        noise["eventTime"] = (start + timedelta(milliseconds=250 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        bodies.append(eventbridge_body(noise, rng))
    rng.shuffle(bodies)
    return bodies, writes, len(bodies) - writes


def realistic_classifier() -> Classifier:
    """A classifier configured as a deployment would be: tfsync's own role and a few ignore rules."""
    return Classifier(
        own_roles=("arn:aws:iam::*:role/tfsync-adopt", "arn:aws:sts::*:assumed-role/tfsync-adopt/*"),
        ignore_rules=(
            IgnoreRule(id="sandbox", account_id="111122223333"),
            IgnoreRule(id="scratch", name_pattern="scratch-*"),
            IgnoreRule(id="ci", actor="*:assumed-role/ci-runner/*"),
        ),
    )


def pin_to_one_core() -> str:
    """Pin the process to a single CPU, so the figure is one core's, not a scheduler's spread."""
    if not hasattr(os, "sched_setaffinity"):
        return "unpinned"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def measure(bodies: list[bytes], rounds: int) -> tuple[float, float, Counter[str]]:
    """Best seconds for json.loads alone and for the pipeline over all bodies, and the pipeline's verdicts."""
    settings = Settings()
    classifier = realistic_classifier()
    limit = settings.max_message_bytes
    loads = json.loads
    classify = classifier.classify_envelope

    def json_only() -> None:
        for body in bodies:
            loads(body)

    def pipeline() -> None:
        for body in bodies:
            classify(parse_body(body, "sqs", limit))

    # The figures mean something only if the pipeline really read every body: check that once, outside the clock.
    verdicts: Counter[str] = Counter()
    for body in bodies:
        results = classify(parse_body(body, "sqs", limit))
        if len(results) != 1 or results[0].reason_code == "malformed":
            raise SystemExit(f"classify_bench: a body was not read as one record: {results}")
        verdicts[results[0].reason_code or results[0].verdict] += 1

    best: dict[str, float] = {}
    loops: list[tuple[str, Callable[[], None]]] = [("json", json_only), ("pipeline", pipeline)]
    for round_no in range(rounds):
        for name, loop in loops if round_no % 2 == 0 else reversed(loops):
            started = time.perf_counter()
            loop()
            elapsed = time.perf_counter() - started
            best[name] = min(best.get(name, elapsed), elapsed)
    return best["json"], best["pipeline"], verdicts


def run(rounds: int = 15, corpus: Path = CORPUS) -> bool:
    """Print the figures; True when both targets are met."""
    pinned = pin_to_one_core()
    bodies, writes, noise = build_mix(load_corpus(corpus))
    json_seconds, pipeline_seconds, verdicts = measure(bodies, rounds)
    n = len(bodies)
    pipeline_rate, json_rate = n / pipeline_seconds, n / json_seconds
    ratio = pipeline_seconds / json_seconds
    rate_ok, ratio_ok = pipeline_rate >= TARGET_RECORDS_PER_SECOND, ratio <= TARGET_RATIO
    size = sum(map(len, bodies)) / n
    print(f"classify_bench: {n} EventBridge message bodies ({writes} corpus writes + {noise} read-only, "
          f"{NOISE_PER_WRITE} per write; mean {size:.0f} bytes), best of {rounds} rounds, {pinned}")
    print(f"  verdicts: {', '.join(f'{k} {v}' for k, v in verdicts.most_common())}")
    print(f"  json.loads alone:            {json_rate:>10,.0f} records/s")
    print(f"  parse + filter + classify:   {pipeline_rate:>10,.0f} records/s   "
          f"target >= {TARGET_RECORDS_PER_SECOND:,}: {'met' if rate_ok else 'MISSED'}")
    print(f"  ratio to json.loads:         {ratio:>10.2f}x          "
          f"target <= {TARGET_RATIO:.1f}x: {'met' if ratio_ok else 'MISSED'}")
    return rate_ok and ratio_ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.classify_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    return 0 if run(args.rounds, args.corpus) else 1


if __name__ == "__main__":
    raise SystemExit(main())
