"""Real git on a repository on disk, through the git command: worktrees, branches, commits, pushes."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

logger = logging.getLogger(__name__)

# Commits need an identity even where the machine has no git configuration; the requester goes in the message.
_IDENTITY = ("-c", "user.name=tfsync", "-c", "user.email=tfsync@localhost", "-c", "commit.gpgsign=false")


class GitError(Exception):
    """A git command failed; the message is git's own last line."""


def git(cwd: Path, *args: str, timeout: float = 120) -> str:
    """Run git in cwd and return its stdout; GitError with git's message when it fails."""
    try:
        done = subprocess.run(
            ["git", *_IDENTITY, *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took longer than {timeout:.0f}s") from None
    if done.returncode != 0:
        message = (done.stderr.strip() or done.stdout.strip()).splitlines()
        raise GitError(f"git {args[0]}: {message[-1] if message else f'exit {done.returncode}'}")
    return done.stdout


def ref_exists(repo: Path, ref: str) -> bool:
    try:
        git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError:
        return False
    return True


@contextmanager
def worktree(repo: Path, ref: str, branch: str | None = None, base: str | None = None) -> Iterator[Path]:
    """A temporary worktree: of `branch` (made from `base` when absent), or of `ref` detached; removed after."""
    folder = Path(tempfile.mkdtemp(prefix="tfsync-worktree-"))
    path = folder / "tree"
    try:
        if branch is None:
            git(repo, "worktree", "add", "--quiet", "--detach", str(path), ref)
        elif ref_exists(repo, f"refs/heads/{branch}"):
            git(repo, "worktree", "add", "--quiet", str(path), branch)
        else:
            git(repo, "worktree", "add", "--quiet", "-b", branch, str(path), base or ref)
        yield path
    finally:
        try:
            git(repo, "worktree", "remove", "--force", str(path))
        except GitError as exc:
            logger.warning("could not remove worktree %s: %s", path, exc)
        shutil.rmtree(folder, ignore_errors=True)
        with suppress(GitError):
            git(repo, "worktree", "prune")
