#!/usr/bin/env bash
# Remove tfsync: infra/README.md's "Destroy", in order, each step saying what it does before doing it, and at the
# end what stays behind (secrets in their recovery window, keys pending deletion, backups, kept buckets, the branches
# and pull requests tfsync opened). Nothing is destroyed without the account's id typed out (--confirm), nor in the
# wrong order: not a stack another one still uses (examples/organization uses examples/complete's queue and role),
# not the state backend while a stack still keeps its state there.
#
#   infra/destroy.sh --confirm ACCOUNT_ID [options]
#
#   --confirm ACCOUNT_ID  the AWS account the stack is in [TFSYNC_DESTROY_CONFIRM]; --plan-only needs none
#   --root DIR            Terraform root to destroy, relative to infra/ [TFSYNC_DEPLOY_ROOT; examples/complete]
#   --var-file FILE       its variables [TFSYNC_DEPLOY_VAR_FILE; <root>/terraform.tfvars]
#   --backend-config FILE its backend settings [TFSYNC_BACKEND_CONFIG; <root>/backend.hcl]
#   --keep-artifact-bucket  keep the adopter's artifact bucket (job files, adopt scripts) and the key encrypting it
#   --with-bootstrap      then remove the state backend as well (its bucket with every state version, the lock table)
#   --only-bootstrap      remove only the state backend: refused while a stack still has state in it
#   --org-root DIR        the stack that uses this one, checked first [examples/organization]
#   --org-state-key KEY   its state's key in the same bucket [ORG_STATE_KEY; tfsync/organization.tfstate]
#   --plan-only           show what would be destroyed and what would stay; change nothing
#   --terraform CMD       Terraform command [TERRAFORM; terraform]
#   --python PY           Python with boto3, to read the account when the state does not say it [PYTHON]
#   --plugin-dir DIR      unpacked providers for terraform init -plugin-dir (offline machines) [TFSYNC_PLUGIN_DIR]
set -Eeuo pipefail
umask 077

infra="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
repository="$(dirname -- "$infra")"

confirmation="${TFSYNC_DESTROY_CONFIRM:-}"
root_dir="${TFSYNC_DEPLOY_ROOT:-examples/complete}"
var_file="${TFSYNC_DEPLOY_VAR_FILE:-}"
backend_config="${TFSYNC_BACKEND_CONFIG:-}"
keep_artifacts=0
bootstrap_too=0
bootstrap_only=0
org_dir="examples/organization"
org_state_key="${ORG_STATE_KEY:-tfsync/organization.tfstate}"
plan_only=0
terraform_cmd="${TERRAFORM:-terraform}"
python="${PYTHON:-${repository}/.venv/bin/python}"
plugin_dir="${TFSYNC_PLUGIN_DIR:-}"
script_path="${BASH_SOURCE[0]}"
# shellcheck source=scripts/steps.sh source-path=SCRIPTDIR
source "${infra}/scripts/steps.sh"

while [ "$#" -gt 0 ]; do
  case "$1" in
    --confirm) needs_value "$@"; confirmation="$2"; shift 2 ;;
    --root) needs_value "$@"; root_dir="$2"; shift 2 ;;
    --var-file) needs_value "$@"; var_file="$2"; shift 2 ;;
    --backend-config) needs_value "$@"; backend_config="$2"; shift 2 ;;
    --keep-artifact-bucket) keep_artifacts=1; shift ;;
    --with-bootstrap) bootstrap_too=1; shift ;;
    --only-bootstrap) bootstrap_only=1; shift ;;
    --org-root) needs_value "$@"; org_dir="$2"; shift 2 ;;
    --org-state-key) needs_value "$@"; org_state_key="$2"; shift 2 ;;
    --plan-only) plan_only=1; shift ;;
    --terraform) needs_value "$@"; terraform_cmd="$2"; shift 2 ;;
    --python) needs_value "$@"; python="$2"; shift 2 ;;
    --plugin-dir) needs_value "$@"; plugin_dir="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" 2 ;;
  esac
done

for folder in "$root_dir" "$org_dir"; do
  case "$folder" in
    /* | ../* | */../* | */.. | ..) die "--root and --org-root must be folders inside infra/" 2 ;;
  esac
