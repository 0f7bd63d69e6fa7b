"""tfsync's own metrics, as CloudWatch embedded metric format (EMF) log lines.

A line whose whole text is a JSON object with an `_aws` member (`Timestamp` in milliseconds, `CloudWatchMetrics`:
the namespace, the dimension sets and each metric's name and unit) and the values at its top level is turned into
CloudWatch metrics by CloudWatch Logs itself, in whatever log group the line lands in: the ECS task's `awslogs`
driver, like any PutLogEvents, needs no agent, header or permission beyond the log writes it already has.

The metrics (namespace `tfsync`; the dimensions take a handful of values each, never a resource's name or id):

- `Detections` by `Verdict` (detected, ignored, managed, unsupported, error): each CloudTrail record the consumer
  classified (of a log file, the records it kept: those that may change state);
- `Decisions` by `Kind` (adopt, delete, ignore) and `Outcome` (started, succeeded, failed);
- `AdoptGateFailures`: adoptions the clean-plan gate refused (a plan that was not exactly the expected imports);
- `QueueLag` (seconds): from SQS's `SentTimestamp` of a message to the consumer starting on it;
- `ConsumerErrors`, in all and by `Reason` (failed: comes back after the visibility timeout; malformed: released to
  the redrive policy), one per delivery;
- `SlackErrors`, in all and by `Error` (Slack's error code, `ratelimited` for an HTTP 429, `http_<status>` for an
  answer without one, the exception's name for a connection that failed), one per answer, retried or not (the
  answers a caller expects, such as a person not found by email, are not errors).

Recording a value is a few dictionary operations under a lock and never raises; the lines are written by a
background thread every `FLUSH_SECONDS` (and at exit), one line per metric and dimension values with the interval's
sum (counts) or its values (QueueLag, at most 100 a line). A burst of hundreds of events is a handful of lines,
not hundreds, and the event loop never waits on a write. The lines go through their own logger, `tfsync.metrics`,
to stderr with nothing around them: not through the root logger's `LEVEL name:` format (bot/logs.py), which would
make them no longer JSON, and whatever the log level.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import math
import random
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TextIO

logger = logging.getLogger(__name__)

NAMESPACE = "tfsync"
LOGGER_NAME = "tfsync.metrics"
# How often the background thread writes what was recorded; alarms look at periods of a minute or more.
FLUSH_SECONDS = 10.0
# EMF: at most 100 values for one metric in one line.
MAX_VALUES_PER_LINE = 100
# Values of one distribution kept per interval; beyond it a random sample of this many stands for them all.
MAX_SAMPLES = 1000
# Distinct dimension values one metric may take in a process; later ones are counted as "other".
MAX_SERIES = 50
_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]+")
_MAX_VALUE_CHARS = 64


@dataclass(frozen=True, slots=True)
class Metric:
    """One metric: its name, its CloudWatch unit, its dimensions, and whether it is also emitted without them (the
    total an alarm watches, whichever dimension value each event had)."""

    name: str
    unit: str
    dimensions: tuple[str, ...] = ()
    rollup: bool = False
    distribution: bool = False  # values are kept one by one (percentiles), not summed


DETECTIONS = Metric("Detections", "Count", ("Verdict",))
DECISIONS = Metric("Decisions", "Count", ("Kind", "Outcome"))
ADOPT_GATE_FAILURES = Metric("AdoptGateFailures", "Count")
QUEUE_LAG = Metric("QueueLag", "Seconds", distribution=True)
CONSUMER_ERRORS = Metric("ConsumerErrors", "Count", ("Reason",), rollup=True)
SLACK_ERRORS = Metric("SlackErrors", "Count", ("Error",), rollup=True)
METRICS = (DETECTIONS, DECISIONS, ADOPT_GATE_FAILURES, QUEUE_LAG, CONSUMER_ERRORS, SLACK_ERRORS)

_Key = tuple[Metric, tuple[tuple[str, str], ...]]


@dataclass(slots=True)
class _Series:
    total: float = 0.0
    values: list[float] | None = None
    seen: int = 0  # values offered this interval (the sample keeps MAX_SAMPLES of them)


def dimension_value(value: object) -> str:
    """A dimension value CloudWatch takes: ASCII letters, digits and `_.:-`, at most 64 characters, never empty."""
    text = _UNSAFE.sub("_", str(value))[:_MAX_VALUE_CHARS].strip("_")
    return text or "none"


class _StderrHandler(logging.Handler):
    """Writes each line to the stderr of the moment (a test's capture included), and nothing but the line."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(record.getMessage() + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


def emf_logger() -> logging.Logger:
    """The logger EMF lines go through: its own handler, no propagation to the root's formatting, always on."""
    emf = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(h, _StderrHandler) for h in emf.handlers):
        emf.addHandler(_StderrHandler())
    emf.setLevel(logging.INFO)
    emf.propagate = False
    return emf


