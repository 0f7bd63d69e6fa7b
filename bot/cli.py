"""Command line: `python -m bot classify PATH...` and friends."""

from __future__ import annotations

import argparse
import codecs
import io
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import msgspec

from bot.classify import Classification, Classifier, error
from bot.config import Settings
from bot.errors import ConfigError, InputError
from bot.events import CloudTrailRecord, Envelope
from bot.logfiles import read_log_file
from bot.logs import configure as configure_logging
from bot.rules import load_rules

logger = logging.getLogger(__name__)


def _build_classifier(settings: Settings, rules_path: Path | None) -> Classifier:
    rules = load_rules(rules_path) if rules_path else ()
    managed = None
    if settings.scoped_state_locations:
        from bot import aws
        from bot.managed import StateReader

        managed = StateReader(aws.client(settings, "s3"), settings.scoped_state_locations,
                              settings.max_log_file_bytes).load()
    return Classifier(own_roles=settings.own_role_arns, ignore_rules=rules, managed=managed)


class _Lines:
    """The output lines of one input, held (on disk past a few MiB) until the input is read whole.

    A log file is read as a stream and its records classified as they come, so a file of any size takes the same
    memory; its lines wait here, because a file that turns out unreadable part-way is reported as one error line,
    without the records before the fault, as when it was read at once.
    """

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 - closed by copy_to
        self.pending = bytearray()  # lines encoded straight into it, written to the file a batch at a time
        self.errors = False

    def add(self, result: Classification) -> None:
        if result.verdict == "error":
            self.errors = True
        pending = self.pending
        end = len(pending)
        try:
            _ENCODER.encode_into(result.as_dict(), pending, -1)
        except UnicodeEncodeError:
            # A string with a lone surrogate (JSON may escape one) has no UTF-8 form: escaped, it is still JSON.
            del pending[end:]
            pending += json.dumps(result.as_dict(), separators=(",", ":")).encode()
        pending.append(10)  # newline
        if len(pending) >= _BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.file.write(self.pending)
            self.pending.clear()

    def mark(self) -> tuple[int, bool]:
        self.flush()
        return self.file.tell(), self.errors

    def back_to(self, mark: tuple[int, bool]) -> None:
        """Drop the lines added since `mark`."""
        self.pending.clear()
        self.file.seek(mark[0])
        self.file.truncate()
        self.errors = mark[1]

    def copy_to(self, out: TextIO) -> None:
        self.flush()
        self.file.seek(0)
        buffer = getattr(out, "buffer", None)
        with self.file:
            if buffer is not None:
                out.flush()
                shutil.copyfileobj(self.file, buffer, _SPOOL_BYTES)
                buffer.flush()
                return
            decoder = codecs.getincrementaldecoder("utf-8")()  # a chunk may end inside a character
            while chunk := self.file.read(_SPOOL_BYTES):
                out.write(decoder.decode(chunk))


_SPOOL_BYTES = 8 << 20
_BATCH_BYTES = 1 << 20
_ENCODER = msgspec.json.Encoder()


def _open_input(path: str, stdin: Any, limit: int) -> tuple[BinaryIO, str | None]:
    """The input's bytes as a stream, or the problem that stops it being read (over the size limit)."""
    if path == "-":
        data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode()
        stream: BinaryIO = io.BytesIO(data)
        size = len(data)
    else:
        stream = Path(path).open("rb")  # noqa: SIM115 - closed by the caller
        size = os.fstat(stream.fileno()).st_size
    if size > limit:
        stream.close()
        return stream, f"body is {size} bytes, over the {limit}-byte limit"
    return stream, None


def _read(path: str, stdin: Any, settings: Settings, classifier: Classifier, lines: _Lines) -> Envelope:
    """Read one input in any shape tfsync accepts, its records classified into `lines` as they are read."""
    source = path  # the spec names inputs as given; `-` is standard input
    limit = settings.max_log_file_bytes  # a file may be a whole CloudTrail log file, so the log-file limit
    try:
        stream, problem = _open_input(path, stdin, limit)
    except OSError as exc:
        return Envelope(source, errors=[InputError(source, f"cannot read: {exc.strerror}")])
    if problem is not None:
        return Envelope(source, errors=[InputError(source, problem)])
    mark = lines.mark()
    with stream:
        return read_log_file(
            stream, source, limit, keep=_classify_into(classifier, lines), notifications=True, max_item_errors=None,
            discard=_back_to(lines, mark),
            io_error=lambda exc: InputError(source, f"cannot read: {getattr(exc, 'strerror', None) or exc}"),
        )


def _back_to(lines: _Lines, mark: tuple[int, bool]) -> Callable[[], None]:
    return lambda: lines.back_to(mark)


