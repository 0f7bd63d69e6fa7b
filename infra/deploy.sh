#!/usr/bin/env bash
# Deploy tfsync: the steps of infra/README.md's "Deploy", in order, each saying what it does before doing it. Safe
# to run again: each step finds what an earlier run left and does only what is missing (an unchanged plan applies
# nothing, secrets that hold a value are kept, the service is waited for, not redeployed, when nothing changed).
#
#   infra/deploy.sh [options]
#
#   --root DIR            Terraform root to deploy, relative to infra/ [TFSYNC_DEPLOY_ROOT; examples/complete]
#   --var-file FILE       its variables [TFSYNC_DEPLOY_VAR_FILE; <root>/terraform.tfvars]
#   --region REGION       region of the state backend and of tfsync, passed to both as var.region [AWS_REGION]
#   --image IMAGE         the bot's container image, passed to the root as var.image [TFSYNC_IMAGE]
#   --backend-config FILE backend settings of the root [TFSYNC_BACKEND_CONFIG; <root>/backend.hcl, written from the
#                         bootstrap's outputs]
#   --skip-bootstrap      the state backend exists already: use --backend-config or <root>/backend.hcl as they are
#   --secrets MODE        ask (asked for without echo), stdin (one JSON object, see python -m infra.ops) or skip
#                         [TFSYNC_DEPLOY_SECRETS; ask]. A secret that holds a value is kept, unless --replace-secrets.
#   --replace-secrets     put new secret values even where the secrets hold one
#   --plan-only           plan the bootstrap and the root and change nothing: no apply, no secret, no restart
#   --yes                 apply a plan with changes without asking (needed when not run from a terminal)
#   --terraform CMD       Terraform command [TERRAFORM; terraform]
#   --python PY           Python with the project installed, for the secrets and the service [PYTHON; .venv/bin/python]
#   --plugin-dir DIR      unpacked providers for terraform init -plugin-dir (offline machines) [TFSYNC_PLUGIN_DIR]
#   --wait-seconds N      how long to wait for the ECS service to settle [TFSYNC_DEPLOY_WAIT_SECONDS; 900]
#
# Secret values never pass through a command line, a file or Terraform state: Terraform creates the secrets
# empty, and python -m infra.ops puts the values (read without echo, or from standard input).
set -Eeuo pipefail
umask 077

infra="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
repository="$(dirname -- "$infra")"

root_dir="${TFSYNC_DEPLOY_ROOT:-examples/complete}"
var_file="${TFSYNC_DEPLOY_VAR_FILE:-}"
region="${AWS_REGION:-}"
image="${TFSYNC_IMAGE:-}"
backend_config="${TFSYNC_BACKEND_CONFIG:-}"
skip_bootstrap=0
secrets_mode="${TFSYNC_DEPLOY_SECRETS:-ask}"
replace_secrets=0
plan_only=0
assume_yes=0
terraform_cmd="${TERRAFORM:-terraform}"
python="${PYTHON:-${repository}/.venv/bin/python}"
plugin_dir="${TFSYNC_PLUGIN_DIR:-}"
script_path="${BASH_SOURCE[0]}"
# shellcheck source=scripts/steps.sh source-path=SCRIPTDIR
source "${infra}/scripts/steps.sh"
wait_seconds="${TFSYNC_DEPLOY_WAIT_SECONDS:-900}"

while [ "$#" -gt 0 ]; do
  case "$1" in
    --root) needs_value "$@"; root_dir="$2"; shift 2 ;;
    --var-file) needs_value "$@"; var_file="$2"; shift 2 ;;
    --region) needs_value "$@"; region="$2"; shift 2 ;;
    --image) needs_value "$@"; image="$2"; shift 2 ;;
    --backend-config) needs_value "$@"; backend_config="$2"; shift 2 ;;
    --skip-bootstrap) skip_bootstrap=1; shift ;;
    --secrets) needs_value "$@"; secrets_mode="$2"; shift 2 ;;
    --replace-secrets) replace_secrets=1; shift ;;
    --plan-only) plan_only=1; shift ;;
    --yes) assume_yes=1; shift ;;
    --terraform) needs_value "$@"; terraform_cmd="$2"; shift 2 ;;
    --python) needs_value "$@"; python="$2"; shift 2 ;;
    --plugin-dir) needs_value "$@"; plugin_dir="$2"; shift 2 ;;
    --wait-seconds) needs_value "$@"; wait_seconds="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" 2 ;;
  esac
