"""Bounded memory: gzip bombs read at once stay within a budget, the collector pause, the freeze, the budget."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import threading
import zlib

import pytest

from bot import memory
from tests.conftest import ROOT
from tests.shapes import LOG_BUCKET

MIB = 1 << 20
BOMBS_AT_ONCE = 10
# Over the child's own baseline (interpreter, tfsync's modules, the S3 client): what ten bombs at once may add.
BUDGET_MIB = 200
LIMIT = 256 * MIB  # the default TFSYNC_MAX_LOG_FILE_BYTES
TINY_CREATE = (
    b'{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"CreateBucket","awsRegion":"us-east-1",'
    b'"recipientAccountId":"123456789012","eventID":"e1","requestParameters":{"bucketName":"bomb-bucket"},'
    b'"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/x"}},'
)
# name: (text before the repeated unit, the unit, bytes of units, the error every copy must end with)
BOMBS = {
    "past-the-limit": (b'{"Records": [', b" ", LIMIT + 40 * MIB, f"gzip data inflates past the {LIMIT}-byte limit"),
    "one-giant-string": (
        b'{"Records": [{"eventVersion": "', b"A", LIMIT - MIB, f"Records[0] is over the {MIB}-byte limit for one record"
    ),
    "nested-arrays": (b'{"Records": [', b"[", LIMIT - MIB, "JSON is nested too deeply"),
    "many-tiny-detections": (b'{"Records": [', TINY_CREATE, 64 * MIB, "need more memory than is left"),
}

CHILD = r"""
import json, resource, sys, threading
from bot import aws
from bot.classify import Classifier
from bot.config import Settings
from bot.consumer.handling import _may_change_state
from bot.events import LogFileRef
from bot.logfiles import fetch_log_file
from bot.memory import MemoryBudget

endpoint, bucket, warm, *keys = sys.argv[1:]
settings = Settings.from_env({"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1"})
s3 = aws.client(settings, "s3")
classifier = Classifier()
budget = MemoryBudget()

def keep(record):
    return _may_change_state(classifier.classify(record), record)

def read(key, out, reservation=None):
    envelope = fetch_log_file(s3, LogFileRef(bucket, key, "bomb"), settings.max_log_file_bytes,
                              record_limit=settings.max_message_bytes, keep=keep,
                              reservation=reservation or budget.reservation())
    out.append([str(error) for error in envelope.errors] + [f"{len(envelope.records)} records"])

warmed = []
warm_reservation = budget.reservation()
read(warm, warmed, warm_reservation)  # every code path loaded before the baseline
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
results = []
threads = [threading.Thread(target=read, args=(key, results)) for key in keys]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"warm": warmed, "baseline_kib": baseline, "peak_kib": peak, "results": results,
                  "bombs_hold": budget.used - warm_reservation.held}))
"""


def bomb(head: bytes, unit: bytes, size: int) -> bytes:
    """`head` and then `unit` over and over, `size` bytes of it, gzipped a megabyte at a time."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [deflate.compress(head)]
    piece = unit * (MIB // len(unit))
    for _ in range(0, size, len(piece)):
        out.append(deflate.compress(piece))
    out.append(deflate.flush())
    return b"".join(out)


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_ten_gzip_bombs_at_once_stay_within_the_memory_budget(aws_endpoint, aws_client, name):
    head, unit, size, error = BOMBS[name]
    data = bomb(head, unit, size)
    assert 200_000 < len(data) < 400_000  # a few hundred kilobytes, as the bombs measured in production
    s3 = aws_client("s3")
    s3.create_bucket(Bucket=LOG_BUCKET)
    s3.put_object(Bucket=LOG_BUCKET, Key="warm.json.gz", Body=zlib.compress(b'{"Records": [' + TINY_CREATE[:-1]
                                                                             + b"]}", wbits=31))
    keys = [f"bomb-{n}.json.gz" for n in range(BOMBS_AT_ONCE)]
    for key in keys:
        s3.put_object(Bucket=LOG_BUCKET, Key=key, Body=data)

    child = subprocess.run(
        [sys.executable, "-c", CHILD, aws_endpoint, LOG_BUCKET, "warm.json.gz", *keys],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    assert child.returncode == 0, child.stderr
    report = json.loads(child.stdout.strip().splitlines()[-1])
    assert report["warm"] == [["1 records"]]
    assert len(report["results"]) == BOMBS_AT_ONCE
    for result in report["results"]:  # every bomb is refused, naming the file and the limit it broke
        assert len(result) == 2 and result[1] == "0 records", result
        assert result[0].startswith(f"s3://{LOG_BUCKET}/bomb-") and error in result[0], result
    assert report["bombs_hold"] == 0  # the refused files gave their share of the budget back
    added_mib = (report["peak_kib"] - report["baseline_kib"]) / 1024
    assert added_mib < BUDGET_MIB, f"{name}: ten at once added {added_mib:.0f} MiB"


def test_the_collector_stays_paused_until_the_last_holder_leaves():
    assert gc.isenabled()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with memory.gc_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with memory.gc_paused():
        second_in.set()
        first_out.wait(5)
        seen.append(gc.isenabled())  # the first holder has left; this one still holds it
    thread.join()
    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off():
    gc.disable()
    try:
        with memory.gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_settle_freezes_what_is_alive():
    gc.unfreeze()
    try:
        memory.settle()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_budget_refuses_what_it_has_not_and_takes_back_what_is_released():
    budget = memory.MemoryBudget(total=100)
    first, second = budget.reservation(), budget.reservation()
    assert first.take(60)
    assert not second.take(50)  # would pass the total: nothing taken
    assert second.held == 0 and budget.used == 60
    first.give_back(500)  # never more than is held
    assert first.held == 0 and budget.used == 0
    with budget.reservation() as third:
        assert third.take(100)
    assert budget.used == 0


def test_a_record_costs_more_than_its_text():
    assert memory.record_cost(1000) > 5 * 1000


def test_the_memory_benchmark_is_found_by_python_m_bench():
    from bench import __main__ as bench_main

    assert "memory_bench" in bench_main.discover()
