#!/usr/bin/env bash
# Make sure the AWS CLI that adopt.sh calls is installed: its own virtualenv (build/awscli-venv, made from
# infra/requirements-awscli.txt the first time and whenever that file changes), and `aws` in build/bin, which
# `bin/dev test` puts first on PATH. Prints build/bin.
set -euo pipefail

infra="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(dirname "$infra")"
venv="$root/build/awscli-venv"
bin="$root/build/bin"
reqs="$infra/requirements-awscli.txt"
python="${PYTHON:-python3}"
stamp="$venv/.installed"

want="$(sha256sum "$reqs" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/aws" ] || [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$reqs"
  printf '%s\n' "$want" >"$stamp"
fi
mkdir -p "$bin"
ln -sf "$venv/bin/aws" "$bin/aws"
printf '%s\n' "$bin"
