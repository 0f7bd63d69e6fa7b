"""Adopt runners behind one interface, chosen by the settings: CodeBuild in production, local git for the sandbox."""

from __future__ import annotations

from bot.config import Settings
from bot.errors import ConfigError
from bot.runners.base import Runner
from bot.runners.codebuild import BuildUpdate, CodeBuildRunner, parse_build_event
from bot.runners.job import AdoptJob, JobPhase, JobReporter, JobResult, PlanCounts, RecordingReporter, SafeReporter
from bot.runners.local import LocalRunner

__all__ = [
    "AdoptJob",
    "BuildUpdate",
    "CodeBuildRunner",
    "JobPhase",
    "JobReporter",
    "JobResult",
    "LocalRunner",
    "PlanCounts",
    "RecordingReporter",
    "Runner",
    "SafeReporter",
    "make_runner",
    "parse_build_event",
]


def make_runner(settings: Settings) -> Runner:
    """The runner the settings ask for; ConfigError naming the missing setting when it cannot be built."""
    if settings.runner == "codebuild":
        missing = [name for name, value in (("TFSYNC_ARTIFACT_BUCKET", settings.artifact_bucket),
                                            ("TFSYNC_CODEBUILD_PROJECT", settings.codebuild_project)) if not value]
        if missing:
            raise ConfigError(f"TFSYNC_RUNNER=codebuild needs {' and '.join(missing)}")
        from bot import aws

        return CodeBuildRunner(
            codebuild=aws.client(settings, "codebuild"),
            s3=aws.client(settings, "s3"),
            logs=aws.client(settings, "logs"),
            bucket=settings.artifact_bucket or "",
            project=settings.codebuild_project or "",
            timeout_seconds=settings.job_timeout_seconds,
            poll_seconds=settings.job_poll_seconds,
        )
    if settings.repository_path is None:
        raise ConfigError("TFSYNC_RUNNER=local needs TFSYNC_REPOSITORY_PATH, the git repository to adopt into")
    from bot.terraform.plugins import find_plugin_dir

    plugin_dir = find_plugin_dir(settings.terraform_plugin_dir)
    wanted = settings.terraform_plugin_dir
    if wanted is not None and plugin_dir is None:
        raise ConfigError(f"TFSYNC_TERRAFORM_PLUGIN_DIR ({wanted}) has no hashicorp/aws provider")
    # The job's Terraform reaches AWS where tfsync does: the same endpoint variables, by the SDKs' names.
    return LocalRunner(settings.repository_path, base_branch=settings.base_branch, plugin_dir=plugin_dir,
                       root_dir=settings.root_dir, aws_env=settings.aws_endpoint_variables)
