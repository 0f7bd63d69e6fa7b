"""Event to Slack: how soon a creation's parent message is in Slack, and a burst of creations in one channel.

The bot runs as production runs it, in its own process: `python -m bot` with both Slack tokens, its Socket Mode
connection and Web API calls going to the Slack emulator (served from this process), its AWS to moto (SQS and
DynamoDB each in a process of its own). Two measurements:

- **Latency**: one creation at a time, spread over five channels (routed by region) so no channel's one-post-a-
  second pace or burst window is in the way; the time from sending the EventBridge event to the queue to the
  emulator receiving the `chat.postMessage` of its parent message. p50 / p99 over the samples.
- **Burst**: N creations sent to the queue at once, all routed to one channel: how long until all are stored, how
  many top-level messages the channel gets for them, the shortest gap between two posts into the channel, and that
  every resource is shown exactly once.

The bot process's peak resident memory is its own high-water mark (VmHWM in /proc/<pid>/status), read before it
is stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.consumer_bench import start_moto
from bot import aws
from bot.config import Settings
from bot.state.schema import create_tables
from bot.state.tables import ResourceModel
from renderers.slack.ids import Action
from sandbox.aws import use_fake_credentials
from sandbox.slack import SlackEmulator, Workspace
from tests.consumer_events import create_bucket_record, event_id, eventbridge, queue_depth

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ("us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")
SPACING = 0.25  # seconds between latency samples: each channel sees one every 1.25 s
GOAL_P50_MS, GOAL_P99_MS = 100.0, 300.0
GOAL_STORED_SECONDS, GOAL_RSS_MIB = 10.0, 120.0


def _workspace() -> Workspace:
    workspace = Workspace()
    workspace.add_user("alice", email="alice@example.com", real_name="Alice Adams")
    workspace.add_channel("infra")
    for n in range(len(REGIONS)):
        workspace.add_channel(f"region-{n}")
    return workspace


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _wait(check: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"slack_bench: {what} did not happen within {seconds:.0f}s")
        await asyncio.sleep(0.002)


def _parent_post(emulator: SlackEmulator, name: str, seen: int) -> Any:
    return next((c for c in emulator.calls[seen:]
                 if c.method == "chat.postMessage" and c.ok and name in str(c.args.get("text", ""))), None)


async def _latencies(emulator: SlackEmulator, sqs: Any, queue_url: str, samples: int) -> list[float]:
    """Milliseconds from each creation's event sent to its parent message received, one creation at a time."""
    latencies = []
    for n in range(samples):
        name = f"bench-latency-{n:04d}"
        record = create_bucket_record(name, event_id(n, "slack-bench-latency"))
        record["awsRegion"] = REGIONS[n % len(REGIONS)]
        seen = len(emulator.calls)
        sent = time.monotonic()
        await asyncio.to_thread(sqs.send_message, QueueUrl=queue_url, MessageBody=eventbridge(record))
        await _wait(lambda name=name, seen=seen: _parent_post(emulator, name, seen), 30,
                    f"the parent message of {name}")
        latencies.append((_parent_post(emulator, name, seen).at - sent) * 1000)
        await asyncio.sleep(max(0.0, SPACING - (time.monotonic() - sent)))
    return latencies


async def _burst(sqs: Any, queue_url: str, burst: int, before: int) -> tuple[float, float]:
    """Send the burst at once; seconds until every creation is stored, and until Slack shows them all."""
    bodies = [eventbridge(create_bucket_record(f"bench-burst-{n:04d}", event_id(n, "slack-bench-burst")))
              for n in range(burst)]
    started = time.monotonic()
    for start in range(0, burst, 10):
        entries = [{"Id": str(i), "MessageBody": b} for i, b in enumerate(bodies[start:start + 10])]
        await asyncio.to_thread(sqs.send_message_batch, QueueUrl=queue_url, Entries=entries)
    # The bot deletes a message only once its record is stored: an empty queue is a stored burst (asked of SQS, so
    # that watching does not load the DynamoDB the bot is writing to).
    while await asyncio.to_thread(queue_depth, sqs, queue_url):
        if time.monotonic() - started > 120:
            raise SystemExit("slack_bench: the burst was not stored within 120 s")
        await asyncio.sleep(0.25)
    stored_after = time.monotonic() - started
    if await asyncio.to_thread(ResourceModel.count) != before + burst:
        raise SystemExit("slack_bench: the queue is empty but not every creation has its record")
    while await asyncio.to_thread(lambda: list(ResourceModel.by_pending.query("pending", limit=1))):
        if time.monotonic() - started > 600:
            raise SystemExit("slack_bench: the burst was not shown within 600 s")
        await asyncio.sleep(0.5)
    return stored_after, time.monotonic() - started


def _channel_figures(emulator: SlackEmulator, channel: str) -> dict[str, Any]:
    """What the channel got: top-level messages, digests, each resource's buttons counted, posts and their gaps."""
    top = emulator.messages(channel)
    counts: Counter[str] = Counter()
    for parent in top:
        for message in emulator.thread(channel, parent.ts):
            counts.update(e["value"] for b in message.blocks if b.get("type") == "actions"
                          for e in b.get("elements", []) if e.get("action_id") == Action.RESOURCE_ADOPT)
    channel_id = emulator.workspace.channel(channel).id
    posts = sorted(c.at for c in emulator.calls_to("chat.postMessage")
                   if c.ok and c.response.get("channel") == channel_id)
    gaps = [b - a for a, b in itertools.pairwise(posts)]
    return {
        "top": len(top), "digests": sum("new resources" in (m.text or "") for m in top),
        "shown_once": set(counts.values()) == {1}, "shown": len(counts), "posts": len(posts),
        "min_gap": min(gaps) if gaps else float("nan"),
        "updates": len([c for c in emulator.calls_to("chat.update") if c.ok]),
    }