class Metrics:
    """Counts and values recorded by the engine and the Slack adapters, written as EMF lines per interval.

    `sink` takes each finished line (default: the `tfsync.metrics` logger to stderr; `stream` writes to a stream
    instead). With `interval=None` no thread is started and lines are written only by `flush()` (tests).
    """

    def __init__(
        self,
        *,
        namespace: str = NAMESPACE,
        interval: float | None = FLUSH_SECONDS,
        sink: Callable[[str], None] | None = None,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.namespace = namespace
        self.interval = interval
        self.clock = clock
        if sink is None and stream is not None:
            sink = _stream_sink(stream)
        self._sink = sink
        self._lock = threading.Lock()
        self._series: dict[_Key, _Series] = {}
        self._known: dict[Metric, set[tuple[tuple[str, str], ...]]] = {}
        # Sampling, not security.
        self._random = random.Random()  # noqa: S311
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._complained = False

    # Recording ----------------------------------------------------------------------------------------------------

    def count(self, metric: Metric, value: float = 1, **dimensions: object) -> None:
        """Add `value` to a count; never raises."""
        self._record(metric, value, dimensions)

    def observe(self, metric: Metric, value: float, **dimensions: object) -> None:
        """Keep one value of a distribution (QueueLag); never raises."""
        self._record(metric, value, dimensions)

    def _record(self, metric: Metric, value: float, dimensions: dict[str, object]) -> None:
        try:
            if not isinstance(value, int | float) or not math.isfinite(value):
                return
            if set(dimensions) != set(metric.dimensions):
                self._complain(f"{metric.name} takes the dimensions {metric.dimensions}, not {tuple(dimensions)}")
                return
            dims = tuple((name, dimension_value(dimensions[name])) for name in metric.dimensions)
            with self._lock:
                dims = self._bounded(metric, dims)
                series = self._series.setdefault((metric, dims), _Series())
                series.total += value
                series.seen += 1
                if metric.distribution:
                    self._sample(series, float(value))
            self._start()
        except Exception:  # a metric is never worth failing the work it describes
            self._complain("recording a metric failed", exc_info=True)

    def _bounded(self, metric: Metric, dims: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        known = self._known.setdefault(metric, set())
        if dims in known or not dims:
            return dims
        if len(known) >= MAX_SERIES:
            return tuple((name, "other") for name, _ in dims)
        known.add(dims)
        return dims

    def _sample(self, series: _Series, value: float) -> None:
        if series.values is None:
            series.values = []
        if len(series.values) < MAX_SAMPLES:
            series.values.append(value)
            return
        slot = self._random.randrange(series.seen)
        if slot < MAX_SAMPLES:
            series.values[slot] = value

    def _complain(self, message: str, *, exc_info: bool = False) -> None:
        if not self._complained:
            self._complained = True
            logger.warning("metrics: %s (said once)", message, exc_info=exc_info)

    # Writing ------------------------------------------------------------------------------------------------------

    def flush(self) -> list[str]:
        """Write what was recorded since the last flush as EMF lines; returns them. Never raises."""
        with self._lock:
            taken, self._series = self._series, {}
        if not taken:
            return []
        try:
            timestamp = int(self.clock() * 1000)
            lines = [line for key, series in taken.items() for line in self._lines(key, series, timestamp)]
        except Exception:
            self._complain("building metric lines failed", exc_info=True)
            return []
        sink = self._sink or emf_logger().info
        for line in lines:
            try:
                sink(line)
            except Exception:
                self._complain("writing a metric line failed", exc_info=True)
        return lines

    def _lines(self, key: _Key, series: _Series, timestamp: int) -> Iterator[str]:
        metric, dims = key
        if metric.distribution:
            values = [round(v, 3) for v in series.values or []]
            chunks: list[float | list[float]] = [
                values[i : i + MAX_VALUES_PER_LINE] for i in range(0, len(values), MAX_VALUES_PER_LINE)
            ]
        else:
            total = series.total
            chunks = [int(total) if float(total).is_integer() else round(total, 6)]
        names = [name for name, _ in dims]
        dimension_sets = [names, []] if names and metric.rollup else [names]
        for chunk in chunks:
            value = chunk[0] if isinstance(chunk, list) and len(chunk) == 1 else chunk
            document = {
                "_aws": {
                    "Timestamp": timestamp,
                    "CloudWatchMetrics": [
                        {
                            "Namespace": self.namespace,
                            "Dimensions": dimension_sets,
                            "Metrics": [{"Name": metric.name, "Unit": metric.unit}],
                        }
                    ],
                },
                **dict(dims),
                metric.name: value,
            }
            yield json.dumps(document, separators=(",", ":"))

    # The background writer ----------------------------------------------------------------------------------------

    def _start(self) -> None:
        if self.interval is None or self._thread is not None:
            return
        with self._lock:
            if self._thread is not None:
                return
            thread = self._thread = threading.Thread(target=self._run, name="tfsync-metrics", daemon=True)
        thread.start()
        atexit.register(self.close)

    def _run(self) -> None:
        assert self.interval is not None
        while not self._stop.wait(self.interval):
            self.flush()

    def close(self) -> None:
        """Stop the background writer and write what is left."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)
        self.flush()


def _stream_sink(stream: TextIO) -> Callable[[str], None]:
    lock = threading.Lock()

    def write(line: str) -> None:
        with lock:
            stream.write(line + "\n")
            stream.flush()

    return write


# The process's metrics --------------------------------------------------------------------------------------------

_current: Metrics | None = None
_current_lock = threading.Lock()


def current() -> Metrics:
    """The metrics this process records into (made at first use: EMF lines to stderr every FLUSH_SECONDS)."""
    global _current
    if _current is None:
        with _current_lock:
            if _current is None:
                _current = Metrics()
    return _current


def install(metrics: Metrics | None) -> Metrics | None:
    """Make `metrics` the process's (None: a default one at next use); returns the one it replaces."""
    global _current
    with _current_lock:
        previous, _current = _current, metrics
    return previous


@contextlib.contextmanager
def installed(metrics: Metrics) -> Iterator[Metrics]:
    """The process records into `metrics` inside the block (tests); the one before is back after it."""
    previous = install(metrics)
    try:
        yield metrics
    finally:
        install(previous)


def count(metric: Metric, value: float = 1, **dimensions: object) -> None:
    """Add to a count of the process's metrics; never raises."""
    try:
        current().count(metric, value, **dimensions)
    except Exception:  # pragma: no cover - current() builds a plain object
        logger.debug("metrics unavailable", exc_info=True)


def observe(metric: Metric, value: float, **dimensions: object) -> None:
    """Keep a value of a distribution of the process's metrics; never raises."""
    try:
        current().observe(metric, value, **dimensions)
    except Exception:  # pragma: no cover - current() builds a plain object
        logger.debug("metrics unavailable", exc_info=True)
