"""Settings: built once from the environment at start-up, frozen, and passed down; nothing else reads os.environ."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType

from bot.errors import ConfigError

MIB = 1024 * 1024
DEFAULT_MAX_MESSAGE_BYTES = 1 * MIB  # SQS's largest message
DEFAULT_MAX_LOG_FILE_BYTES = 256 * MIB
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Every environment variable Settings.from_env reads, and the prefixes it reads by (AWS_ENDPOINT_URL_<SERVICE_ID>).
# infra/ sets them for the deployed bot; tests/infra checks this list against from_env and against infra/, so a
# new setting is added here as well.
ENV_VARS = (
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "TFSYNC_STATE_LOCATIONS",
    "TFSYNC_OWN_ROLE_ARNS",
    "TFSYNC_IGNORE_RULES_FILE",
    "TFSYNC_MAX_MESSAGE_BYTES",
    "TFSYNC_MAX_LOG_FILE_BYTES",
    "TFSYNC_QUEUE_URL",
    "TFSYNC_LOG_LEVEL",
    "TFSYNC_TABLE_PREFIX",
    "TFSYNC_CONSUMER_CONCURRENCY",
    "TFSYNC_VISIBILITY_TIMEOUT",
    "TFSYNC_RECEIVE_WAIT_SECONDS",
    "TFSYNC_DEDUPE_TTL_SECONDS",
    "TFSYNC_SHUTDOWN_SECONDS",
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "TFSYNC_SLACK_MODE",
    "SLACK_SIGNING_SECRET",
    "TFSYNC_HTTP_HOST",
    "TFSYNC_HTTP_PORT",
    "TFSYNC_RUNNER",
    "TFSYNC_ADOPT_MODE",
    "TFSYNC_REPOSITORY_PATH",
    "TFSYNC_BASE_BRANCH",
    "TFSYNC_ROOT_DIR",
    "TFSYNC_TERRAFORM_PLUGIN_DIR",
    "TFSYNC_ARTIFACT_BUCKET",
    "TFSYNC_CODEBUILD_PROJECT",
    "TFSYNC_JOB_TIMEOUT_SECONDS",
    "TFSYNC_JOB_POLL_SECONDS",
    "TFSYNC_LEASE_SECONDS",
    "SLACK_API_URL",
    "TFSYNC_SLACK_CHANNEL",
    "TFSYNC_SLACK_ROUTES",
    "TFSYNC_SLACK_ADMINS",
    "TFSYNC_SLACK_ADMIN_GROUP",
    "TFSYNC_BURST_THRESHOLD",
    "TFSYNC_BURST_WINDOW_SECONDS",
    "TFSYNC_TARGET_MODULES",
    "TFSYNC_SLACK_POST_INTERVAL_MS",
    "TFSYNC_SANDBOX_PORT",
    "TFSYNC_ACCOUNT_ID",
    "TFSYNC_ACCOUNT_ROLES",
    "TFSYNC_MEMBER_ROLE_NAME",
    "TFSYNC_ROLE_EXTERNAL_ID",
    "TFSYNC_ACCOUNT_ALIASES",
    "TFSYNC_ACCOUNT_TARGETS",
    "TFSYNC_SCAN_REGIONS",
    "TFSYNC_SCAN_ACCOUNTS",
    "TFSYNC_SCAN_CONCURRENCY",
    "TFSYNC_OWNER_TAG",
    "TFSYNC_RECONCILE_SECONDS",
)
# What a routing rule may match on, besides the channel it sends to.
ROUTE_KEYS = ("account", "region", "type", "tag")
RUNNERS = ("local", "codebuild")
# How Slack reaches the app: over a Socket Mode websocket it opens, or by HTTP requests to its request URL.
SLACK_MODES = ("socket", "http")
ADOPT_MODES = ("pr", "apply")
ENV_PREFIXES = ("AWS_ENDPOINT_URL_",)
ACCOUNT_ID = re.compile(r"[0-9]{12}")
ROLE_NAME = re.compile(r"[\w+=,.@-]+(?:/[\w+=,.@-]+)*")
# How an adopt job's Terraform reaches a member account: as the role tfsync assumes there, or with the adopter's
# own credentials, the root module's provider configuration reaching the account itself (its own assume_role).
TERRAFORM_CREDENTIALS = ("member-role", "adopter")
ACCOUNT_TARGET_KEYS = ("repository", "base_branch", "root_dir", "states", "terraform_credentials")
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::(?P<account>[0-9]{12}):role/[\w+=,.@/-]+")
# The endpoint variable of each AWS service tfsync calls (by boto3 client name), as the AWS SDKs name it:
# AWS_ENDPOINT_URL_ and the service id, upper-cased, spaces as underscores. botocore itself resolves them (bot/aws.py);
# this table is what README.md lists, and tests check it against botocore and against the services the code calls.
SERVICE_ENDPOINT_VARIABLES = MappingProxyType({
    "acm": "AWS_ENDPOINT_URL_ACM",
    "apigateway": "AWS_ENDPOINT_URL_API_GATEWAY",
    "apigatewayv2": "AWS_ENDPOINT_URL_APIGATEWAYV2",
    "athena": "AWS_ENDPOINT_URL_ATHENA",
    "autoscaling": "AWS_ENDPOINT_URL_AUTO_SCALING",
    "backup": "AWS_ENDPOINT_URL_BACKUP",
    "cloudformation": "AWS_ENDPOINT_URL_CLOUDFORMATION",
    "cloudfront": "AWS_ENDPOINT_URL_CLOUDFRONT",
    "cloudhsmv2": "AWS_ENDPOINT_URL_CLOUDHSM_V2",
    "cloudwatch": "AWS_ENDPOINT_URL_CLOUDWATCH",
    "codebuild": "AWS_ENDPOINT_URL_CODEBUILD",
    "cognito-idp": "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
    "docdb": "AWS_ENDPOINT_URL_DOCDB",
    "dynamodb": "AWS_ENDPOINT_URL_DYNAMODB",
    "ec2": "AWS_ENDPOINT_URL_EC2",
    "ecr": "AWS_ENDPOINT_URL_ECR",
    "ecr-public": "AWS_ENDPOINT_URL_ECR_PUBLIC",
    "ecs": "AWS_ENDPOINT_URL_ECS",
    "efs": "AWS_ENDPOINT_URL_EFS",
    "eks": "AWS_ENDPOINT_URL_EKS",
    "elasticache": "AWS_ENDPOINT_URL_ELASTICACHE",
    "elb": "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING",
    "elbv2": "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2",
    "events": "AWS_ENDPOINT_URL_EVENTBRIDGE",
    "glue": "AWS_ENDPOINT_URL_GLUE",
    "iam": "AWS_ENDPOINT_URL_IAM",
    "kafka": "AWS_ENDPOINT_URL_KAFKA",
    "kinesis": "AWS_ENDPOINT_URL_KINESIS",
    "kms": "AWS_ENDPOINT_URL_KMS",
    "lambda": "AWS_ENDPOINT_URL_LAMBDA",
    "logs": "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
    "mq": "AWS_ENDPOINT_URL_MQ",
    "opensearch": "AWS_ENDPOINT_URL_OPENSEARCH",
    "rds": "AWS_ENDPOINT_URL_RDS",
    "redshift": "AWS_ENDPOINT_URL_REDSHIFT",
    "resourcegroupstaggingapi": "AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API",
    "route53": "AWS_ENDPOINT_URL_ROUTE_53",
    "s3": "AWS_ENDPOINT_URL_S3",
    "secretsmanager": "AWS_ENDPOINT_URL_SECRETS_MANAGER",
    "sns": "AWS_ENDPOINT_URL_SNS",
    "sqs": "AWS_ENDPOINT_URL_SQS",
    "ssm": "AWS_ENDPOINT_URL_SSM",
    "stepfunctions": "AWS_ENDPOINT_URL_SFN",
    "sts": "AWS_ENDPOINT_URL_STS",
})


def _path(value: str) -> Path | None:
    return Path(value.strip()) if value.strip() else None


def _root_dir(value: str, name: str = "TFSYNC_ROOT_DIR") -> str:
    """A folder inside the repository, as a relative POSIX path ('.' for the repository's root)."""
    text = value.strip().strip("/") or "."
    parts = text.split("/")
    if ".." in parts or any(not part for part in parts):
        raise ConfigError(f"{name} must be a folder inside the repository, like envs/prod; got {value!r}")
    return text


def _state_locations(name: str, locations: tuple[str, ...]) -> tuple[str, ...]:
    for location in locations:
        if not location.startswith("s3://") or not location[len("s3://") :].partition("/")[0]:
            raise ConfigError(f"{name}: {location!r} is not an s3://bucket/key or prefix")
    return locations


class Secret(str):
    """A string whose repr and str in logs never show the value."""

    def __repr__(self) -> str:
        return "Secret('***')" if self else "Secret('')"

    def reveal(self) -> str:
        return str.__str__(self)

    def __str__(self) -> str:
        return "***" if self else ""


_NO_SECRET = Secret("")


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _routes(raw: str) -> tuple[Mapping[str, str], ...]:
    """TFSYNC_SLACK_ROUTES: a JSON list of {"channel": ..., and any of account, region, type, tag}."""
    if not raw.strip():
        return ()
    try:
        rules = json.loads(raw)
    except ValueError:
        raise ConfigError("TFSYNC_SLACK_ROUTES must be a JSON list of routing rules") from None
    if not isinstance(rules, list):
        raise ConfigError("TFSYNC_SLACK_ROUTES must be a JSON list of routing rules")
    out = []
    for number, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict) or not isinstance(rule.get("channel"), str) or not rule["channel"].strip():
            raise ConfigError(f"TFSYNC_SLACK_ROUTES rule {number} needs a \"channel\"")
        unknown = set(rule) - {"channel", *ROUTE_KEYS}
        if unknown:
            raise ConfigError(f"TFSYNC_SLACK_ROUTES rule {number}: unknown keys {sorted(unknown)}")
        if not all(isinstance(value, str) and value.strip() for value in rule.values()):
            raise ConfigError(f"TFSYNC_SLACK_ROUTES rule {number}: every value must be a non-empty string")
        out.append(MappingProxyType({key: value.strip() for key, value in rule.items()}))
    return tuple(out)


