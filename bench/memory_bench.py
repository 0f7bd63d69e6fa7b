"""Memory: the resident size of an idle production-shaped process, and its peak while ten gzip bombs are handled.

Idle: a fresh process builds what `python -m bot` builds with Slack tokens (settings, state repository, Slack
services and app, classifier, consumer and their AWS clients; no connection to Slack is made), settles the
collector as start-up does, and reports its resident size. Bombs: for each kind in tests/test_memory.py (past the
limit, one giant string, nested arrays, many tiny detections), a fresh process handles ten queue messages at once
through MessageHandler, each naming one copy of the bomb in S3, and reports its peak resident size over its own
baseline. AWS is moto, in a process of its own.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import boto3

from bench.consumer_bench import CREDENTIALS, start_moto
from tests.test_memory import BOMBS, BOMBS_AT_ONCE, bomb

ROOT = Path(__file__).resolve().parent.parent
BUCKET = "bench-trail-logs"
IDLE_TARGET_MIB = 120

IDLE = r"""
import json, sys
import app
from bot import aws, memory
from bot.config import Settings
from bot.consumer import ClassifierSource, Consumer
from bot.state import StateRepository

endpoint = sys.argv[1]
settings = Settings.from_env({"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1", "SLACK_BOT_TOKEN": "xoxb-1",
                              "SLACK_APP_TOKEN": "xapp-1", "TFSYNC_QUEUE_URL": endpoint + "/123456789012/q",
                              "TFSYNC_RUNNER": "local", "TFSYNC_REPOSITORY_PATH": "/tmp"})
repo = StateRepository(settings)
services = app.build_services(settings, repo)
app.build_app(services)
s3 = aws.client(settings, "s3")
classifiers = ClassifierSource(settings, repo, s3)
Consumer(settings, repo, aws.client(settings, "sqs"), s3, classifiers, services.notifier)
memory.settle()
rss = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS:"))
print(json.dumps({"rss_kib": rss}))
"""

BOMBS_CHILD = r"""
import asyncio, json, resource, sys
from datetime import UTC, datetime
from bot import aws
from bot.classify import Classifier
from bot.config import Settings
from bot.consumer import ClassifierSource, ConsumerStats, MessageHandler, RecordStore
from bot.notifier import LoggingNotifier
from bot.state import StateRepository

endpoint, bucket, *keys = sys.argv[1:]
settings = Settings.from_env({"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1"})
repo = StateRepository(settings)
stats = ConsumerStats()
store = RecordStore(repo, LoggingNotifier(), stats, lambda: datetime.now(UTC), 60.0)
handler = MessageHandler(settings, repo, aws.client(settings, "s3"), ClassifierSource.fixed(settings, Classifier()),
                         store, stats)

def message(n, key):
    return {"MessageId": f"bomb-{n}", "Body": json.dumps({"s3Bucket": bucket, "s3ObjectKey": [key]})}

async def main():
    await handler.handle(message("warm", "warm.json.gz"))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcomes = await asyncio.gather(*(handler.handle(message(n, key)) for n, key in enumerate(keys)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"baseline_kib": baseline, "peak_kib": peak, "outcomes": [o.value for o in outcomes]}))

asyncio.run(main())
"""


def _child(script: str, *args: str) -> dict[str, object]:
    env = {**os.environ, **{k: v for k, v in CREDENTIALS.items() if k not in os.environ}}
    proc = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"memory_bench: the child process failed:\n{proc.stderr[-4000:]}")
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def run() -> bool:
    """Print the figures; True when the idle process is within its target."""
    logging.basicConfig(level=logging.WARNING)
    os.environ.update({k: v for k, v in CREDENTIALS.items() if k not in os.environ})
    process, endpoint = start_moto()
    try:
        from bot.config import Settings
        from bot.state.schema import create_tables

        create_tables(Settings.from_env({"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1"}))
        idle = int(str(_child(IDLE, endpoint)["rss_kib"])) / 1024
        s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint)
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="warm.json.gz", Body=gzip.compress(b'{"Records": []}'))
        peaks = {}
        for name, (head, unit, size, _error) in sorted(BOMBS.items()):
            data = bomb(head, unit, size)
            keys = [f"{name}-{n}.json.gz" for n in range(BOMBS_AT_ONCE)]
            for key in keys:
                s3.put_object(Bucket=BUCKET, Key=key, Body=data)
            report = _child(BOMBS_CHILD, endpoint, BUCKET, *keys)
            added = (int(str(report["peak_kib"])) - int(str(report["baseline_kib"]))) / 1024
            outcomes = sorted(set(map(str, report["outcomes"])))  # type: ignore[call-overload]
            peaks[name] = (len(data), added, int(str(report["peak_kib"])) / 1024, ", ".join(outcomes))
    finally:
        process.terminate()
        process.wait(timeout=10)
    print("memory_bench: resident memory (RSS) of tfsync processes, moto for AWS in a process of its own")
    print(f"  idle, production-shaped:  {idle:>8,.1f} MiB   (target {IDLE_TARGET_MIB} MiB)")
    for name, (compressed, added, peak, outcomes) in peaks.items():
        print(f"  {BOMBS_AT_ONCE} x {name:<22} {compressed / 1024:>6,.0f} KB gzip each: peak {peak:>7,.1f} MiB, "
              f"+{added:,.1f} MiB over the handler's baseline; outcomes {outcomes}")
    return idle <= IDLE_TARGET_MIB


if __name__ == "__main__":
    raise SystemExit(0 if run() else 1)
