"""What the emulator sends the app and how it hears the answer: the part Socket Mode and request URLs share.

Slack delivers each event, interaction and command either as a Socket Mode envelope (the app answers with an ack
frame) or as an HTTP request to the app's request URL (the HTTP response is the ack). Either way the emulator keeps
one `Envelope` per delivery and resolves it with one `Ack`, which it applies as Slack would (a response_action, a
command's answer shown as an ephemeral message); `Deliveries` does that bookkeeping for both transports.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Slack shows the person an error when an interaction is not acknowledged within three seconds.
ACK_DEADLINE_SECONDS = 3.0


@dataclass
class Ack:
    """What the app answered an envelope with; `payload` is None for a bare `ack()` (an empty HTTP response)."""

    envelope_id: str
    payload: dict[str, Any] | None
    seconds: float
    # Set when the emulator could not apply the answer (a response_action Slack would refuse, for instance), or when
    # the request URL did not answer 200.
    problem: str | None = None
    # The HTTP status the request URL answered with; None over Socket Mode, or when the app could not be reached.
    status: int | None = None


@dataclass
class Envelope:
    """One delivery to the app (a Socket Mode envelope or an HTTP request), and its ack once it arrives."""

    envelope_id: str
    type: str  # events_api, interactive or slash_commands, as Socket Mode names them
    payload: dict[str, Any]
    accepts_response_payload: bool
    sent_at: float = field(default_factory=time.monotonic)
    future: asyncio.Future[Ack] | None = None

    def to_wire(self) -> dict[str, Any]:
        """The Socket Mode frame."""
        data: dict[str, Any] = {
            "envelope_id": self.envelope_id,
            "payload": self.payload,
            "type": self.type,
            "accepts_response_payload": self.accepts_response_payload,
        }
        if self.type == "events_api":
            data["retry_attempt"] = 0
            data["retry_reason"] = ""
        return data

    @property
    def ack(self) -> Ack | None:
        if self.future is not None and self.future.done() and not self.future.cancelled():
            return self.future.result()
        return None

    async def wait_ack(self, seconds: float = ACK_DEADLINE_SECONDS) -> Ack:
        """The ack, waiting at most `seconds` (Slack's three by default); TimeoutError otherwise."""
        assert self.future is not None
        async with asyncio.timeout(seconds):
            return await asyncio.shield(self.future)


# Does what Slack does with an ack's payload; returns why it could not, if it could not.
AckHandler = Callable[[Envelope, Ack], "str | None"]


class Deliveries:
    """The envelopes one transport sent, and their acks, applied through `on_ack` once each."""

    def __init__(self, on_ack: AckHandler) -> None:
        self._on_ack = on_ack
        self.envelopes: dict[str, Envelope] = {}

    def new_envelope(self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool) -> Envelope:
        envelope = Envelope(envelope_id=str(uuid.uuid4()), type=kind, payload=payload,
                            accepts_response_payload=accepts_response_payload,
                            future=asyncio.get_running_loop().create_future())
        self.envelopes[envelope.envelope_id] = envelope
        return envelope

    def pending(self, envelope_id: str) -> Envelope | None:
        """The envelope still waiting for its ack, if this one is."""
        envelope = self.envelopes.get(envelope_id)
        if envelope is None or envelope.future is None or envelope.future.done():
            return None
        return envelope

    def acknowledge(self, envelope: Envelope, payload: dict[str, Any] | None, *, status: int | None = None,
                    problem: str | None = None) -> Ack:
        """Record the app's answer; an answer with no `problem` of its own is applied as Slack would."""
        ack = Ack(envelope_id=envelope.envelope_id, payload=payload, seconds=time.monotonic() - envelope.sent_at,
                  status=status, problem=problem)
        if problem is None:
            ack.problem = self._on_ack(envelope, ack)
        if envelope.future is not None and not envelope.future.done():
            envelope.future.set_result(ack)
        return ack
