"""The environment the bot runtime sets is exactly the settings bot/config.py reads."""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap

from bot import config
from tests.infra.hcl import INFRA, module_blocks, module_locals

# Read by the bot, deliberately not set by infra/: the AWS and Slack endpoint overrides exist for tests and the
# sandbox (their emulators), and AWS_DEFAULT_REGION is only the fallback for AWS_REGION, which the runtime sets.
# Endpoints for emulators, and the local sandbox's page: a deployed bot uses AWS's and Slack's own, and no sandbox.
NOT_SET_BY_INFRA = {"AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "SLACK_API_URL", "TFSYNC_SANDBOX_PORT"}


def _names_read_by_from_env() -> tuple[set[str], set[str]]:
    """(variable names, prefixes) that Settings.from_env reads, found in its source."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(config.Settings.from_env)))
    names: set[str] = set()
    prefixes: set[str] = set()
    env_keys = _env_key_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            args = node.args
            # env.get("NAME", ...)
            if isinstance(func, ast.Attribute) and func.attr == "get" and _is_env(func.value) and args:
                names.add(_constant(args[0]))
            # helper(env, "NAME", ...)
            for first, second in itertools.pairwise(args):
                if _is_env(first) and isinstance(second, ast.Constant) and isinstance(second.value, str):
                    names.add(second.value)
            # key.startswith(prefix), where key iterates over the environment's names
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "startswith"
                and isinstance(func.value, ast.Name)
                and func.value.id in env_keys
                and args
            ):
                prefixes.add(_resolve(tree, args[0]))
        elif isinstance(node, ast.Subscript) and _is_env(node.value):
            names.add(_constant(node.slice))
    return names, prefixes


def _env_key_names(tree: ast.AST) -> set[str]:
    """Loop variables that take the environment's names: `for key in env`, `for key, value in env.items()`."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.comprehension | ast.For):
            continue
        source = node.iter
        if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute):
            source = source.func.value if source.func.attr in ("items", "keys") else source
        if not _is_env(source):
            continue
        target = node.target.elts[0] if isinstance(node.target, ast.Tuple) else node.target
        if isinstance(target, ast.Name):
            out.add(target.id)
    return out


def _is_env(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "env"


def _constant(node: ast.AST) -> str:
    assert isinstance(node, ast.Constant) and isinstance(node.value, str), ast.dump(node)
    return node.value


def _resolve(tree: ast.AST, node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return _constant(node)
    assert isinstance(node, ast.Name), ast.dump(node)
    for assign in ast.walk(tree):
        if isinstance(assign, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.id for t in assign.targets):
            return _constant(assign.value)
    raise AssertionError(f"cannot resolve {node.id}")


def test_declared_env_vars_are_what_from_env_reads() -> None:
    names, prefixes = _names_read_by_from_env()
    assert names == set(config.ENV_VARS), "bot/config.py ENV_VARS must list every variable Settings.from_env reads"
    assert prefixes == set(config.ENV_PREFIXES)


def test_bot_runtime_sets_every_setting_the_bot_reads_and_nothing_else() -> None:
    runtime = module_locals(INFRA / "modules" / "bot_runtime")
    plain = set(runtime["bot_environment"])
    secret = set(runtime["bot_secrets"])
    assert not plain & secret
    assert plain | secret == set(config.ENV_VARS) - NOT_SET_BY_INFRA
    # Tokens and the signing secret come from Secrets Manager, never as plain environment values in the task
    # definition or state.
    assert secret == {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"}
    assert all(f":{name}::" in value for name, value in runtime["bot_secrets"].items())


def test_each_slack_mode_reads_its_own_credential_from_the_secret() -> None:
    """Socket Mode's app-level token and HTTP mode's signing secret are read in their own mode only: ECS would not
    start a task whose secret lacks a key it names."""
    runtime = module_locals(INFRA / "modules" / "bot_runtime")
    secrets = runtime["bot_secrets"]
    assert secrets["SLACK_BOT_TOKEN"] == "${aws_secretsmanager_secret.slack.arn}:SLACK_BOT_TOKEN::"
    assert secrets["SLACK_APP_TOKEN"].startswith('${var.slack_mode == "http" ? null : ')
    assert secrets["SLACK_SIGNING_SECRET"].startswith('${var.slack_mode == "http" ? ')
    assert secrets["SLACK_SIGNING_SECRET"].endswith(" : null}")
    assert runtime["bot_environment"]["TFSYNC_SLACK_MODE"] == "${var.slack_mode}"
    # The task definition leaves out the one its mode does not read.
    [task] = module_blocks(INFRA / "modules" / "bot_runtime", "resource", "aws_ecs_task_definition").values()
    assert "if local.bot_secrets[key] != null" in str(task["container_definitions"])
