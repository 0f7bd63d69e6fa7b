"""End-to-end consumer throughput: a queue of mixed events through to stored resource records, and peak memory.

The queue holds what an EventBridge rule on CloudTrail delivers, one event per message: S3 CreateBucket records
from the corpus in tests/data with fresh bucket names and event ids (each a new resource), a share of them delivered
a second time (SQS's at-least-once), and read-only noise from the corpus's real read-only records. AWS is moto:
one server process for SQS and one for DynamoDB, as they are separate services, so their CPU is not the
consumer's. moto's SQS scans every message of a queue on each call, so the bench keeps at most FEED_AHEAD messages
waiting and tops the queue up as it drains, as a steady stream of events would. The consumer runs here with the
settings' defaults (concurrency, visibility) and a counting notifier. The clock runs from the start of consuming
to the moment all messages are sent and the queue is empty; every detected resource is checked to have exactly one
record, notified once, before anything is printed. The emulator is the bottleneck, so the consumer's own CPU time
per message is printed too: it bounds what one core of tfsync could do against AWS itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3

from bot import aws
from bot.classify import Classifier
from bot.config import Settings
from bot.consumer import ClassifierSource, Consumer, ConsumerStats
from bot.notifier import RecordChange
from bot.state import StateRepository
from bot.state.schema import create_tables
from bot.state.tables import ResourceModel
from tests.consumer_events import create_bucket_record, event_id, eventbridge, noise_record

CREATE_SHARE = 0.4  # of the events, new resources
DUPLICATE_SHARE = 0.1  # of the events, a second delivery of one of those
FEED_AHEAD = 400
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}  # moto's fake ones


class CountingNotifier:
    def __init__(self) -> None:
        self.count = 0

    async def notify(self, change: RecordChange) -> bool:
        self.count += 1
        return True


def build_bodies(total: int, seed: int = 5) -> tuple[list[str], int]:
    """(message bodies, distinct resources): creations, their second deliveries, and read-only noise, shuffled."""
    rng = random.Random(seed)
    creates = int(total * CREATE_SHARE)
    duplicates = int(total * DUPLICATE_SHARE)
    bodies = [eventbridge(create_bucket_record(f"tfsync-bench-{n:06d}", event_id(n, "bench"))) for n in range(creates)]
    bodies += rng.sample(bodies, duplicates)
    bodies += [eventbridge(noise_record(n)) for n in range(total - creates - duplicates)]
    rng.shuffle(bodies)
    return bodies, creates


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()  # noqa: S310 - loopback
            return process, endpoint
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise SystemExit("consumer_bench: the moto server did not start") from None
            time.sleep(0.1)


def feed(sqs: Any, queue_url: str, bodies: list[str], sent: threading.Event) -> None:
    """Send every body, keeping at most FEED_AHEAD waiting; sets `sent` when the last is on the queue."""
    position = 0
    while position < len(bodies):
        waiting = int(
            sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"])[
                "Attributes"
            ]["ApproximateNumberOfMessages"]
        )
        if waiting >= FEED_AHEAD:
            time.sleep(0.05)
            continue
        for _ in range((FEED_AHEAD - waiting) // 10 + 1):
            batch = bodies[position : position + 10]
            if not batch:
                break
            sqs.send_message_batch(
                QueueUrl=queue_url, Entries=[{"Id": str(i), "MessageBody": b} for i, b in enumerate(batch)]
            )
            position += len(batch)
    sent.set()


async def consume(
    settings: Settings, sqs: Any, notifier: CountingNotifier, bodies: list[str]
) -> tuple[float, float, ConsumerStats]:
    """(wall seconds, consumer CPU seconds, stats) for consuming every body."""
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=settings.consumer_concurrency * 2 + 4))
    consumer = Consumer(
        settings,
        StateRepository(settings),
        sqs,
        boto3.client("s3", region_name=settings.aws_region, endpoint_url=aws.endpoint_url(settings, "s3")),
        ClassifierSource.fixed(settings, Classifier()),
        notifier,
    )
    feeder_sqs = boto3.client("sqs", region_name=settings.aws_region, endpoint_url=aws.endpoint_url(settings, "sqs"))
    sent = threading.Event()
    first = bodies[:FEED_AHEAD]
    feed(feeder_sqs, settings.queue_url or "", first, threading.Event())
    feeder = threading.Thread(
        target=feed, args=(feeder_sqs, settings.queue_url, bodies[FEED_AHEAD:], sent), daemon=True
    )
    stop = asyncio.Event()
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    task = asyncio.create_task(consumer.run(stop))
    feeder.start()
    while True:
        await asyncio.sleep(0.2)
        if not sent.is_set():
            continue
        attributes = (
            await asyncio.to_thread(
                sqs.get_queue_attributes,
                QueueUrl=settings.queue_url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )
        )["Attributes"]
        if all(int(v) == 0 for v in attributes.values()):
            break
    elapsed = time.perf_counter() - started
    stop.set()
    stats = await task
    # The feeder's and the progress checks' share of this process's CPU is small next to the consumer's.
    return elapsed, _cpu_seconds() - cpu_before, stats


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(events: int = 5000, concurrency: int | None = None) -> bool:
    """Print the figures; there is no target to miss, so True."""
    logging.basicConfig(level=logging.WARNING)
    sqs_process, sqs_endpoint = start_moto()
    dynamodb_process, dynamodb_endpoint = start_moto()
    try:
        env = {
            "AWS_ENDPOINT_URL": sqs_endpoint,
            "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_endpoint,
            "AWS_REGION": "us-east-1",
            "TFSYNC_RECEIVE_WAIT_SECONDS": "1",
        }
        if concurrency:
            env["TFSYNC_CONSUMER_CONCURRENCY"] = str(concurrency)
        os.environ.update({k: v for k, v in CREDENTIALS.items() if k not in os.environ})
        sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=sqs_endpoint)
        queue_url = sqs.create_queue(QueueName="tfsync-bench")["QueueUrl"]
        settings = Settings.from_env({**env, "TFSYNC_QUEUE_URL": queue_url})
        create_tables(settings)
        bodies, resources = build_bodies(events)
        notifier = CountingNotifier()
        elapsed, cpu, stats = asyncio.run(consume(settings, sqs, notifier, bodies))
        stored = sum(1 for _ in ResourceModel.scan(attributes_to_get=["resource_id"]))
        if stored != resources or notifier.count != resources:
            raise SystemExit(
                f"consumer_bench: {resources} resources sent, {stored} records stored, {notifier.count} notified"
            )
    finally:
        for process in (sqs_process, dynamodb_process):
            process.terminate()
            process.wait(timeout=10)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    size = sum(map(len, bodies)) / len(bodies)
    print(
        f"consumer_bench: {len(bodies)} messages ({resources} new resources, {int(events * DUPLICATE_SHARE)} "
        f"second deliveries, {len(bodies) - resources - int(events * DUPLICATE_SHARE)} read-only; mean {size:.0f} "
        f"bytes), concurrency {settings.consumer_concurrency}, moto servers for SQS and DynamoDB in their own processes"
    )
    print(f"  end to end:        {len(bodies) / elapsed:>10,.1f} messages/s   ({elapsed:.1f} s)")
    print(f"  records stored:    {resources / elapsed:>10,.1f} records/s   "
          f"({stored} records, {notifier.count} notified)")
    print(f"  consumer CPU:      {cpu / len(bodies) * 1000:>10,.2f} ms/message  "
          f"(at most {len(bodies) / cpu:,.0f} messages/s per core, were AWS instant)")
    print(f"  peak RSS:          {peak_mib:>10,.1f} MiB (consumer process)")
    print(f"  consumer stats:    {json.dumps(stats.as_dict())}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.consumer_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000, help="messages on the queue (default 5000)")
    parser.add_argument("--concurrency", type=int, help="messages in flight (default: the settings' default)")
    args = parser.parse_args(argv)
    run(args.events, args.concurrency)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
