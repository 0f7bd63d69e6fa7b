"""`python -m bot codegen EVENT_FILE`: the Terraform code that would adopt what a CloudTrail input created."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from botocore.exceptions import BotoCoreError

from bot.accounts import AccountAccess
from bot.classify import Classifier
from bot.codegen import (
    CodeGenerator,
    CodegenError,
    GeneratedFile,
    check_with_terraform,
    parse_module_path,
    write,
)
from bot.config import Settings
from bot.errors import InputError, NoAccountAccess
from bot.events import CloudTrailRecord, Envelope, parse_body

logger = logging.getLogger(__name__)


def add_parser(sub: Any) -> None:
    """Register the codegen subcommand on the CLI's subparsers."""
    parser = sub.add_parser(
        "codegen",
        help="print (or write) the Terraform code that adopts the resources an input created",
        description="Read a CloudTrail input in any shape classify accepts and print, for every detected resource, "
        "the files that adopt it: a resource block and an import block. With --out, write them there instead.",
    )
    parser.add_argument("path", metavar="EVENT_FILE", help="input file, or - for standard input")
    parser.add_argument("--name", help="the resource's Terraform name (sanitised, made unique)")
    parser.add_argument("--module", help="target child module, e.g. network or module.network.module.subnets")
    parser.add_argument("--describe", action="store_true",
                        help="read the live configuration through the configured AWS endpoint")
    parser.add_argument("--out", type=Path, metavar="DIR", help="root module folder to write the files into")


def _read(path: str, stdin: Any) -> bytes:
    if path == "-":
        return stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode()
    return Path(path).read_bytes()


def _envelope(path: str, settings: Settings, stdin: Any) -> Envelope:
    source = "<stdin>" if path == "-" else path
    try:
        data = _read(path, stdin)
    except OSError as exc:
        return Envelope(source, errors=[InputError(source, f"cannot read: {exc.strerror}")])
    envelope = parse_body(data, source, settings.max_log_file_bytes)
    if envelope.log_files:
        from bot import aws
        from bot.logfiles import expand

        envelope = expand(envelope, aws.client(settings, "s3"), settings.max_log_file_bytes)
    return envelope


def print_files(files: list[GeneratedFile], out: TextIO) -> None:
    for generated in files:
        out.write(f"==> {generated.path} <==\n{generated.content}\n")


def cmd_codegen(args: argparse.Namespace, settings: Settings, classifier: Classifier, out: TextIO, stdin: Any) -> int:
    """Exit 0 when code was generated for every detected resource, 1 when the input or any resource failed."""
    try:
        modules = parse_module_path(args.module)
    except CodegenError as exc:
        print(f"tfsync: --module: {exc}", file=sys.stderr)
        return 2
    generator = CodeGenerator(default_region=settings.aws_region)
    accounts = _describe_accounts(settings) if args.describe else None
    envelope = _envelope(args.path, settings, stdin)
    for problem in envelope.errors:
        print(f"tfsync: {problem}", file=sys.stderr)
    files, generated, failed = _generate(envelope.records, classifier, generator, args, modules, accounts)
    if not _emit(files, args.out, out):
        return 1
    return 1 if envelope.errors or failed or not generated else 0


def _describe_accounts(settings: Settings) -> AccountAccess:
    """Where --describe reads the live configuration: each resource in its own account (bot/accounts.py)."""
    return AccountAccess(settings, purpose="codegen")


def _generate(
    records: Iterable[CloudTrailRecord],
    classifier: Classifier,
    generator: CodeGenerator,
    args: argparse.Namespace,
    modules: tuple[str, ...],
    accounts: AccountAccess | None = None,
) -> tuple[list[GeneratedFile], int, bool]:
    """(files, resources generated, whether a record or a resource failed) for the detected resources of `records`."""
    files: list[GeneratedFile] = []
    taken: set[str] = set()
    generated = 0
    failed = False
    for record in records:
        result = classifier.classify(record)
        if result.verdict != "detected":
            print(f"tfsync: {record.source}: {record.event_name}: {result.verdict}: {result.reason}; no code",
                  file=sys.stderr)
            failed |= result.verdict == "error"
            continue
        for resource in result.resources:
            try:
                if accounts is not None:
                    accounts.require(resource.account_id)
                    generator = generator.with_clients(accounts.factory(resource.account_id))
                generation = generator.generate(
                    resource, record, name=args.name, modules=modules, root=args.out, describe=args.describe,
                    taken=taken,
                )
            except (CodegenError, BotoCoreError, NoAccountAccess) as exc:
                # BotoCoreError: no endpoint, no credentials; NoAccountAccess: no role in the resource's account (its
                # namesake in tfsync's own is never read instead); a describe that AWS refused falls back instead.
                print(f"tfsync: {resource.tf_type} {resource.import_id}: {exc}", file=sys.stderr)
                failed = True
                continue
            taken.add(f"{resource.tf_type}.{generation.label}")
            files.extend(generation.files)
            generated += 1
    return files, generated, failed


def _emit(files: list[GeneratedFile], root: Path | None, out: TextIO) -> bool:
    """Check the files with Terraform, then write them under `root` (or print them); False when either failed."""
    try:
        check_with_terraform(files)
    except CodegenError as exc:
        print(f"tfsync: {exc}", file=sys.stderr)
        return False
    if root is None:
        print_files(files, out)
        return True
    try:
        for path in write(files, root):
            out.write(f"{path}\n")
    except (CodegenError, OSError) as error:
        print(f"tfsync: {error}", file=sys.stderr)
        return False
    return True