_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")


def _regions(name: str, raw: str) -> tuple[str, ...]:
    """Region codes (us-east-1, eu-central-2...); a ConfigError names the first that is not one."""
    regions = _csv(raw)
    for region in regions:
        if not _REGION.fullmatch(region):
            raise ConfigError(f"{name}: {region!r} is not an AWS region code such as us-east-1")
    return tuple(dict.fromkeys(regions))


def _modules(raw: str) -> tuple[str, ...]:
    """TFSYNC_TARGET_MODULES: a JSON list of module addresses, or the same as a comma-separated list."""
    if not raw.strip().startswith("["):
        return _csv(raw)
    try:
        modules = json.loads(raw)
    except ValueError:
        raise ConfigError("TFSYNC_TARGET_MODULES is not a valid JSON list") from None
    if not isinstance(modules, list) or not all(isinstance(m, str) and m.strip() for m in modules):
        raise ConfigError("TFSYNC_TARGET_MODULES must list module addresses as non-empty strings")
    return tuple(m.strip() for m in modules)


def _account_id(name: str, value: object) -> str:
    """A 12-digit AWS account id, or ConfigError naming the setting: an account tfsync acts in is never guessed."""
    if not isinstance(value, str) or not ACCOUNT_ID.fullmatch(value.strip()):
        raise ConfigError(f"{name}: {value!r} is not a 12-digit AWS account id")
    return value.strip()


