"""Classification speed on one core, next to json.loads of the same bytes, and the CLI's speed and memory.

The mix is what an EventBridge rule on CloudTrail delivers to the queue: every record of the corpus
(tests/data/corpus/cloudtrail) plus read-only noise at 20 read-only records per write, the noise built from the
corpus's real read-only records with fresh ids. Four figures:

- per record: each record its own EventBridge-wrapped message body, as bytes, through parse_body and the
  classifier, next to json.loads of each body;
- one log file: the same records as one CloudTrail log file (`{"Records": [...]}`), read as the consumer reads
  an S3 object (bot.logfiles: streamed, each record classified as it comes, the detected ones kept and charged
  to a memory budget), next to json.loads of the whole file;
- the CLI: `python -m bot classify` in a process of its own over a generated log file, its output to /dev/null,
  end to end (start-up included), in records per second of its CPU time and of the wall clock;
- memory: the CLI's peak resident size classifying a 256 MiB log file.

The compared loops run in the same process, interleaved round by round, and the best round of each is reported;
the process, and so the CLI it starts, is pinned to one CPU.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.classify import Classifier
from bot.config import Settings
from bot.events import CloudTrailRecord, LogFileRef, parse_body
from bot.filters import is_read_only
from bot.logfiles import fetch_log_file
from bot.memory import MemoryBudget
from bot.rules import IgnoreRule
from tests.paths import CORPUS, ROOT

NOISE_PER_WRITE = 20
TARGET_RECORDS_PER_SECOND = 20_000
TARGET_RATIO = 1.0
TARGET_LOG_FILE_RATIO = 1.5
TARGET_CLI_RECORDS_PER_SECOND = 50_000
TARGET_PEAK_RSS_MB = 400
MIB = 1 << 20
# The CLI's log file: the mix repeated to about this many records, enough that start-up is a small part of the run.
CLI_RECORDS = 200_000
BIG_FILE_BYTES = 256 * MIB


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

    best = _interleaved([("json", json_only), ("pipeline", pipeline)], rounds)
    return best["json"], best["pipeline"], verdicts


class _Body(io.BytesIO):
    """An S3 object's body, as botocore's StreamingBody is read (read(n), a context manager)."""


class _S3:
    """Just enough of an S3 client to hand bot.logfiles one object from memory."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def get_object(self, Bucket: str, Key: str) -> dict[str, Any]:
        return {"Body": _Body(self.data), "ContentLength": len(self.data)}


def log_file_records(bodies: list[bytes]) -> list[dict[str, Any]]:
    """The CloudTrail records inside the EventBridge bodies, in the same order."""
    return [json.loads(body)["detail"] for body in bodies]


def log_file_bytes(records: list[dict[str, Any]]) -> bytes:
    """One CloudTrail log file holding the records, compact, as CloudTrail writes them (before gzip)."""
    return json.dumps({"Records": records}, separators=(",", ":")).encode()


def measure_log_file(data: bytes, rounds: int) -> tuple[float, float, int]:
    """Best seconds for json.loads of the whole file and for reading it as the consumer reads a log file, every
    record classified as it is read (those detected kept, each charged to a memory budget), and how many records
    were classified."""
    settings = Settings()
    classifier = realistic_classifier()
    s3, ref = _S3(data), LogFileRef("bench", "trail.json", "bench")
    loads = json.loads
    classify = classifier.classify
    results: list[Any] = []

    def keep(record: CloudTrailRecord) -> bool:
        result = classify(record)
        results.append(result)
        return result.verdict == "detected"

    def json_only() -> None:
        loads(data)

    def pipeline() -> None:
        results.clear()
        with MemoryBudget().reservation() as reservation:
            envelope = fetch_log_file(s3, ref, settings.max_log_file_bytes, record_limit=settings.max_message_bytes,
                                      keep=keep, reservation=reservation)
        if envelope.errors:
            raise SystemExit(f"classify_bench: the log file was not read whole: {envelope.errors[0]}")

    pipeline()
    classified = len(results)
    best = _interleaved([("json", json_only), ("pipeline", pipeline)], rounds)
    return best["json"], best["pipeline"], classified


def _interleaved(loops: list[tuple[str, Callable[[], object]]], rounds: int) -> dict[str, float]:
    """Best CPU seconds of each loop (the process's own: on a shared machine, time spent waiting for the core is
    not counted), run in turn round by round, the order reversed every other round."""
    best: dict[str, float] = {}
    for round_no in range(rounds):
        for name, loop in loops if round_no % 2 == 0 else reversed(loops):
            started = time.process_time()
            loop()
            elapsed = time.process_time() - started
            best[name] = min(best.get(name, elapsed), elapsed)
    return best


def write_log_file(path: Path, records: list[dict[str, Any]], *, count: int | None = None,
                   size: int | None = None) -> int:
    """A log file of the records repeated (`count` of them, or as many as fit in `size` bytes); how many it holds."""
    encoded = [json.dumps(r, separators=(",", ":")).encode() for r in records]
    head, tail = b'{"Records":[', b"]}"
    written, total = 0, len(head) + len(tail)
    with path.open("wb") as out:
        out.write(head)
        for item in _cycle(encoded):
            if count is not None and written == count:
                break
            if size is not None and total + len(item) + 1 > size:
                break
            out.write(b"," + item if written else item)
            total += len(item) + (1 if written else 0)
            written += 1
        out.write(tail)
    return written


def _cycle(items: list[bytes]) -> Iterable[bytes]:
    while True:
        yield from items


