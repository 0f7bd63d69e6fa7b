"""`python -m bot` with no Slack tokens: one ready line, the figure from launch to ready, and a clean Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from renderers.slack.ids import Action

ROOT = Path(__file__).resolve().parents[2]
READY = re.compile(r"^tfsync sandbox ready at (http://127\.0\.0\.1:(\d+))$")
READY_WITHIN = 15.0
STOP_WITHIN = 10.0


def call(url: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + path, data=data, method="POST" if data else "GET",  # noqa: S310
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the sandbox on loopback
        return json.loads(response.read())


def adopt_one(url: str) -> None:
    call(url, "/sandbox/clickops", {"tf_type": "aws_s3_bucket", "name": "signal-check"})
    deadline = time.monotonic() + 20
    parent = None
    while parent is None and time.monotonic() < deadline:
        parent = next((m for m in call(url, "/sandbox/messages")["messages"] if "signal-check" in m["text"]), None)
        time.sleep(0.2)
    assert parent is not None
    view = call(url, "/sandbox/interact", {"user": "alice", "channel": parent["channel"], "message_ts": parent["ts"],
                                          "action_id": Action.RESOURCE_ADOPT})["view"]
    call(url, "/sandbox/views/submit", {"user": "alice", "view_id": view["id"], "values": {}})
    while time.monotonic() < deadline:
        thread = next(m for m in call(url, "/sandbox/messages")["messages"] if m["ts"] == parent["ts"])
        if any(reply["text"].startswith("Adopted") for reply in thread["replies"]):
            assert any("signal_check" in c["message"] for c in call(url, "/sandbox/git/log")["commits"])
            return
        time.sleep(0.1)
    raise AssertionError("the adopt did not finish")


def test_python_m_bot_starts_the_sandbox_then_stops_on_sigint(capsys: pytest.CaptureFixture[str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TFSYNC_", "SLACK_", "AWS_"))}
    env["TFSYNC_SANDBOX_PORT"] = "0"
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        selector = selectors.DefaultSelector()
        assert proc.stdout is not None
        selector.register(proc.stdout, selectors.EVENT_READ)
        line = ""
        while not line and time.monotonic() - started < READY_WITHIN + 15:
            if selector.select(timeout=0.5):
                line = proc.stdout.readline().rstrip("\n")
            assert proc.poll() is None or line, f"exited early: {proc.stderr.read() if proc.stderr else ''}"
        ready_after = time.monotonic() - started
        match = READY.match(line)
        assert match, f"not the ready line: {line!r}"
        with capsys.disabled():  # the figure is the point: shown even when pytest captures output
            print(f"\nsandbox start-up: {ready_after:.1f}s from launching `python -m bot` to the ready line")
        assert ready_after < READY_WITHIN

        url = match.group(1)
        with urllib.request.urlopen(url + "/sandbox/workspace", timeout=10) as response:  # noqa: S310
            assert response.status == 200
        # An adopt runs Terraform, whose Go runtime would take SIGINT and SIGTERM for itself in the bot's process
        # (bot.terraform runs it in child processes); Ctrl-C must still stop everything after one.
        adopt_one(url)

        stopping = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=STOP_WITHIN + 5)
        stopped_after = time.monotonic() - stopping
        with capsys.disabled():
            print(f"sandbox stop: {stopped_after:.1f}s from SIGINT to exit (after an adopt)")
        assert proc.returncode == 0, err[-2000:]
        assert stopped_after < STOP_WITHIN
        assert out == "", "the ready line is the only line on stdout; logs go to stderr"
        assert "Traceback" not in err, err[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_port_in_use_is_refused_with_the_setting_to_change() -> None:
    import socket

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TFSYNC_", "SLACK_", "AWS_"))}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        env["TFSYNC_SANDBOX_PORT"] = str(taken.getsockname()[1])
        done = subprocess.run([sys.executable, "-m", "bot"], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert "TFSYNC_SANDBOX_PORT" in done.stderr and "Traceback" not in done.stderr
