# shellcheck shell=bash
# What infra/deploy.sh and infra/destroy.sh share: their help, errors, option values, numbered steps and the
# terraform command. Sourced after the script sets `script_path` (its own path) and `terraform_cmd`.
# shellcheck disable=SC2154 # script_path and terraform_cmd are the sourcing script's (checked with it: -x)

usage() {
  # The script's leading comment, from its second line to `set -E...`.
  sed -n '2,/^set -E/p' "$script_path" | sed '$d; s/^# \{0,1\}//'
}

die() {
  # $1 the message; $2 the exit code (2: refused, or a wrong command line or input; 1: a step failed).
  printf '%s: %s\n' "$(basename -- "$script_path")" "$1" >&2
  exit "${2:-1}"
}

needs_value() {
  if [ "$#" -lt 2 ] || [ -z "$2" ]; then
    die "$1 needs a value (see --help)" 2
  fi
}

step_number=0
step() {
  step_number=$((step_number + 1))
  printf '\n==> [%d] %s\n' "$step_number" "$1"
}

say() {
  printf '    %s\n' "$*"
}

tf() {
  # An array, so a --terraform of "path with spaces" still names one program.
  local cmd=("$terraform_cmd")
  "${cmd[@]}" "$@"
}

declares() {
  # $1 a Terraform folder, $2 a variable name: whether the folder declares that variable.
  grep -Eqs "^variable \"$2\"" "$1"/*.tf
}
