"""The sandbox's Terraform repository: a real git repository with a root module and two child modules.

Its modules match the example state in `sandbox.aws`, so what the state manages is also what the code declares,
and an adopt into `storage` or `compute` lands in that module's folder with the import block in the root.
"""

from __future__ import annotations

import logging
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sandbox.aws import LOCK_TABLE, STATE_BUCKET, STATE_KEY

logger = logging.getLogger(__name__)

BASE_BRANCH = "main"
_IDENTITY = ("-c", "user.name=tfsync sandbox", "-c", "user.email=sandbox@tfsync.invalid", "-c", "commit.gpgsign=false")
# Each module: (name, folder, what it is for).
MODULES = (
    ("storage", "modules/storage", "buckets, tables and queues"),
    ("compute", "modules/compute", "roles, functions and instances"),
)

ROOT_MAIN = f"""terraform {{
  required_version = ">= 1.5"

  backend "s3" {{
    bucket         = "{STATE_BUCKET}"
    key            = "{STATE_KEY}"
    region         = "us-east-1"
    dynamodb_table = "{LOCK_TABLE}"
  }}

  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }}
  }}
}}

provider "aws" {{
  region = "us-east-1"
}}

module "storage" {{
  source = "./modules/storage"
}}

module "compute" {{
  source = "./modules/compute"
}}
"""

STORAGE_MAIN = """resource "aws_s3_bucket" "assets" {
  bucket = "acme-app-assets"
}

resource "aws_dynamodb_table" "orders" {
  name         = "acme-orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}
"""

COMPUTE_MAIN = """resource "aws_iam_role" "app" {
  name = "acme-app-runner"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}
"""

README = """# acme infrastructure

The root module (`main.tf`) calls two child modules:

- `modules/storage`: buckets, tables and queues
- `modules/compute`: roles, functions and instances

tfsync adopts resources made by hand into these modules: the resource block goes into the module's folder and
the `import` block into the root module, where Terraform reads import blocks.
"""

FILES = {
    "main.tf": ROOT_MAIN,
    "modules/storage/main.tf": STORAGE_MAIN,
    "modules/compute/main.tf": COMPUTE_MAIN,
    "README.md": README,
    ".gitignore": ".terraform/\n*.tfstate\n*.tfstate.backup\n",
}


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    message: str
    author: str
    date: str
    branches: tuple[str, ...]
    files: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"sha": self.sha, "message": self.message, "author": self.author, "date": self.date,
                "branches": list(self.branches), "files": list(self.files)}


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *_IDENTITY, *args], cwd=repo, capture_output=True, text=True, timeout=60,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"git {args[0]} in {repo}: {(done.stderr or done.stdout).strip()}")
    return done.stdout


def create_example_repository(path: Path) -> Path:
    """A git repository at `path` (created, or reused when it is one already) with the example layout on main."""
    path.mkdir(parents=True, exist_ok=True)
    if (path / ".git").exists():
        logger.info("adopting into the existing repository %s", path)
        return path
    _git(path, "init", "--quiet", "--initial-branch", BASE_BRANCH)
    # Apply-mode adoptions push to main, which this working clone has checked out: update its files as they land.
    _git(path, "config", "receive.denyCurrentBranch", "updateInstead")
    for relative, content in FILES.items():
        target = path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    _git(path, "add", "--", *FILES)
    _git(path, "commit", "--quiet", "--no-verify", "-m", "Example infrastructure: root module with storage and compute")
    return path


_FIELD = "\x1f"
_RECORD = "\x1e"


def log(path: Path, limit: int = 50) -> list[Commit]:
    """Commits on every branch, newest first, with the files each changed."""
    fmt = _FIELD.join(("%H", "%s", "%an", "%cI", "%D")) + _FIELD
    # --branches, not --all: --all also reads the HEADs of worktrees the runner is adding or removing right now.
    out = _git(path, "log", "--branches", f"--max-count={limit}", "--date-order", f"--format={_RECORD}{fmt}",
               "--name-only")
    commits = []
    for chunk in out.split(_RECORD)[1:]:
        sha, subject, author, date, refs, rest = chunk.split(_FIELD, 5)
        branches = tuple(ref.strip().removeprefix("HEAD -> ") for ref in refs.split(",") if ref.strip()
                         and not ref.strip().startswith("tag:") and ref.strip() != "HEAD")
        files = tuple(line for line in rest.splitlines() if line.strip())
        commits.append(Commit(sha, subject, author, date, branches, files))
    return commits


def show_file(path: Path, sha: str, file: str) -> str:
    """A file's content at a commit."""
    return _git(path, "show", f"{sha}:{file}")