done
[ "$bootstrap_only" -eq 0 ] || [ "$keep_artifacts" -eq 0 ] || die "--only-bootstrap destroys no stack to keep a bucket of" 2
root="${infra}/${root_dir}"
org_root="${infra}/${org_dir}"
[ -f "${root}/main.tf" ] || die "--root ${root_dir}: no Terraform root at ${root}" 2
var_file="${var_file:-${root}/terraform.tfvars}"
case "$var_file" in
  /*) ;;
  *) var_file="${PWD}/${var_file}" ;;
esac
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

scratch="$(mktemp -d)"
trap 'rm -rf -- "$scratch"' EXIT

init_options=(-input=false -no-color)
[ -z "$plugin_dir" ] || init_options+=("-plugin-dir=${plugin_dir}")

# The resource instances, managed and data, of every module of a state as Terraform keeps it (`terraform state
# pull`): [{address, mode, type, values}], each address as Terraform writes it (module.a.aws_kms_key.this[0]).
# shellcheck disable=SC2016 # $r is jq's, not the shell's
RESOURCES='[.resources[]? | . as $r | .instances[]? | {
  address: ((if $r.module then $r.module + "." else "" end) + (if $r.mode == "data" then "data." else "" end)
    + $r.type + "." + $r.name + (if has("index_key") then "[" + (.index_key | tojson) + "]" else "" end)),
  mode: $r.mode, type: $r.type, values: .attributes}]'

inventory() {
  # $1 a folder, initialized; writes its state to $2, {} when it has none. `state pull` reads the backend alone:
  # unlike `show -json`, it starts no provider (seconds a state, and the same attributes).
  tf -chdir="$1" state pull >"$2" 2>/dev/null || die "terraform state pull of $1 failed"
  [ -s "$2" ] || printf '{}' >"$2"
}

managed_count() {
  # $1 a state written by inventory: how many resources it holds (managed ones; data sources are not destroyed).
  jq "${RESOURCES}"' | map(select(.mode == "managed")) | length' "$1"
}

resources_in() {
  # $1 a folder, initialized: how many resources its state holds. No state at all is none.
  local pulled
  pulled="$(mktemp "${scratch}/state.XXXXXX")"
  inventory "$1" "$pulled"
  managed_count "$pulled"
}

destroy_args() {
  # $1 a folder: the variables that let destroy remove it, as far as it declares them. Tables are deletion-protected
  # and buckets keep their objects unless told otherwise (as the Makefile's destroy tells them).
  if declares "$1" deletion_protection_enabled; then
    printf '%s\n' -var deletion_protection_enabled=false
  fi
  if declares "$1" force_destroy; then
    printf '%s\n' -var force_destroy=true
  fi
}

account_of() {
  # $1 a state's JSON: the account its caller identity records, else the one the credentials are in.
  local account
  account="$(jq -r "${RESOURCES}"' | map(select(.mode == "data" and .type == "aws_caller_identity")
    | .values.account_id) | first // ""' "$1")"
  if [ -z "$account" ] && [ -x "$python" ]; then
    account="$(cd -- "$repository" &&
      "$python" -c 'import boto3; print(boto3.client("sts").get_caller_identity()["Account"])' 2>/dev/null)" ||
      account=""
  fi
  printf '%s' "$account"
}

confirm() {
  # $1 the account, $2 what would be destroyed. A dry run needs no confirmation; a real one the account's id.
  local account="$1" what="$2" typed="$confirmation"
  [ -n "$account" ] || die "cannot tell which account ${what} is in: nothing destroyed" 2
  if [ "$plan_only" -eq 1 ]; then
    say "--plan-only: a real run needs --confirm ${account}"
    return 0
  fi
  if [ -z "$typed" ] && [ -t 0 ]; then
    printf '    %s is in account %s. Type the account id to destroy it: ' "$what" "$account"
    read -r typed
  fi
  [ -n "$typed" ] || die "refused: ${what} is in account ${account}; confirm with --confirm ${account}" 2
  [ "$typed" = "$account" ] || die "refused: ${what} is in account ${account}, not ${typed}; nothing destroyed" 2
  say "confirmed: account ${account}"
}

backend_settings() {
  # The root's backend settings: --backend-config, <root>/backend.hcl, or written from the bootstrap's outputs.
  if [ -n "$backend_config" ]; then
    return 0
  fi
  backend_config="${root}/backend.hcl"
  [ -f "$backend_config" ] && return 0
  local written
  written="$(tf -chdir="${infra}/bootstrap" output -raw backend_config 2>/dev/null || true)"
  [ -n "$written" ] || die "no backend settings for ${root_dir} (${backend_config}, or the bootstrap's outputs): nothing deployed here?" 2
  printf '%s\n' "$written" >"$backend_config"
}

users_of_this_stack() {
  # How many resources the stack that uses this one still has: its state, read in a scratch data folder so that
  # nothing of it is left in its folder.
  if [ "$root_dir" != "examples/complete" ] || [ ! -f "${org_root}/main.tf" ]; then
    printf '0'
    return 0
  fi
  TF_DATA_DIR="${scratch}/org" tf -chdir="$org_root" init "${init_options[@]}" -backend-config="$backend_config" \
    -backend-config="key=${org_state_key}" >/dev/null 2>"${scratch}/org-init.err" ||
    die "cannot read the state of ${org_dir} (key ${org_state_key}) to check it is gone: $(head -c 400 "${scratch}/org-init.err")"
  TF_DATA_DIR="${scratch}/org" resources_in "$org_root"
}

state_backend_users() {
  # How many resources the stacks keeping their state in the backend still have (read in a scratch data folder).
  local count=0 found
  if [ -z "$backend_config" ] && [ ! -f "${root}/backend.hcl" ] &&
    [ -z "$(tf -chdir="${infra}/bootstrap" output -raw backend_config 2>/dev/null || true)" ]; then
    say "no backend settings for ${root_dir}: no stack keeps its state there" >&2
    printf '0'
    return 0
  fi
  backend_settings
  TF_DATA_DIR="${scratch}/root" tf -chdir="$root" init "${init_options[@]}" -backend-config="$backend_config" \
    >/dev/null 2>&1 || die "cannot read the state of ${root_dir} to check it is gone"
  found="$(TF_DATA_DIR="${scratch}/root" resources_in "$root")"
  [ "$found" -eq 0 ] || say "${root_dir} still has ${found} resources" >&2
  count=$((count + found))
  found="$(users_of_this_stack)"
  [ "$found" -eq 0 ] || say "${org_dir} still has ${found} resources" >&2
  printf '%s' "$((count + found))"
}

# --- 1. tools -----------------------------------------------------------------------------------------------------

step "checking the tools and inputs"
command -v jq >/dev/null 2>&1 || die "jq is not installed (Debian: apt-get install jq)"
tf version >/dev/null 2>&1 || die "terraform does not run (${terraform_cmd}); install Terraform >= 1.5 or pass --terraform"
say "terraform: $(tf version | head -n 1)"
[ "$plan_only" -eq 0 ] || say "--plan-only: nothing will be changed"

leftovers=()
state_json="${scratch}/state.json"
printf '{}' >"$state_json"
repositories=()

# --- 2. the stack -------------------------------------------------------------------------------------------------

if [ "$bootstrap_only" -eq 0 ]; then
  step "${root_dir}: its backend and its state"
  [ -f "$var_file" ] || die "no variables file ${var_file}: destroy plans with the variables the stack was deployed with" 2
  backend_settings
  tf -chdir="$root" init "${init_options[@]}" -backend-config="$backend_config" >/dev/null ||
    die "terraform init of ${root_dir} failed"
  inventory "$root" "$state_json"
  count="$(managed_count "$state_json")"
  say "${root_dir} has ${count} resources (backend settings: ${backend_config})"

  step "what uses ${root_dir}"
  users="$(users_of_this_stack)"
  if [ "$users" -ne 0 ]; then
    die "refused: ${org_dir} still has ${users} resources that use ${root_dir}'s queue and role; destroy it first: infra/destroy.sh --root ${org_dir} --confirm <account>" 2
  fi
  say "nothing (${org_dir} has no resources)"

  mapfile -t repositories < <(jq -r "${RESOURCES}"' | map(select(.type == "aws_codebuild_project")
    | .values.environment[]?.environment_variable[]? | select(.name == "TFSYNC_REPOSITORY_URL") | .value)
    | unique | .[]' "$state_json")

  if [ "$count" -eq 0 ]; then
    step "${root_dir}: nothing to destroy"
  else
    step "confirming the account"
    confirm "$(account_of "$state_json")" "$root_dir"
    mapfile -t root_vars < <(destroy_args "$root")
    root_vars=(-var-file="$var_file" "${root_vars[@]}")
    kept=()

    if [ "$keep_artifacts" -eq 1 ]; then
      step "keeping the artifact bucket: out of Terraform's state, so that destroy leaves it"
      mapfile -t kept < <(jq -r "${RESOURCES}"' | map(select(.mode == "managed"
        and (.address | test("(^|\\.)module\\.adopter\\."))
        and (.type | test("^aws_s3_(bucket|bucket_.*|object)$|^aws_kms_(key|alias)$")))) | .[].address' "$state_json")
      for address in "${kept[@]}"; do
        if [ "$plan_only" -eq 1 ]; then
          say "would keep ${address}"
        else
          tf -chdir="$root" state rm -lock-timeout=300s "$address" >/dev/null || die "terraform state rm ${address} failed"
          say "kept ${address}"
        fi
      done
    fi

    if [ "$plan_only" -eq 1 ]; then
      step "terraform plan -destroy of ${root_dir} (from the state as recorded: no refresh)"
      # Its machine-readable output names each planned change: no `show` of a saved plan, which would start the
      # provider again.
      planned="${scratch}/destroy-plan.jsonl"
      if ! tf -chdir="$root" plan -destroy -refresh=false -input=false -json "${root_vars[@]}" >"$planned"; then
        jq -r 'select(.type == "diagnostic") | "\(.diagnostic.summary): \(.diagnostic.detail // "")"' "$planned" >&2 ||
          true
        die "terraform plan -destroy of ${root_dir} failed"
      fi
      kept_json="$(printf '%s\n' "${kept[@]}" | jq -R . | jq -s 'map(select(. != ""))')"
      say "would destroy $(jq -s --argjson kept "$kept_json" '[.[] | select(.type == "planned_change"
        and .change.action == "delete" and ((.change.resource.addr | IN($kept[])) | not))] | length' "$planned") resources"
    else
      step "turning deletion protection off and letting buckets go with their objects"
      tf -chdir="$root" apply -input=false -no-color -auto-approve "${root_vars[@]}" ||
        die "terraform apply of ${root_dir} (deletion protection off) failed; nothing was destroyed"
      step "terraform destroy of ${root_dir}"
      tf -chdir="$root" destroy -input=false -no-color -auto-approve "${root_vars[@]}" ||
        die "terraform destroy of ${root_dir} failed; run again once the cause above is fixed"
    fi
  fi
fi

# --- 3. the state backend -----------------------------------------------------------------------------------------

bootstrap="${infra}/bootstrap"
if [ "$bootstrap_too" -eq 1 ] || [ "$bootstrap_only" -eq 1 ]; then
  step "the state backend: nothing may still keep its state there"
  tf -chdir="$bootstrap" init "${init_options[@]}" >/dev/null || die "terraform init of bootstrap/ failed"
  if [ "$plan_only" -eq 1 ] && [ "$bootstrap_only" -eq 0 ]; then
    say "--plan-only: ${root_dir} is not destroyed, so the state backend would be checked once it is"
  else
    users="$(state_backend_users)"
    [ "$users" -eq 0 ] ||
      die "refused: the state backend still holds the state of ${users} resources; destroy the stacks first (infra/destroy.sh --confirm <account>)" 2
    say "no stack keeps resources there"
  fi
  backend_state="${scratch}/bootstrap.json"
  inventory "$bootstrap" "$backend_state"
  backend_count="$(managed_count "$backend_state")"
  if [ "$backend_count" -eq 0 ]; then
    say "the state backend has nothing to destroy"
  else
    confirm "$(account_of "$backend_state")" "the state backend"
    mapfile -t backend_vars < <(destroy_args "$bootstrap")
    if [ "$plan_only" -eq 1 ]; then
      tf -chdir="$bootstrap" plan -destroy -refresh=false -input=false -no-color "${backend_vars[@]}" >/dev/null ||
        die "terraform plan -destroy of bootstrap/ failed"
      say "would destroy ${backend_count} resources of the state backend"
    else
      step "terraform destroy of the state backend (the bucket with every state version, the lock table)"
      tf -chdir="$bootstrap" apply -input=false -no-color -auto-approve "${backend_vars[@]}" ||
        die "terraform apply of bootstrap/ failed; nothing was destroyed"
      tf -chdir="$bootstrap" destroy -input=false -no-color -auto-approve "${backend_vars[@]}" ||
        die "terraform destroy of bootstrap/ failed"
    fi
    jq -s '{resources: (map(.resources // []) | add)}' "$state_json" "$backend_state" \
      >"${scratch}/both.json"
    mv -- "${scratch}/both.json" "$state_json"
  fi
fi

# --- 4. what stays ------------------------------------------------------------------------------------------------

step "what stays behind$([ "$plan_only" -eq 1 ] && printf ' (would stay)')"
while IFS=$'\t' read -r name days; do
  [ "$days" = "0" ] || leftovers+=("secret ${name}: restorable for ${days} days (aws secretsmanager restore-secret --secret-id ${name}); deploying again under that name needs it restored, or another name")
done < <(jq -r "${RESOURCES}"' | .[] | select(.mode == "managed" and .type == "aws_secretsmanager_secret")
  | "\(.values.name)\t\(.values.recovery_window_in_days // 30)"' "$state_json")
while IFS=$'\t' read -r arn days address; do
  if [ "$keep_artifacts" -eq 1 ] && [[ "$address" == *adopter* ]]; then
    leftovers+=("KMS key ${arn}: kept, it encrypts the kept artifact bucket")
  else
    leftovers+=("KMS key ${arn}: pending deletion for ${days} days (aws kms cancel-key-deletion --key-id ${arn})")
  fi
done < <(jq -r "${RESOURCES}"' | .[] | select(.mode == "managed" and .type == "aws_kms_key")
  | "\(.values.arn)\t\(.values.deletion_window_in_days // 30)\t\(.address)"' "$state_json")
while IFS= read -r table; do
  leftovers+=("DynamoDB table ${table}: deleted with point-in-time recovery on, so DynamoDB keeps a system backup of it for up to 35 days (aws dynamodb list-backups --backup-type SYSTEM)")
done < <(jq -r "${RESOURCES}"' | .[] | select(.mode == "managed" and .type == "aws_dynamodb_table"
  and ((.values.point_in_time_recovery // [])[0].enabled == true)) | .values.name' "$state_json")
if [ "$keep_artifacts" -eq 1 ]; then
  while IFS= read -r bucket; do
    leftovers+=("S3 bucket ${bucket}: kept (--keep-artifact-bucket), with its job files and adopt scripts; no longer in Terraform's state")
  done < <(jq -r "${RESOURCES}"' | .[] | select(.mode == "managed" and .type == "aws_s3_bucket"
    and (.address | test("(^|\\.)module\\.adopter\\."))) | .values.bucket' "$state_json")
fi
if [ "$bootstrap_too" -eq 0 ] && [ "$bootstrap_only" -eq 0 ]; then
  backend="$(tf -chdir="$bootstrap" output -raw backend_config 2>/dev/null | tr -s ' \n' ' ' || true)"
  leftovers+=("the state backend${backend:+ (${backend})}: remove it with infra/destroy.sh --only-bootstrap once no stack uses it")
fi
[ ! -f "${bootstrap}/terraform.tfstate" ] || leftovers+=("bootstrap/terraform.tfstate: the state backend's own local state file")
for repo in "${repositories[@]}"; do
  branches="$(GIT_TERMINAL_PROMPT=0 timeout 30 git ls-remote --heads -- "$repo" 'refs/heads/tfsync/*' 2>/dev/null |
    sed 's#.*refs/heads/##' | tr '\n' ' ' || true)"
  if [ -n "$branches" ]; then
    leftovers+=("branches tfsync pushed to ${repo}: ${branches}and the pull requests opened from them (tfsync deletes neither)")
  else
    leftovers+=("branches tfsync pushed to ${repo} (git ls-remote --heads ${repo} 'refs/heads/tfsync/*') and their pull requests: tfsync deletes neither")
  fi
done
leftovers+=("the Slack app (https://api.slack.com/apps): delete it there if it is not used again")
for leftover in "${leftovers[@]}"; do
  say "- ${leftover}"
done

if [ "$plan_only" -eq 1 ]; then
  printf '\nDone (plan only): nothing was changed.\n'
else
  printf '\nDone.\n'
fi
