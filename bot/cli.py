"""Command line: `python -m bot classify PATH...` and friends."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.classify import Classifier
from bot.config import Settings
from bot.errors import ConfigError, InputError
from bot.events import Envelope, parse_body
from bot.logs import configure as configure_logging
from bot.rules import load_rules

logger = logging.getLogger(__name__)


def _read_input(path: str, stdin: Any) -> bytes:
    if path == "-":
        return stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode()
    return Path(path).read_bytes()


def _build_classifier(settings: Settings, rules_path: Path | None) -> Classifier:
    rules = load_rules(rules_path) if rules_path else ()
    managed = None
    if settings.scoped_state_locations:
        from bot import aws
        from bot.managed import StateReader

        managed = StateReader(aws.client(settings, "s3"), settings.scoped_state_locations,
                              settings.max_log_file_bytes).load()
    return Classifier(own_roles=settings.own_role_arns, ignore_rules=rules, managed=managed)


def cmd_classify(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: Any) -> int:
    classifier = _build_classifier(settings, args.ignore_rules or settings.ignore_rules_file)
    s3 = None
    malformed = False
    for path in args.paths:
        source = path  # the spec names inputs as given; `-` is standard input
        try:
            data = _read_input(path, stdin)
        except OSError as exc:
            envelope = Envelope(source, errors=[InputError(source, f"cannot read: {exc.strerror}")])
        else:
            # A file may be a whole CloudTrail log file, so it gets the log-file limit, not the message one.
            envelope = parse_body(data, source, settings.max_log_file_bytes)
        if envelope.log_files:
            from bot import aws
            from bot.logfiles import expand

            s3 = s3 or aws.client(settings, "s3")
            envelope = expand(envelope, s3, settings.max_log_file_bytes)
        for note in envelope.notes:
            logger.info("%s", note)
        for event in envelope.service_events:
            # Not CloudTrail records, so no output line; said here so the input is not dropped silently.
            logger.info("%s: %s event, not a CloudTrail record; classify reads CloudTrail only", event.source,
                        event.kind)
        for result in classifier.classify_envelope(envelope):
            malformed |= result.verdict == "error"
            out.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
    return 1 if malformed else 0


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
        if args.command == "codegen":
            from bot.codegen.cli import cmd_codegen

            classifier = _build_classifier(settings, settings.ignore_rules_file)
            return cmd_codegen(args, settings, classifier, out, stdin)
    except ConfigError as exc:
        print(f"tfsync: {exc}", file=sys.stderr)
        return 2
    parser.print_help(sys.stderr)
    return 2