def _classify_into(classifier: Classifier, lines: _Lines) -> Callable[[CloudTrailRecord], bool]:
    classify, add = classifier.classify, lines.add

    def keep(record: CloudTrailRecord) -> bool:
        add(classify(record))
        return False  # classified and written: nothing of it is held

    return keep


def cmd_classify(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: Any) -> int:
    classifier = _build_classifier(settings, args.ignore_rules or settings.ignore_rules_file)
    s3 = None
    malformed = False
    for path in args.paths:
        lines = _Lines()
        envelope = _read(path, stdin, settings, classifier, lines)
        errors = list(envelope.errors)
        if envelope.log_files:
            from bot import aws
            from bot.logfiles import fetch_log_file

            s3 = s3 or aws.client(settings, "s3")
            for ref in envelope.log_files:
                part = fetch_log_file(s3, ref, settings.max_log_file_bytes, keep=_classify_into(classifier, lines),
                                      discard=_back_to(lines, lines.mark()))
                errors.extend(part.errors)
                envelope.notes.extend(part.notes)
        for note in envelope.notes:
            logger.info("%s", note)
        for event in envelope.service_events:
            # Not CloudTrail records, so no output line; said here so the input is not dropped silently.
            logger.info("%s: %s event, not a CloudTrail record; classify reads CloudTrail only", event.source,
                        event.kind)
        for exc in errors:
            lines.add(error(exc))
        malformed |= lines.errors
        lines.copy_to(out)
    return 1 if malformed else 0


# The commands main() runs itself; with none, the composition root's default runs tfsync (bot/__main__.py).
ENGINE_COMMANDS = frozenset({"classify", "worker", "health", "codegen", "scan"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="tfsync: keep AWS and Terraform in sync")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    classify = sub.add_parser(
        "classify",
        help="classify CloudTrail inputs, one JSON line per record",
        description="Read CloudTrail inputs in any shape tfsync accepts and print one JSON object per record.",
    )
    classify.add_argument("paths", nargs="+", metavar="PATH", help="input file, or - for standard input")
    classify.add_argument("--ignore-rules", type=Path, help="JSON file of ignore rules")
    worker = sub.add_parser(
        "worker",
        help="consume the queue into resource records until SIGTERM",
        description="Long-poll TFSYNC_QUEUE_URL, store each detected resource in DynamoDB and notify; exits 0 on "
        "SIGTERM or SIGINT after finishing or releasing the messages in flight.",
    )
    worker.add_argument("--create-tables", action="store_true", help="create missing state tables first (sandbox)")
    sub.add_parser(
        "health",
        help="exit 0 when the running bot's heartbeat is fresh and reports no problem (the container health check)",
        description="Read the heartbeat the running bot rewrites every few seconds; print why it is unhealthy and "
        "exit 1 when it is missing, stale or reports a problem. Makes no network call.",
    )
    from bot.codegen.cli import add_parser as add_codegen_parser

    add_codegen_parser(sub)
    from bot.scan_cli import add_parser as add_scan_parser

    add_scan_parser(sub)
    return parser


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.consumer import run_worker

    if args.create_tables:
        from bot.state.schema import create_tables

        create_tables(settings)
    asyncio.run(run_worker(settings))
    return 0


DefaultCommand = Callable[[Settings, TextIO], int]


def main(argv: Sequence[str] | None = None, env: dict[str, str] | None = None, out: TextIO | None = None,
         stdin: Any = None, default: DefaultCommand | None = None) -> int:
    """The engine's commands; with no command, `default` (the composition root runs tfsync or the sandbox)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env(env)
    except ConfigError as exc:
        print(f"tfsync: configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    out = out or sys.stdout
    stdin = stdin or sys.stdin
    try:
        if args.command == "classify":
            return cmd_classify(args, settings, out, stdin)
        if args.command == "worker":
            return cmd_worker(args, settings)
        if args.command == "health":
            from bot.health import check

            healthy, why = check()
            print(f"{'healthy' if healthy else 'unhealthy'}: {why}", file=out if healthy else sys.stderr)
            return 0 if healthy else 1
        if args.command is None and default is not None:
            return default(settings, out)
        if args.command == "scan":
            from bot.scan_cli import cmd_scan

            return cmd_scan(args, settings, out)
        if args.command == "codegen":
            from bot.codegen.cli import cmd_codegen

            classifier = _build_classifier(settings, settings.ignore_rules_file)
            return cmd_codegen(args, settings, classifier, out, stdin)
    except ConfigError as exc:
        print(f"tfsync: {exc}", file=sys.stderr)
        return 2
    parser.print_help(sys.stderr)
    return 2