async def _measure(settings: Settings, env: dict[str, str], samples: int, burst: int,
                   cpu_of: tuple[tuple[str, int], ...]) -> dict[str, Any]:
    sqs = aws.client(settings, "sqs")
    assert settings.queue_url is not None
    async with SlackEmulator(_workspace()) as emulator:
        workspace = emulator.workspace
        routes = ",".join(f'{{"channel": "{workspace.channel(f"region-{n}").id}", "region": "{region}"}}'
                          for n, region in enumerate(REGIONS))
        child_env = {
            **env,
            "SLACK_API_URL": emulator.api_url, "SLACK_BOT_TOKEN": emulator.bot_token,
            "SLACK_APP_TOKEN": emulator.app_token, "TFSYNC_SLACK_CHANNEL": workspace.channel("infra").id,
            "TFSYNC_SLACK_ROUTES": f"[{routes}]", "TFSYNC_LOG_LEVEL": "WARNING",
        }
        bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", env=child_env, cwd=ROOT)
        try:
            await emulator.wait_connected(60)
            latencies = await _latencies(emulator, sqs, settings.queue_url, samples)
            cpu = {name: _cpu_seconds(pid) for name, pid in (("bot", bot.pid), *cpu_of)}
            stored_after, shown_after = await _burst(sqs, settings.queue_url, burst, samples)
            cpu = {name: _cpu_seconds(pid) - cpu[name] for name, pid in (("bot", bot.pid), *cpu_of)}
            peak = _peak_rss_mib(bot.pid)
        finally:
            bot.terminate()
            try:
                await asyncio.wait_for(bot.wait(), 30)
            except TimeoutError:
                bot.kill()
                await bot.wait()
        return {"latencies": latencies, "stored_after": stored_after, "shown_after": shown_after, "peak_mib": peak,
                "cpu": cpu,
                **_channel_figures(emulator, "infra")}


def run(samples: int = 60, burst: int = 500) -> bool:
    """Print the figures; True when every goal is met."""
    logging.basicConfig(level=logging.WARNING)
    use_fake_credentials()
    # AWS in processes of its own (one for SQS, one for DynamoDB, as they are separate services), so the figures
    # are the bot's and not the emulator's share of this process's CPU.
    sqs_server, sqs_endpoint = start_moto()
    dynamodb_server, dynamodb_endpoint = start_moto()
    folder = tempfile.TemporaryDirectory(prefix="tfsync-slack-bench-")
    repository = Path(folder.name) / "infrastructure"
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    try:
        env = {**{k: v for k, v in os.environ.items() if not k.startswith(("TFSYNC_", "SLACK_"))},
               "AWS_ENDPOINT_URL": sqs_endpoint, "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_endpoint,
               "AWS_REGION": "us-east-1", "TFSYNC_RECEIVE_WAIT_SECONDS": "1",
               "TFSYNC_REPOSITORY_PATH": str(repository)}
        settings = Settings.from_env(env)
        create_tables(settings)
        env["TFSYNC_QUEUE_URL"] = aws.client(settings, "sqs").create_queue(QueueName="tfsync-bench")["QueueUrl"]
        settings = Settings.from_env(env)
        cpu_of = (("moto SQS", sqs_server.pid), ("moto DynamoDB", dynamodb_server.pid))
        figures = asyncio.run(_measure(settings, env, samples, burst, cpu_of))
    finally:
        for process in (sqs_server, dynamodb_server):
            process.terminate()
            process.wait(timeout=10)
        folder.cleanup()
    lat = sorted(figures["latencies"])
    p50 = statistics.median(lat)
    p99 = lat[min(len(lat) - 1, round(0.99 * (len(lat) - 1)))]
    met = (p50 <= GOAL_P50_MS and p99 <= GOAL_P99_MS and figures["stored_after"] <= GOAL_STORED_SECONDS
           and figures["digests"] == 1 and figures["shown_once"] and figures["shown"] == burst
           and figures["min_gap"] >= 0.95 and figures["peak_mib"] <= GOAL_RSS_MIB)
    print("slack_bench: the bot as `python -m bot` in its own process; the Slack emulator in the bench's, moto in two "
          "more")
    print(f"  event -> parent:   p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  max {lat[-1]:6.1f} ms  ({len(lat)} samples;"
          f" goal {GOAL_P50_MS:.0f} / {GOAL_P99_MS:.0f} ms)")
    print(f"  {burst} creations:   stored in {figures['stored_after']:.1f} s (goal {GOAL_STORED_SECONDS:.0f} s), "
          f"all shown in {figures['shown_after']:.1f} s")
    print(f"  top-level messages: {figures['top']} ({figures['digests']} digest); each resource shown once: "
          f"{figures['shown_once']} ({figures['shown']} resources)")
    print(f"  channel posts:     {figures['posts']} chat.postMessage, {figures['updates']} chat.update; shortest gap "
          f"{figures['min_gap']:.2f} s (at most one a second)")
    print("  CPU in the burst:  " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in figures["cpu"].items()))
    print(f"  bot peak RSS:      {figures['peak_mib']:.1f} MiB (goal {GOAL_RSS_MIB:.0f} MiB)")
    print(f"  goals met:         {met}")
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.slack_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=60, help="latency samples (default 60)")
    parser.add_argument("--burst", type=int, default=500, help="creations in the burst (default 500)")
    args = parser.parse_args(argv)
    return 0 if run(args.samples, args.burst) else 1


if __name__ == "__main__":
    raise SystemExit(main())