done

case "$secrets_mode" in
  ask | stdin | skip) ;;
  *) die "--secrets must be ask, stdin or skip" 2 ;;
esac
case "$wait_seconds" in
  '' | *[!0-9]*) die "--wait-seconds must be a number of seconds" 2 ;;
esac
case "$root_dir" in
  /* | ../* | */../* | */.. | ..) die "--root must be a folder inside infra/ (examples/complete)" 2 ;;
esac
root="${infra}/${root_dir}"
[ -f "${root}/main.tf" ] || die "--root ${root_dir}: no Terraform root at ${root}" 2
var_file="${var_file:-${root}/terraform.tfvars}"
case "$var_file" in
  /*) ;;
  *) var_file="${PWD}/${var_file}" ;;
esac
if [ ! -f "$var_file" ]; then
  hint=""
  [ ! -f "${root}/terraform.tfvars.example" ] || hint=": cp ${root}/terraform.tfvars.example ${var_file} and fill it in"
  die "no variables file ${var_file}${hint}" 2
fi
if [ -n "$backend_config" ]; then
  case "$backend_config" in
    /*) ;;
    *) backend_config="${PWD}/${backend_config}" ;;
  esac
  [ -f "$backend_config" ] || die "--backend-config ${backend_config}: no such file" 2
fi
if [ -n "$plugin_dir" ] && [ ! -d "$plugin_dir" ]; then
  die "--plugin-dir ${plugin_dir}: no such folder" 2
fi

init_args() {
  # The arguments of terraform init, with the plugin folder when there is one.
  printf '%s\n' -input=false -no-color
  [ -z "$plugin_dir" ] || printf '%s\n' "-plugin-dir=${plugin_dir}"
}

plan_counts() {
  # $1 a plan's printed output: "N to add, N to change, N to destroy", from its summary line (read there rather than
  # from a `show -json` of the saved plan, which would start the provider again).
  sed -nE 's/^Plan: (.*, )?([0-9]+ to add, [0-9]+ to change, [0-9]+ to destroy)[,.].*$/\2/p' "$1" | tail -n 1
}

confirm() {
  # $1 what is about to happen. --yes, or a "yes" typed on the terminal.
  [ "$assume_yes" -eq 0 ] || return 0
  [ -t 0 ] || die "$1 needs a confirmation: run from a terminal, or pass --yes" 2
  local answer
  printf '    %s? Type yes to go on: ' "$1"
  read -r answer
  [ "$answer" = "yes" ] || die "stopped: ${1} was not confirmed"
}

# plan_and_apply FOLDER WHAT [terraform plan arguments...]: plan into FOLDER/tfsync-deploy.tfplan, and apply it when
# it changes something (and --plan-only is not given). Sets "changed" to 1 when something was applied.
changed=0
plan_and_apply() {
  local folder="$1" what="$2" code=0 printed
  shift 2
  printed="$(mktemp)"
  tf -chdir="$folder" plan -input=false -no-color -detailed-exitcode -out=tfsync-deploy.tfplan "$@" |
    tee "$printed" || code="${PIPESTATUS[0]}"
  case "$code" in
    0)
      rm -f -- "$printed"
      say "${what}: nothing to change"
      rm -f -- "${folder}/tfsync-deploy.tfplan"
      return 0
      ;;
    2) say "${what}: $(plan_counts "$printed")" && rm -f -- "$printed" ;;
    *) rm -f -- "$printed" && die "terraform plan of ${what} failed (exit ${code}); see above" ;;
  esac
  if [ "$plan_only" -eq 1 ]; then
    say "--plan-only: ${what} not applied"
    rm -f -- "${folder}/tfsync-deploy.tfplan"
    return 0
  fi
  confirm "apply the plan of ${what}"
  tf -chdir="$folder" apply -input=false -no-color tfsync-deploy.tfplan || die "terraform apply of ${what} failed; see above"
  rm -f -- "${folder}/tfsync-deploy.tfplan"
  changed=1
}

output() {
  # $1 an output of the root: its value, or nothing when it is null or absent.
  tf -chdir="$root" output -json "$1" 2>/dev/null | jq -r 'if . == null then "" else . end' 2>/dev/null || true
}

run_python() {
  # python from the repository's folder (python -m infra.ops, boto3), in the deployment's region when known.
  (
    cd -- "$repository"
    [ -z "$region" ] || export AWS_REGION="$region" AWS_DEFAULT_REGION="$region"
    "$python" "$@"
  )
}

# --- 1. tools and inputs ------------------------------------------------------------------------------------------

step "checking the tools and inputs"
command -v jq >/dev/null 2>&1 || die "jq is not installed (Debian: apt-get install jq)"
tf version >/dev/null 2>&1 || die "terraform does not run (${terraform_cmd}); install Terraform >= 1.5 or pass --terraform"
say "terraform: $(tf version | head -n 1)"
say "root: ${root_dir}, variables: ${var_file}${region:+, region: ${region}}${image:+, image: ${image}}"
if [ "$plan_only" -eq 0 ] && { [ "$secrets_mode" != "skip" ] || declares "$root" create_ecs_service; }; then
  run_python -c 'import boto3, infra.ops' 2>/dev/null ||
    die "${python} cannot import boto3 and infra.ops: run bin/dev test once (it makes .venv), or pass --python"
fi
[ "$plan_only" -eq 0 ] || say "--plan-only: nothing will be changed"

region_vars=()
[ -z "$region" ] || region_vars=(-var "region=${region}")
mapfile -t init_options < <(init_args)

# --- 2. the state backend -----------------------------------------------------------------------------------------

if [ "$skip_bootstrap" -eq 1 ]; then
  step "the state backend: skipped (--skip-bootstrap)"
else
  step "the state backend: terraform init and plan of bootstrap/ (its own state stays in bootstrap/)"
  tf -chdir="${infra}/bootstrap" init "${init_options[@]}" >/dev/null || die "terraform init of bootstrap/ failed"
  plan_and_apply "${infra}/bootstrap" "the state backend" "${region_vars[@]}"
fi

# --- 3. the root's backend settings -------------------------------------------------------------------------------

step "the backend settings of ${root_dir}"
if [ -z "$backend_config" ]; then
  backend_config="${root}/backend.hcl"
  written="$(tf -chdir="${infra}/bootstrap" output -raw backend_config 2>/dev/null || true)"
  if [ -n "$written" ]; then
    if [ -f "$backend_config" ] && [ "$(cat -- "$backend_config")" = "$written" ]; then
      say "${backend_config} is current"
    else
      printf '%s\n' "$written" >"$backend_config"
      say "wrote ${backend_config} from the bootstrap's outputs"
    fi
  elif [ -f "$backend_config" ]; then
    say "using ${backend_config} (the bootstrap has no outputs here)"
  else
    die "no backend settings: apply the bootstrap (run without --plan-only) or pass --backend-config"
  fi
else
  say "using ${backend_config}"
fi

# --- 4. init and plan, then apply ---------------------------------------------------------------------------------

step "terraform init of ${root_dir} with that backend"
tf -chdir="$root" init "${init_options[@]}" -backend-config="$backend_config" >/dev/null ||
  die "terraform init of ${root_dir} failed (a changed backend needs terraform init -migrate-state by hand)"
say "initialized"

step "terraform plan of ${root_dir}, then apply"
root_vars=(-var-file="$var_file")
if [ -n "$region" ] && declares "$root" region; then
  root_vars+=(-var "region=${region}")
fi
if [ -n "$image" ]; then
  declares "$root" image || die "--image: ${root_dir} has no image variable" 2
  root_vars+=(-var "image=${image}")
fi
plan_and_apply "$root" "$root_dir" "${root_vars[@]}"

if [ "$plan_only" -eq 1 ]; then
  step "secrets and the service: skipped (--plan-only)"
  printf '\nDone (plan only): nothing was changed.\n'
  exit 0
fi

# --- 5. the secrets -----------------------------------------------------------------------------------------------

secrets_put=0
region="${region:-$(output region)}"
slack_secret="$(output slack_secret_arn)"
repository_secret="$(output repository_token_secret_arn)"
step "the secrets: the Slack tokens and the repository token, into Secrets Manager (not through Terraform)"
if [ -z "$slack_secret" ] || [ -z "$repository_secret" ]; then
  say "${root_dir} has no slack_secret_arn and repository_token_secret_arn outputs: nothing to put"
else
  held=0
  for secret in "$slack_secret" "$repository_secret"; do
    code=0
    run_python - "$secret" <<'PY' || code=$?
import sys

import boto3

stages = boto3.client("secretsmanager").describe_secret(SecretId=sys.argv[1]).get("VersionIdsToStages", {})
sys.exit(0 if any("AWSCURRENT" in names for names in stages.values()) else 3)
PY
    case "$code" in
      0) held=$((held + 1)) ;;
      3) ;;
      *) die "could not describe the secret ${secret}" ;;
    esac
  done
  if [ "$held" -eq 2 ] && [ "$replace_secrets" -eq 0 ]; then
    say "both secrets hold a value: kept (--replace-secrets puts new ones)"
  elif [ "$secrets_mode" = "skip" ]; then
    say "skipped (--secrets skip); ${held} of 2 hold a value, and the bot starts only once both do"
  else
    args=(-m infra.ops secrets --slack-secret-id "$slack_secret" --repository-secret-id "$repository_secret")
    # HTTP mode (the stack has a Request URL) takes the signing secret in place of the app-level token.
    if [ -n "$(output slack_request_url)" ]; then
      args+=(--slack-mode http)
    fi
    if [ "$secrets_mode" = "stdin" ]; then
      args+=(--from-stdin)
    else
      [ -t 0 ] || die "the secrets are asked for on a terminal: run from one, or pass --secrets stdin"
    fi
    run_python "${args[@]}" || die "putting the secrets failed; nothing else was changed"
    secrets_put=1
    say "put"
  fi
fi

# --- 6. the image and the service ---------------------------------------------------------------------------------

cluster="$(output ecs_cluster_arn)"
service="$(output ecs_service_name)"
step "the service: its image, and waiting for it to run"
if [ -z "$cluster" ] || [ -z "$service" ]; then
  say "no ECS service (create_ecs_service = false): run the Procfile elsewhere with the environment of"
  say "terraform -chdir=${root} output bot_environment, the Slack tokens and the bot's role"
else
  if [ "$secrets_put" -eq 1 ]; then
    say "new secret values: redeploying ${service} so that its tasks read them"
    run_python -m infra.ops restart --cluster "$cluster" --service "$service" || die "redeploying ${service} failed"
  fi
  say "waiting up to ${wait_seconds}s for ${service} to settle"
  run_python - "$cluster" "$service" "$wait_seconds" <<'PY' || die "${service} did not settle; see its events in the ECS console"
import sys

import boto3

cluster, service, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
ecs = boto3.client("ecs")
ecs.get_waiter("services_stable").wait(cluster=cluster, services=[service],
                                       WaiterConfig={"Delay": 15, "MaxAttempts": max(1, seconds // 15)})
[found] = ecs.describe_services(cluster=cluster, services=[service])["services"]
definition = ecs.describe_task_definition(taskDefinition=found["taskDefinition"])["taskDefinition"]
images = ", ".join(sorted({c["image"] for c in definition["containerDefinitions"]}))
print(f"    {service}: {found['runningCount']} of {found['desiredCount']} tasks running {images}")
PY
fi

printf '\nDone%s. To check: create an S3 bucket by hand in the console; a thread about it appears in Slack.\n' \
  "$([ "$changed" -eq 1 ] && printf ' (changes applied)' || printf ' (nothing to change)')"
