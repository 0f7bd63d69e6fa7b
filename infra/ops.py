"""Deployment steps Terraform should not do: put the secret values, restart the bot's service.

    python -m infra.ops secrets --slack-secret-id ARN --repository-secret-id ARN [--slack-mode socket|http]
                                [--from-stdin] [--region R]
    python -m infra.ops restart --cluster ARN --service NAME [--region R]

Secret values are asked for without echo (or read as one JSON object from standard input with --from-stdin:
{"SLACK_BOT_TOKEN": ..., "SLACK_APP_TOKEN": ..., "REPOSITORY_TOKEN": ...}, with "SLACK_SIGNING_SECRET" in place of
the app-level token for HTTP mode) and go straight to Secrets Manager:
never on a command line, in a file, or in Terraform state. AWS credentials and region come from the usual chain.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

import boto3

logger = logging.getLogger(__name__)

_SLACK_BOT = re.compile(r"xoxb-[0-9A-Za-z-]+")
_SLACK_APP = re.compile(r"xapp-[0-9A-Za-z-]+")
# Slack's signing secrets are 32 hexadecimal characters.
_SIGNING_SECRET = re.compile(r"[0-9a-f]{32}")


class TokenError(ValueError):
    """A token that cannot be the one asked for (never carries the value)."""


@dataclass(frozen=True, slots=True)
class Tokens:
    """The three secret values; repr never shows them."""

    slack_bot: str = field(repr=False)
    slack_app: str = field(repr=False)
    repository: str = field(repr=False)
    # HTTP mode: the app's signing secret, in place of the app-level token Socket Mode needs.
    signing_secret: str = field(default="", repr=False)
    mode: str = "socket"

    def check(self) -> None:
        """Refuse values that are plainly not what was asked for, before anything is written."""
        if not _SLACK_BOT.fullmatch(self.slack_bot):
            raise TokenError("SLACK_BOT_TOKEN must be a bot token (xoxb-...)")
        if self.mode == "http":
            if not _SIGNING_SECRET.fullmatch(self.signing_secret):
                raise TokenError("SLACK_SIGNING_SECRET must be the app's signing secret (32 hexadecimal characters, "
                                 "Basic Information > App Credentials)")
        elif not _SLACK_APP.fullmatch(self.slack_app):
            raise TokenError("SLACK_APP_TOKEN must be an app-level token (xapp-...) with connections:write")
        if not self.repository.strip() or any(c.isspace() for c in self.repository):
            raise TokenError("REPOSITORY_TOKEN must be a non-empty token without spaces")


def read_tokens(stdin: TextIO | None, ask: Callable[[str], str], mode: str = "socket") -> Tokens:
    """The tokens from a JSON object on stdin when given, else asked for one by one (what the mode needs)."""
    if stdin is not None:
        try:
            values = json.loads(stdin.read())
        except json.JSONDecodeError as error:
            raise TokenError(f"standard input is not a JSON object (line {error.lineno})") from None
        if not isinstance(values, dict):
            raise TokenError("standard input must be a JSON object")
        return Tokens(
            str(values.get("SLACK_BOT_TOKEN", "")),
            str(values.get("SLACK_APP_TOKEN", "")),
            str(values.get("REPOSITORY_TOKEN", "")),
            str(values.get("SLACK_SIGNING_SECRET", "")),
            mode,
        )
    bot = ask("Slack bot token (xoxb-...): ")
    if mode == "http":
        return Tokens(bot, "", ask("Repository token: "), ask("Slack signing secret: "), mode)
    return Tokens(bot, ask("Slack app-level token (xapp-...): "), ask("Repository token: "))


def put_secrets(secretsmanager: Any, slack_secret_id: str, repository_secret_id: str, tokens: Tokens) -> None:
    """Write both secrets: the Slack tokens as the JSON keys the bot's task reads, the repository token as is."""
    tokens.check()
    # The keys the task of that mode names (ECS starts no task whose secret lacks a key it names).
    second = (("SLACK_SIGNING_SECRET", tokens.signing_secret) if tokens.mode == "http"
              else ("SLACK_APP_TOKEN", tokens.slack_app))
    slack = json.dumps(dict([("SLACK_BOT_TOKEN", tokens.slack_bot), second]))
    secretsmanager.put_secret_value(SecretId=slack_secret_id, SecretString=slack)
    secretsmanager.put_secret_value(SecretId=repository_secret_id, SecretString=tokens.repository)
    logger.info("put the Slack tokens in %s and the repository token in %s", slack_secret_id, repository_secret_id)


def restart(ecs: Any, cluster: str, service: str) -> str:
    """Start a new deployment of the bot's service, so its tasks read the secrets again; returns its id."""
    response = ecs.update_service(cluster=cluster, service=service, forceNewDeployment=True)
    deployments = response["service"].get("deployments", [])
    primary = next((d for d in deployments if d.get("status") == "PRIMARY"), None)
    return str(primary["id"]) if primary else ""


def main(
    argv: list[str] | None = None, stdin: TextIO | None = None, ask: Callable[[str], str] = getpass.getpass
) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.ops", description=__doc__.splitlines()[0])
    parser.add_argument("--region", help="AWS region (default: the AWS configuration's)")
    commands = parser.add_subparsers(dest="command", required=True)
    secrets = commands.add_parser("secrets", help="put the Slack tokens and the repository token")
    secrets.add_argument("--slack-secret-id", required=True)
    secrets.add_argument("--repository-secret-id", required=True)
    secrets.add_argument("--from-stdin", action="store_true", help="read the tokens as one JSON object")
    secrets.add_argument("--slack-mode", choices=("socket", "http"), default="socket",
                         help="socket: the app-level token; http: the signing secret (as the deployment's slack_mode)")
    restart_parser = commands.add_parser("restart", help="redeploy the bot's ECS service")
    restart_parser.add_argument("--cluster", required=True)
    restart_parser.add_argument("--service", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    if args.command == "secrets":
        try:
            tokens = read_tokens((stdin or sys.stdin) if args.from_stdin else None, ask, args.slack_mode)
            put = boto3.client("secretsmanager", region_name=args.region)
            put_secrets(put, args.slack_secret_id, args.repository_secret_id, tokens)
        except TokenError as error:
            print(f"infra.ops secrets: {error}; nothing was written", file=sys.stderr)
            return 2
        return 0
    deployment = restart(boto3.client("ecs", region_name=args.region), args.cluster, args.service)
    print(f"new deployment {deployment or '(started)'} of {args.service}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