def _account_map(name: str, raw: str) -> dict[str, str]:
    """A JSON object keyed by account id, with non-empty string values."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a JSON object keyed by account id") from None
    if not isinstance(value, dict):
        raise ConfigError(f"{name} must be a JSON object keyed by account id")
    out = {}
    for account, item in value.items():
        if not isinstance(item, str) or not item.strip():
            raise ConfigError(f"{name}: the value for {account!r} must be a non-empty string")
        out[_account_id(name, account)] = item.strip()
    return out


def _account_roles(raw: str) -> dict[str, str]:
    """TFSYNC_ACCOUNT_ROLES: account id -> the ARN of a role in that very account (a role ARN naming another
    account would make tfsync act in an account other than the resource's)."""
    roles = _account_map("TFSYNC_ACCOUNT_ROLES", raw)
    for account, arn in roles.items():
        match = ROLE_ARN.fullmatch(arn)
        if match is None:
            raise ConfigError(f"TFSYNC_ACCOUNT_ROLES: {arn!r} (for {account}) is not an IAM role ARN")
        if match.group("account") != account:
            raise ConfigError(f"TFSYNC_ACCOUNT_ROLES: the role for {account} is in account {match.group('account')}")
    return roles


def _role_name(raw: str) -> str | None:
    """TFSYNC_MEMBER_ROLE_NAME: a role name, optionally with a path (tfsync/member), no ARN."""
    name = raw.strip().strip("/")
    if not name:
        return None
    if not ROLE_NAME.fullmatch(name):
        raise ConfigError(f"TFSYNC_MEMBER_ROLE_NAME must be an IAM role name (with an optional path), got {raw!r}")
    return name


def _api_url(raw: str) -> str:
    url = raw.strip() or "https://slack.com/api/"
    if not url.startswith(("https://", "http://")):
        raise ConfigError(f"SLACK_API_URL must be an http(s) URL, got {url!r}")
    return url if url.endswith("/") else url + "/"


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    value = _int(env, name, default, minimum=0)
    if value > 65535:
        raise ConfigError(f"{name} must be a TCP port (0-65535), got {value}")
    return value


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


@dataclass(frozen=True, slots=True)
class AccountRoute:
    """Where the adoptions of one account's resources go (TFSYNC_ACCOUNT_TARGETS): a repository (a path for the local
    runner, a clone URL for CodeBuild), its base branch and the root module's folder, each None for the runner's
    own; the Terraform states of that account; and how the job's Terraform reaches the account."""

    repository: str | None = None
    base_branch: str | None = None
    root_dir: str | None = None
    states: tuple[str, ...] = ()
    terraform_credentials: str = "member-role"

    @property
    def terraform_as_role(self) -> bool:
        """Whether the job's Terraform runs as the role tfsync assumes in the account (else as the adopter, whose
        root module's provider configuration reaches the account itself)."""
        return self.terraform_credentials == "member-role"


DEFAULT_ROUTE = AccountRoute()


def _account_targets(raw: str) -> dict[str, AccountRoute]:
    """TFSYNC_ACCOUNT_TARGETS: account id -> {"repository", "base_branch", "root_dir", "states",
    "terraform_credentials"}, every key optional."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise ConfigError("TFSYNC_ACCOUNT_TARGETS must be a JSON object keyed by account id") from None
    if not isinstance(value, dict):
        raise ConfigError("TFSYNC_ACCOUNT_TARGETS must be a JSON object keyed by account id")
    return {(account_id := _account_id("TFSYNC_ACCOUNT_TARGETS", account)): _account_route(account_id, item)
            for account, item in value.items()}


def _account_route(account_id: str, item: object) -> AccountRoute:
    """One account's entry of TFSYNC_ACCOUNT_TARGETS, checked; ConfigError naming the account and the key."""
    where = f"TFSYNC_ACCOUNT_TARGETS, account {account_id}"
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: the value must be an object")
    unknown = sorted(set(item) - set(ACCOUNT_TARGET_KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown keys {unknown} (known: {', '.join(ACCOUNT_TARGET_KEYS)})")
    texts: dict[str, str | None] = {}
    for key in ("repository", "base_branch", "root_dir", "terraform_credentials"):
        text = item.get(key)
        if text is not None and (not isinstance(text, str) or not text.strip()):
            raise ConfigError(f"{where}: {key} must be a non-empty string")
        texts[key] = text.strip() if isinstance(text, str) else None
    states = item.get("states") or []  # null, as Terraform's jsonencode writes an unset optional, is none
    if not isinstance(states, list) or not all(isinstance(state, str) for state in states):
        raise ConfigError(f"{where}: states must be a list of s3:// locations")
    credentials = texts["terraform_credentials"] or "member-role"
    if credentials not in TERRAFORM_CREDENTIALS:
        raise ConfigError(f"{where}: terraform_credentials must be one of {', '.join(TERRAFORM_CREDENTIALS)}, "
                          f"got {credentials!r}")
    root = texts["root_dir"]
    return AccountRoute(
        repository=texts["repository"],
        base_branch=texts["base_branch"],
        root_dir=_root_dir(root, f"{where}: root_dir") if root is not None else None,
        states=_state_locations(f"{where}: states", tuple(s.strip() for s in states if s.strip())),
        terraform_credentials=credentials,
    )


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything tfsync can be told from outside, typed."""

    aws_region: str = "us-east-1"
    # AWS_ENDPOINT_URL, and AWS_ENDPOINT_URL_<SERVICE_ID> keyed by that full name, exactly as the AWS SDKs name
    # them: tests and the sandbox point these at the embedded emulator. botocore resolves them (bot/aws.py).
    aws_endpoint_url: str | None = None
    aws_service_endpoints: Mapping[str, str] = field(default_factory=dict)

    # Terraform states that say what is already managed: s3://bucket/key.tfstate or s3://bucket/prefix/
    state_locations: tuple[str, ...] = ()
    # Principals whose calls are tfsync's own (the adopt pipeline); role ARNs, `*` allowed.
    own_role_arns: tuple[str, ...] = ()
    # A JSON file of ignore rules applied by the detection filters.
    ignore_rules_file: Path | None = None

    # Limits on what tfsync will read: a queue message body, and one decompressed CloudTrail log file.
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    max_log_file_bytes: int = DEFAULT_MAX_LOG_FILE_BYTES

    queue_url: str | None = None
    log_level: str = "INFO"

    # State tables are named <prefix><table>, so several installations can share an account.
    table_prefix: str = "tfsync-"
    # The consumer: messages handled at once, how long a received message stays hidden (extended while work
    # runs), the long-poll wait, how long dedupe records live, and how long in-flight work may run after SIGTERM.
    consumer_concurrency: int = 10
    visibility_timeout: int = 60
    receive_wait_seconds: int = 20
    dedupe_ttl_seconds: int = 14 * 24 * 3600  # SQS's longest retention: a redelivery can never outlive its record
    shutdown_seconds: int = 20

    # The adopt runner: `local` commits into a git repository on disk, `codebuild` hands the job to the adopter
    # build; `pr` pushes a branch and opens a pull request, `apply` pushes to the base branch, then imports.
    runner: str = "local"
    adopt_mode: str = "pr"
    repository_path: Path | None = None
    base_branch: str = "main"
    root_dir: str = "."  # the root module's folder inside the repository (monorepos: envs/prod)
    terraform_plugin_dir: Path | None = None  # unpacked providers for `terraform init -plugin-dir`
    artifact_bucket: str | None = None
    codebuild_project: str | None = None
    # How long an adopt job may take in all, and how long to wait for a build event before asking CodeBuild.
    job_timeout_seconds: int = 3600
    job_poll_seconds: int = 60
    # How long an adopt or delete stays claimed by its worker without a renewal (renewed every third of it); past
    # it, the sweeper finishes the work from what is known (a build followed to its end) or ends it as failed.
    lease_seconds: int = 120

    slack_bot_token: Secret = _NO_SECRET
    slack_app_token: Secret = _NO_SECRET
    # How Slack reaches the app: `socket` (Socket Mode, with the app-level token) or `http` (Slack posts to the
    # request URL; every request's signature is checked with the signing secret, and the app listens on
    # http_host:http_port, 0 picking a free port).
    slack_mode: str = "socket"
    slack_signing_secret: Secret = _NO_SECRET
    http_host: str = "0.0.0.0"  # noqa: S104 - a container's listener is reached on its own interface
    http_port: int = 8080
    # The Web API base URL: Slack's, or the sandbox's Slack emulator.
    slack_api_url: str = "https://slack.com/api/"
    # Where resource threads go: the first routing rule that matches a resource, else the default channel.
    slack_channel: str | None = None
    slack_routes: tuple[Mapping[str, str], ...] = ()
    # Who may delete: Slack user ids, and/or the members of one Slack user group.
    slack_admins: tuple[str, ...] = ()
    slack_admin_group: str | None = None
    # More than burst_threshold new resources in one channel within the window become one digest message.
    burst_threshold: int = 10
    burst_window_seconds: int = 60
    # The modules the Adopt form offers (module addresses such as module.network; "." is the root module).
    target_modules: tuple[str, ...] = ()
    # The gap kept between two messages to one channel: Slack allows about one a second.
    slack_post_interval_ms: int = 1000
    # The port of the local sandbox's page (`python -m bot` with no Slack tokens); 0 picks a free one.
    sandbox_port: int = 3000

    # The accounts tfsync acts in (bot/accounts.py): its own (learnt from STS when unset), a role per other account,
    # a role name assumed in every member account, the external id those roles require, and names for accounts.
    account_id: str | None = None
    account_roles: Mapping[str, str] = field(default_factory=dict)
    member_role_name: str | None = None
    role_external_id: Secret = _NO_SECRET
    account_aliases: Mapping[str, str] = field(default_factory=dict)
    # Per account: another repository, base branch, root folder and Terraform states (TFSYNC_ACCOUNT_TARGETS).
    account_targets: Mapping[str, AccountRoute] = field(default_factory=dict)

    # The scan (bot/scan.py): the regions regional types are listed in (the bot's own region when unset), the accounts
    # (tfsync's own and every account a role or a route names, when unset), how many listings run at once, the tag
    # whose value a scan's digest counts resources by, and how often the bot reconciles by itself (0: never; in AWS
    # the EventBridge schedule of infra/ asks for it instead).
    scan_regions: tuple[str, ...] = ()
    scan_accounts: tuple[str, ...] = ()
    scan_concurrency: int = 8
    owner_tag: str = "owner"
    reconcile_seconds: int = 0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build the settings from an environment mapping (os.environ when none is given)."""
        env = os.environ if env is None else env
        prefix = "AWS_ENDPOINT_URL_"
        service_endpoints = {key: value for key, value in env.items() if key.startswith(prefix) and value}
        rules_file = env.get("TFSYNC_IGNORE_RULES_FILE", "").strip()
        locations = _state_locations("TFSYNC_STATE_LOCATIONS", _csv(env.get("TFSYNC_STATE_LOCATIONS", "")))
        log_level = (env.get("TFSYNC_LOG_LEVEL") or "INFO").strip().upper()
        if log_level not in _LOG_LEVELS:
            raise ConfigError(f"TFSYNC_LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, got {log_level!r}")
        visibility = _int(env, "TFSYNC_VISIBILITY_TIMEOUT", 60, minimum=2)
        wait = _int(env, "TFSYNC_RECEIVE_WAIT_SECONDS", 20, minimum=0)
        shutdown = _int(env, "TFSYNC_SHUTDOWN_SECONDS", min(20, visibility - 1))
        if wait > 20:
            raise ConfigError(f"TFSYNC_RECEIVE_WAIT_SECONDS must be at most 20 (SQS's longest poll), got {wait}")
        if shutdown >= visibility:
            raise ConfigError(
                "TFSYNC_SHUTDOWN_SECONDS must be less than TFSYNC_VISIBILITY_TIMEOUT, so in-flight messages are "
                f"finished or released before they reappear; got {shutdown} >= {visibility}"
            )
        runner = (env.get("TFSYNC_RUNNER") or "local").strip().lower()
        if runner not in RUNNERS:
            raise ConfigError(f"TFSYNC_RUNNER must be one of {', '.join(RUNNERS)}, got {runner!r}")
        adopt_mode = (env.get("TFSYNC_ADOPT_MODE") or "pr").strip().lower()
        if adopt_mode not in ADOPT_MODES:
            raise ConfigError(f"TFSYNC_ADOPT_MODE must be one of {', '.join(ADOPT_MODES)}, got {adopt_mode!r}")
        repository_path = env.get("TFSYNC_REPOSITORY_PATH", "").strip()
        slack_mode = (env.get("TFSYNC_SLACK_MODE") or "socket").strip().lower()
        if slack_mode not in SLACK_MODES:
            raise ConfigError(f"TFSYNC_SLACK_MODE must be one of {', '.join(SLACK_MODES)}, got {slack_mode!r}")
        return cls(
            aws_region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            aws_endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
            aws_service_endpoints=service_endpoints,
            state_locations=locations,
            own_role_arns=_csv(env.get("TFSYNC_OWN_ROLE_ARNS", "")),
            ignore_rules_file=Path(rules_file) if rules_file else None,
            max_message_bytes=_int(env, "TFSYNC_MAX_MESSAGE_BYTES", DEFAULT_MAX_MESSAGE_BYTES),
            max_log_file_bytes=_int(env, "TFSYNC_MAX_LOG_FILE_BYTES", DEFAULT_MAX_LOG_FILE_BYTES),
            queue_url=env.get("TFSYNC_QUEUE_URL") or None,
            log_level=log_level,
            table_prefix=env.get("TFSYNC_TABLE_PREFIX", "tfsync-").strip(),
            consumer_concurrency=_int(env, "TFSYNC_CONSUMER_CONCURRENCY", 10),
            visibility_timeout=visibility,
            receive_wait_seconds=wait,
            dedupe_ttl_seconds=_int(env, "TFSYNC_DEDUPE_TTL_SECONDS", 14 * 24 * 3600),
            shutdown_seconds=shutdown,
            runner=runner,
            adopt_mode=adopt_mode,
            repository_path=Path(repository_path) if repository_path else None,
            base_branch=(env.get("TFSYNC_BASE_BRANCH") or "main").strip(),
            root_dir=_root_dir(env.get("TFSYNC_ROOT_DIR", "")),
            terraform_plugin_dir=_path(env.get("TFSYNC_TERRAFORM_PLUGIN_DIR", "")),
            artifact_bucket=env.get("TFSYNC_ARTIFACT_BUCKET") or None,
            codebuild_project=env.get("TFSYNC_CODEBUILD_PROJECT") or None,
            job_timeout_seconds=_int(env, "TFSYNC_JOB_TIMEOUT_SECONDS", 3600),
            job_poll_seconds=_int(env, "TFSYNC_JOB_POLL_SECONDS", 60),
            lease_seconds=_int(env, "TFSYNC_LEASE_SECONDS", 120),
            slack_bot_token=Secret(env.get("SLACK_BOT_TOKEN", "")),
            slack_app_token=Secret(env.get("SLACK_APP_TOKEN", "")),
            slack_mode=slack_mode,
            slack_signing_secret=Secret(env.get("SLACK_SIGNING_SECRET", "").strip()),
            http_host=(env.get("TFSYNC_HTTP_HOST") or "").strip() or "0.0.0.0",  # noqa: S104 - see the field
            http_port=_port(env, "TFSYNC_HTTP_PORT", 8080),
            slack_api_url=_api_url(env.get("SLACK_API_URL", "")),
            slack_channel=(env.get("TFSYNC_SLACK_CHANNEL") or "").strip() or None,
            slack_routes=_routes(env.get("TFSYNC_SLACK_ROUTES", "")),
            slack_admins=_csv(env.get("TFSYNC_SLACK_ADMINS", "")),
            slack_admin_group=(env.get("TFSYNC_SLACK_ADMIN_GROUP") or "").strip() or None,
            burst_threshold=_int(env, "TFSYNC_BURST_THRESHOLD", 10),
            burst_window_seconds=_int(env, "TFSYNC_BURST_WINDOW_SECONDS", 60),
            target_modules=_modules(env.get("TFSYNC_TARGET_MODULES", "")),
            slack_post_interval_ms=_int(env, "TFSYNC_SLACK_POST_INTERVAL_MS", 1000, minimum=0),
            sandbox_port=_port(env, "TFSYNC_SANDBOX_PORT", 3000),
            account_id=(_account_id("TFSYNC_ACCOUNT_ID", env.get("TFSYNC_ACCOUNT_ID", ""))
                        if env.get("TFSYNC_ACCOUNT_ID", "").strip() else None),
            account_roles=MappingProxyType(_account_roles(env.get("TFSYNC_ACCOUNT_ROLES", ""))),
            member_role_name=_role_name(env.get("TFSYNC_MEMBER_ROLE_NAME", "")),
            role_external_id=Secret(env.get("TFSYNC_ROLE_EXTERNAL_ID", "").strip()),
            account_aliases=MappingProxyType(_account_map("TFSYNC_ACCOUNT_ALIASES",
                                                          env.get("TFSYNC_ACCOUNT_ALIASES", ""))),
            account_targets=MappingProxyType(_account_targets(env.get("TFSYNC_ACCOUNT_TARGETS", ""))),
            scan_regions=_regions("TFSYNC_SCAN_REGIONS", env.get("TFSYNC_SCAN_REGIONS", "")),
            scan_accounts=tuple(_account_id("TFSYNC_SCAN_ACCOUNTS", a)
                                for a in _csv(env.get("TFSYNC_SCAN_ACCOUNTS", ""))),
            scan_concurrency=_int(env, "TFSYNC_SCAN_CONCURRENCY", 8),
            owner_tag=(env.get("TFSYNC_OWNER_TAG") or "owner").strip() or "owner",
            reconcile_seconds=_int(env, "TFSYNC_RECONCILE_SECONDS", 0, minimum=0),
        )

    def route(self, account_id: str | None) -> AccountRoute:
        """Where an adoption of a resource in the account goes: its TFSYNC_ACCOUNT_TARGETS entry, or the runner's
        defaults (TFSYNC_REPOSITORY_PATH or the CodeBuild project's repository, TFSYNC_BASE_BRANCH, TFSYNC_ROOT_DIR)."""
        return self.account_targets.get(account_id or "") or DEFAULT_ROUTE

    @property
    def regions_to_scan(self) -> tuple[str, ...]:
        """The regions a scan lists regional types in: TFSYNC_SCAN_REGIONS, or the bot's own region."""
        return self.scan_regions or (self.aws_region,)

    def accounts_to_scan(self, own_account: str) -> tuple[str, ...]:
        """The accounts a scan covers: TFSYNC_SCAN_ACCOUNTS, or tfsync's own and every account it has a role or a
        route for (an organisation's member accounts are not enumerable from here: list them in the variable)."""
        if self.scan_accounts:
            return self.scan_accounts
        return tuple(dict.fromkeys((own_account, *sorted(self.account_roles), *sorted(self.account_targets))))

    @property
    def scoped_state_locations(self) -> tuple[tuple[str, str | None], ...]:
        """Every state to read, with the account its resources are in when only that account's (None: any)."""
        scoped: list[tuple[str, str | None]] = [(location, None) for location in self.state_locations]
        for account_id, route in self.account_targets.items():
            scoped += [(location, account_id) for location in route.states]
        return tuple(scoped)

    @property
    def sweep_seconds(self) -> float:
        """How often the sweeper looks for work whose lease ran out: a quarter of the lease (at least half a second),
        so a record outlives its dead worker by at most a lease and a quarter."""
        return max(0.5, self.lease_seconds / 4)

    @property
    def aws_endpoint_variables(self) -> Mapping[str, str]:
        """The endpoint variables set, by the names the AWS SDKs read: what botocore would find in the environment."""
        variables = dict(self.aws_service_endpoints)
        if self.aws_endpoint_url:
            variables["AWS_ENDPOINT_URL"] = self.aws_endpoint_url
        return MappingProxyType(variables)

    def redacted(self) -> dict[str, object]:
        """The settings as a dict safe to log."""
        return {f.name: (str(v) if isinstance(v, Secret) else v) for f in fields(self) if (v := getattr(self, f.name))}
