"""`python -m bot scan`: every existing resource of the catalog's types, one JSON line each, managed or not.

    python -m bot scan [--region R]... [--type T]... [--account A]... [--unmanaged] [--record]

Each line is `{"tf_type", "import_id", "name", "arn", "region", "account_id", "managed", "state"}`, printed as the
resource is known. The exit status is 0 when the scan completed, 1 when any call failed or a Terraform state could not
be read (each named on standard error; everything else is still printed), 2 for a usage or configuration error.
`--record` also stores the unmanaged resources in tfsync's backlog (source `scan`), as `/tfsync scan` does.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import Any, TextIO

from bot.config import Settings
from bot.errors import InputError


def add_parser(sub: Any) -> None:
    scan = sub.add_parser(
        "scan",
        help="list existing resources of the catalog's types, managed or not, one JSON line each",
        description="List every existing resource of the catalog's types in the accounts and regions, each with the "
        "Terraform state that manages it (null: none). Exit 1 when a call failed (named on stderr).",
    )
    scan.add_argument("--region", action="append", default=[], metavar="R",
                      help="a region to list (repeatable; default TFSYNC_SCAN_REGIONS, else AWS_REGION)")
    scan.add_argument("--type", action="append", default=[], metavar="T", dest="types",
                      help="a Terraform type to list (repeatable; default every catalog type)")
    scan.add_argument("--account", action="append", default=[], metavar="A",
                      help="an account id to list (repeatable; default TFSYNC_SCAN_ACCOUNTS, else tfsync's own and "
                           "every account it has a role or route for)")
    scan.add_argument("--unmanaged", action="store_true", help="print only what no Terraform state manages")
    scan.add_argument("--record", action="store_true",
                      help="store the unmanaged resources in the backlog (source scan), as /tfsync scan does")


def cmd_scan(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from bot import aws
    from bot.accounts import AccountAccess, checked_account_id
    from bot.errors import NoAccountAccess
    from bot.managed import StateReader
    from bot.scan import ScanItem, Scanner, ScanRequest

    access = AccountAccess(settings, purpose="scan")
    try:
        accounts = tuple(checked_account_id(a) for a in args.account) or settings.accounts_to_scan(
            access.own_account_id())
    except NoAccountAccess as exc:
        print(f"tfsync scan: {exc}", file=sys.stderr)
        return 2
    request = ScanRequest(accounts=accounts, regions=tuple(args.region) or settings.regions_to_scan,
                          types=tuple(args.types))
    reader = StateReader(aws.client(settings, "s3"), settings.scoped_state_locations, settings.max_log_file_bytes)
    scanner = Scanner(access.scan_client, reader.load, concurrency=settings.scan_concurrency,
                      state_errors=lambda: [str(e) for e in reader.errors])
    lock = threading.Lock()

    def emit(item: ScanItem) -> None:
        if args.unmanaged and item.managed:
            return
        with lock:
            out.write(json.dumps(item.line(), separators=(",", ":")) + "\n")

    try:
        report = scanner.scan(request, emit)
    except InputError as exc:
        print(f"tfsync scan: {exc}", file=sys.stderr)
        return 2
    out.flush()
    for failure in report.failures:
        print(f"tfsync scan: {failure.describe()}", file=sys.stderr)
    for error in report.state_errors:
        print(f"tfsync scan: Terraform state not read, so what it manages may be listed unmanaged: {error}",
              file=sys.stderr)
    if args.record:
        import asyncio

        from bot.backlog import record_scan
        from bot.state import StateRepository

        outcome = asyncio.run(record_scan(StateRepository(settings), report, source="scan"))
        print(f"tfsync scan: recorded {outcome.describe()}", file=sys.stderr)
    print(f"tfsync scan: {len(report.items)} resources ({len(report.unmanaged)} unmanaged) in "
          f"{len(request.accounts)} account(s), {len(request.regions)} region(s); {report.api_calls} API calls, "
          f"{report.requests} requests, {report.seconds:.1f} s", file=sys.stderr)
    return 0 if report.complete else 1
