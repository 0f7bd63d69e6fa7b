"""The embedded AWS keeps the promises the real services make where moto, served on many threads, does not."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from moto.sqs.models import Message


def test_concurrent_receives_never_hand_out_one_message_twice(
    aws_client: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto checks a message's visibility and then marks it received with no lock between, so two receives on two
    server threads could both take it: every receive within the visibility timeout must get a message no other did.
    The server runs in this process; a pause between the check and the mark gives every receive the chance to
    interleave there, as a loaded machine does now and then."""
    mark_received = Message.mark_received

    def slow_mark(self: Message, *args: Any, **kwargs: Any) -> None:
        time.sleep(0.002)
        mark_received(self, *args, **kwargs)

    monkeypatch.setattr(Message, "mark_received", slow_mark)
    sqs = aws_client("sqs")
    queue_url = sqs.create_queue(QueueName="concurrent-receives")["QueueUrl"]
    for start in range(0, 60, 10):
        sqs.send_message_batch(QueueUrl=queue_url, Entries=[
            {"Id": str(n), "MessageBody": f"message {n}"} for n in range(start, start + 10)])
    received: Counter[str] = Counter()
    lock = threading.Lock()

    def receive(client: Any) -> None:
        while True:
            messages = client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=300,
                                              WaitTimeSeconds=0).get("Messages", [])
            if not messages:
                return
            with lock:
                received.update(m["Body"] for m in messages)

    # A client each, made here: making boto3 clients on several threads at once is not safe.
    threads = [threading.Thread(target=receive, args=(aws_client("sqs"),)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [body for body, count in received.items() if count > 1] == []
    assert sorted(received) == sorted(f"message {n}" for n in range(60))


def test_a_long_poll_gets_a_message_sent_while_it_waits_and_holds_up_no_other_receive(
    aws_client: Callable[..., Any],
) -> None:
    sqs = aws_client("sqs")
    waiting_url = sqs.create_queue(QueueName="long-poll")["QueueUrl"]
    other_url = sqs.create_queue(QueueName="other")["QueueUrl"]
    sqs.send_message(QueueUrl=other_url, MessageBody="ready")
    polled: list[list[dict[str, Any]]] = []
    poller = aws_client("sqs")
    poll = threading.Thread(target=lambda: polled.append(poller.receive_message(
        QueueUrl=waiting_url, WaitTimeSeconds=20).get("Messages", [])))
    poll.start()

    # While the long poll waits on its queue, a receive elsewhere is answered, and what is sent reaches the poll.
    [other] = sqs.receive_message(QueueUrl=other_url, WaitTimeSeconds=0)["Messages"]
    assert other["Body"] == "ready" and poll.is_alive()
    sqs.send_message(QueueUrl=waiting_url, MessageBody="late")
    poll.join(timeout=30)

    assert [[m["Body"] for m in messages] for messages in polled] == [["late"]]
