#!/usr/bin/env bash
# Run checkov over infra/, offline, from its own virtualenv (build/checkov-venv, made from
# infra/requirements-checkov.txt the first time and whenever that file changes).
#   infra/scripts/checkov.sh [CHECKOV ARGS...]   scan infra/ (extra arguments go to checkov, e.g. -o json)
#   infra/scripts/checkov.sh --install-only      only make sure the virtualenv is there
set -euo pipefail

infra="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(dirname "$infra")"
venv="$root/build/checkov-venv"
reqs="$infra/requirements-checkov.txt"
python="${PYTHON:-python3}"
stamp="$venv/.installed"

want="$(sha256sum "$reqs" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/checkov" ] || [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$reqs"
  printf '%s\n' "$want" >"$stamp"
fi
if [ "${1:-}" = "--install-only" ]; then
  exit 0
fi

# Nothing may leave the machine: no policy download from the platform, no mapping fetch, no update check; and a
# proxy that refuses every connection, so anything that still tried would fail at once instead of waiting.
export BC_SKIP_MAPPING=TRUE CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE
export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9
unset NO_PROXY no_proxy
exec "$venv/bin/checkov" --directory "$infra" --framework terraform --skip-download \
  --download-external-modules false --compact "$@"