def _cli_env() -> dict[str, str]:
    """The environment without tfsync's settings or an AWS endpoint: the CLI as a person runs it."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("TFSYNC_", "AWS_ENDPOINT_URL"))}


def run_cli(path: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in bytes) of `python -m bot classify PATH` with its output to /dev/null."""
    started = time.perf_counter()
    with subprocess.Popen([sys.executable, "-m", "bot", "classify", str(path)], cwd=ROOT, env=_cli_env(),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as proc:
        assert proc.stderr is not None
        errors = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):  # 1: some record was an error verdict, which the mix may hold
        raise SystemExit(f"classify_bench: python -m bot classify failed:\n{errors.decode()[-4000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def cli_lines(path: Path) -> int:
    """How many lines the CLI prints for the file: one per record when it reads it whole."""
    proc = subprocess.run([sys.executable, "-m", "bot", "classify", str(path)], cwd=ROOT, env=_cli_env(),
                          capture_output=True, check=False)
    return proc.stdout.count(b"\n")


def measure_cli(path: Path, records: int, rounds: int) -> tuple[float, float]:
    """Best wall and CPU seconds of the CLI over the file, after checking it prints one line per record."""
    lines = cli_lines(path)
    if lines != records:
        raise SystemExit(f"classify_bench: the CLI printed {lines} lines for {records} records")
    runs = [run_cli(path) for _ in range(rounds)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def run(rounds: int = 15, corpus: Path = CORPUS, cli_records: int = CLI_RECORDS, cli_rounds: int = 3,
        big_file_bytes: int = BIG_FILE_BYTES) -> bool:
    """Print the figures; True when every target is met."""
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    pinned = pin_to_one_core()
    try:
        return _run(pinned, rounds, corpus, cli_records, cli_rounds, big_file_bytes)
    finally:
        if cpus is not None:
            os.sched_setaffinity(0, cpus)  # a caller (a test) gets its cores back


def _run(pinned: str, rounds: int, corpus: Path, cli_records: int, cli_rounds: int, big_file_bytes: int) -> bool:
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
    print("  per record (one message body each):")
    print(f"    json.loads alone:            {json_rate:>10,.0f} records/s")
    print(f"    parse + filter + classify:   {pipeline_rate:>10,.0f} records/s   "
          f"target >= {TARGET_RECORDS_PER_SECOND:,}: {_met(rate_ok)}")
    print(f"    ratio to json.loads:         {ratio:>10.2f}x          "
          f"target <= {TARGET_RATIO:.1f}x: {_met(ratio_ok)}")

    records = log_file_records(bodies)
    data = log_file_bytes(records)
    file_json, file_pipeline, classified = measure_log_file(data, rounds)
    file_ratio = file_pipeline / file_json
    file_ok = file_ratio <= TARGET_LOG_FILE_RATIO
    print(f"  one log file of the same {classified} records ({len(data) / MIB:.1f} MiB), read as from S3:")
    print(f"    json.loads alone:            {classified / file_json:>10,.0f} records/s")
    print(f"    read + filter + classify:    {classified / file_pipeline:>10,.0f} records/s")
    print(f"    ratio to json.loads:         {file_ratio:>10.2f}x          "
          f"target <= {TARGET_LOG_FILE_RATIO:.1f}x: {_met(file_ok)}")

    with tempfile.TemporaryDirectory(prefix="classify-bench-") as tmp:
        cli_file, big_file, empty = Path(tmp) / "trail.json", Path(tmp) / "big.json", Path(tmp) / "empty.json"
        written = write_log_file(cli_file, records, count=cli_records)
        wall, cpu = measure_cli(cli_file, written, cli_rounds)
        write_log_file(empty, records, count=0)
        start_wall, start_cpu = measure_cli(empty, 0, cli_rounds)
        cli_ok = written / cpu >= TARGET_CLI_RECORDS_PER_SECOND
        print(f"  python -m bot classify, {written:,} records ({cli_file.stat().st_size / MIB:.0f} MiB log file), "
              f"output to /dev/null, start-up included, best of {cli_rounds}:")
        print(f"    records per CPU second:      {written / cpu:>10,.0f} records/s   "
              f"target >= {TARGET_CLI_RECORDS_PER_SECOND:,}: {_met(cli_ok)}")
        print(f"    records per wall second:     {written / wall:>10,.0f} records/s")
        print(f"    start-up alone (no records): {start_cpu:>10.2f} s of CPU ({start_wall:.2f} s wall); past it, "
              f"{written / max(cpu - start_cpu, 1e-9):,.0f} records per CPU second")
        big = write_log_file(big_file, records, size=big_file_bytes)
        big_wall, big_cpu, peak = run_cli(big_file)
        rss_ok = peak / 1e6 < TARGET_PEAK_RSS_MB
        print(f"  python -m bot classify, {big:,} records ({big_file.stat().st_size / MIB:.0f} MiB log file):")
        print(f"    peak RSS:                    {peak / 1e6:>10,.0f} MB          "
              f"target < {TARGET_PEAK_RSS_MB} MB: {_met(rss_ok)}")
        print(f"    records per CPU second:      {big / big_cpu:>10,.0f} records/s ({big / big_wall:,.0f} per wall "
              "second)")
    return rate_ok and ratio_ok and file_ok and cli_ok and rss_ok


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.classify_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--cli-records", type=int, default=CLI_RECORDS)
    parser.add_argument("--cli-rounds", type=int, default=3)
    parser.add_argument("--big-file-mib", type=int, default=BIG_FILE_BYTES // MIB)
    args = parser.parse_args(argv)
    ok = run(args.rounds, args.corpus, args.cli_records, args.cli_rounds, args.big_file_mib * MIB)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
