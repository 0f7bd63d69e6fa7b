#!/usr/bin/env bash
# The adopt job: place tfsync's generated Terraform in the team's repository, import and plan, and only when the
# plan is clean (exactly the expected imports; nothing to add, change or destroy) push to the base branch and then
# apply that very plan, or push a branch and open a pull request (GitHub, GitHub Enterprise) or merge request
# (GitLab). Ends with one line on stdout: TFSYNC_RESULT {"status": ..., "commit": ..., "pr": ...,
# "plan": {"import": n, "add": n, "change": n, "destroy": n}, "changes": [...], "verified": bool, "error": ...};
# everything else goes to stderr, where each step also leaves one line TFSYNC_STEP {"name", "status", "seconds"}.
# The same script runs in CodeBuild and, for the sandbox and teams without CodeBuild, in tfsync's local runner.
#
# Inputs (environment). From the buildspec and the CodeBuild project:
#   TFSYNC_JOB_DIR          the job's files: manifest.json and files/<repository path>
#   TFSYNC_REPOSITORY_URL   clone URL of the Terraform repository
#   TFSYNC_BASE_BRANCH      branch to start from and to open pull requests against (default main)
#   TFSYNC_GIT_TOKEN        repository token (CodeBuild fills it from Secrets Manager), or else
#   TFSYNC_GIT_TOKEN_SECRET Secrets Manager secret id the script reads the token from with the AWS CLI
#                           (neither is needed for a repository on this machine: a path or a file:// URL)
# From the bot's build overrides (identifiers only, checked against the manifest):
#   TFSYNC_RESOURCE_ID, TFSYNC_ADDRESS, TFSYNC_IMPORT_ID, TFSYNC_MODE (pr | apply), TFSYNC_TARGET_MODULE
# Optional:
#   TFSYNC_TERRAFORM        the terraform command (default terraform)
#   TFSYNC_PLUGIN_DIR       a folder of unpacked providers: `terraform init -plugin-dir` (offline machines)
#   TFSYNC_ROOT_DIR         the root module's folder inside the repository (default: the repository's root)
#   TFSYNC_PLAN             on (default) | off: off when no provider can run here; the code is committed, and
#                           the result says it was not verified (no plan, no gate, no apply)
#   TFSYNC_PR_PROVIDER      github | gitlab: whose API opens the pull request (GitLab: merge request). Unset: gitlab
#                           when TFSYNC_PR_API_URL ends in /api/v4 or the repository's host name contains "gitlab",
#                           else github (github.com and GitHub Enterprise Server)
#   TFSYNC_PR_API_URL       that API's base URL. Unset: https://api.github.com for a github.com repository, else the
#                           repository's own host: https://<host>/api/v3 (GitHub Enterprise Server) or
#                           https://<host>/api/v4 (GitLab). "none": the pushed branch is the result, no request is
#                           opened. The token goes to it in a header, so it must be https (http only on loopback).
#   TFSYNC_WORK_DIR         folder to clone into (default: a new temporary folder)
#   TFSYNC_TARGET_ROLE_ARN  the role Terraform acts through, in the resource's own account (CodeBuild runner; the
#                           local runner passes that role's credentials instead). Assumed with the AWS CLI before
#                           init; its external id comes from the job's target.json, never from the environment.
#   TFSYNC_TARGET_ACCOUNT_ID the resource's account: the assumed role must land in it (sts get-caller-identity), and
#                           everything the plan imports must be in it (the ARNs in the plan; checked by the gate)
set -Eeuo pipefail
umask 077

step="setup"
step_started="$SECONDS"
verified=false
commit=""
pr_url=""
plan_import=0 plan_add=0 plan_change=0 plan_destroy=0
token=""
work=""
changes="[]"
accepted=""
headers=""
pr_provider="github"
pr_api=""
git_user="x-access-token"

log() {
  printf 'tfsync: %s\n' "$*" >&2
}

result() {
  # $1 status, $2 error (may be empty); jq does the quoting, so no value can break the line.
  if ! command -v jq >/dev/null 2>&1; then
    printf 'TFSYNC_RESULT {"status": "failed", "step": "setup", "commit": null, "pr": null, "plan": null, '
    printf '"error": "the build image has no jq"}\n'
    return 0
  fi
  jq -cn \
    --arg status "$1" \
    --arg error "$2" \
    --arg commit "$commit" \
    --arg pr "$pr_url" \
    --arg step "$step" \
    --argjson imports "$plan_import" \
    --argjson add "$plan_add" \
    --argjson change "$plan_change" \
    --argjson destroy "$plan_destroy" \
    --argjson changes "$changes" \
    --argjson verified "$verified" \
    --arg accepted "$accepted" \
    '{status: $status, step: $step, commit: (if $commit == "" then null else $commit end),
      pr: (if $pr == "" then null else $pr end),
      plan: {"import": $imports, add: $add, change: $change, destroy: $destroy},
      changes: $changes, verified: $verified, accepted: $accepted,
      error: (if $error == "" then null else $error end)}' |
    sed 's/^/TFSYNC_RESULT /'
}

step_line() {
  # $1 status. One line a step: the local runner turns these into progress replies in the thread.
  printf 'TFSYNC_STEP {"name": "%s", "status": "%s", "seconds": %d}\n' "$step" "$1" "$((SECONDS - step_started))" >&2
}

begin() {
  # $1 the next step: the current one ends as succeeded.
  [ "$step" = "setup" ] || step_line succeeded
  step="$1"
  step_started="$SECONDS"
}

fail() {
  log "failed at ${step}: $1"
  step_line failed
  result failed "$1"
  exit 1
}

on_error() {
  local code="$?"
  trap - ERR
  fail "unexpected error (exit ${code}) during ${step}; see the build log"
}
trap on_error ERR

cleanup() {
  # The request headers hold the token: removed even where the work folder is kept.
  if [ -n "$headers" ]; then
    rm -f -- "$headers"
  fi
  if [ -n "$work" ] && [ -z "${TFSYNC_WORK_DIR:-}" ]; then
    rm -rf -- "$work"
  fi
}
trap cleanup EXIT

first_error() {
  # Terraform's first error, for the result (the whole output is in the log above): `Error: ...` and its subject.
  cat -- "$1" >&2
  grep -m 1 -A 3 '^Error: ' -- "$1" | grep -v '^ *$' | head -n 2 | tr '\n' ' ' | cut -c 1-400 || true
}

need() {
  command -v "$1" >/dev/null 2>&1 || fail "the build image has no $1"
}

tf() {
  # An array, so a TFSYNC_TERRAFORM of "path with spaces" still names one program.
  local cmd=("${TFSYNC_TERRAFORM:-terraform}")
  "${cmd[@]}" "$@"
}

is_local_repository() {
  case "$1" in
    /* | file://*) return 0 ;;
    *) return 1 ;;
  esac
}

git_auth() {
  # The token reaches git through a credential helper reading the environment: never in a URL, a remote's
  # configuration or a command line. The helper is expanded by git's shell, later, hence the single quotes.
  # shellcheck disable=SC2016
  TFSYNC_GIT_TOKEN_VALUE="$token" TFSYNC_GIT_USER_VALUE="$git_user" git \
    -c credential.helper= \
    -c 'credential.helper=!f() { test "$1" = get || return 0; printf "username=%s\npassword=%s\n" "$TFSYNC_GIT_USER_VALUE" "$TFSYNC_GIT_TOKEN_VALUE"; }; f' \
    "$@"
}

url_authority() {
  # $1 an http(s) URL: its scheme://host[:port], without a user name or password.
  local scheme="${1%%://*}" rest="${1#*://}"
  rest="${rest%%/*}"
  rest="${rest##*@}"
  printf '%s://%s' "$scheme" "$rest"
}

url_host() {
  # $1 an http(s) URL: its host name, lower-cased, without the port ([::1] keeps its brackets).
  local host
  host="$(url_authority "$1")"
  host="${host#*://}"
  case "$host" in
    \[*) host="${host%%]*}]" ;;
    *) host="${host%%:*}" ;;
  esac
  printf '%s' "${host,,}"
}

pr_settings() {
  # Which API opens the pull (or merge) request, and where it is: TFSYNC_PR_PROVIDER and TFSYNC_PR_API_URL, or
  # what the repository's URL says. The provider also names the user git presents the token as.
  local host="" authority="" version
  case "$repo_url" in
    http://* | https://*)
      host="$(url_host "$repo_url")"
      authority="$(url_authority "$repo_url")"
      ;;
  esac
  pr_api="${TFSYNC_PR_API_URL:-}"
  pr_provider="${TFSYNC_PR_PROVIDER:-}"
  if [ -z "$pr_provider" ]; then
    case "${pr_api%/}" in
      */api/v4) pr_provider="gitlab" ;;
      */api/v3) pr_provider="github" ;;
      *)
        case "$host" in
          *gitlab*) pr_provider="gitlab" ;;
          *) pr_provider="github" ;;
        esac
        ;;
    esac
  fi
  case "$pr_provider" in
    github) git_user="x-access-token" ;;
    gitlab) git_user="oauth2" ;;
    *) fail "TFSYNC_PR_PROVIDER must be github or gitlab" ;;
  esac
  [ "$mode" = "pr" ] && [ "$pr_api" != "none" ] || return 0
  if [ -z "$pr_api" ]; then
    if [ "$pr_provider" = "github" ] && { [ -z "$host" ] || [ "$host" = "github.com" ]; }; then
      pr_api="https://api.github.com"
    elif [ -n "$host" ]; then
      version="v4"
      [ "$pr_provider" = "gitlab" ] || version="v3"
      pr_api="${authority}/api/${version}"
    else
      fail "TFSYNC_PR_API_URL is not set, and the repository URL names no host to find the ${pr_provider} API on"
    fi
  fi
  pr_api="${pr_api%/}"
  case "$pr_api" in
    https://?*) ;;
    http://?*)
      case "$(url_host "$pr_api")" in
        127.0.0.1 | localhost | "[::1]") ;;
        *) fail "TFSYNC_PR_API_URL must be an https:// URL (the token is sent to it); http:// only on loopback" ;;
      esac
      ;;
    *) fail "TFSYNC_PR_API_URL must be an https:// URL (the token is sent to it); http:// only on loopback" ;;
  esac
}

assume_target_role() {
  # Terraform (init, plan, apply) acts in the resource's own account: the assumed role's keys replace the build's
  # own in the environment, so nothing can fall back to tfsync's account. Nothing of them is printed.
  local role="${TFSYNC_TARGET_ROLE_ARN:-}" target="${job_dir}/target.json" external_id="" answer account
  [ -n "$role" ] || return 0
  need aws
  if [ -f "$target" ]; then
    [ "$(jq -r '.role_arn // ""' "$target")" = "$role" ] || fail "TFSYNC_TARGET_ROLE_ARN does not match the job's target.json"
    external_id="$(jq -r '.external_id // ""' "$target")"
  fi
  local args=(sts assume-role --role-arn "$role" --role-session-name "tfsync-adopt" --output json)
  [ -z "$external_id" ] || args+=(--external-id "$external_id")
  answer="$(aws "${args[@]}" 2>/dev/null)" || fail "assuming the role ${role} failed"
  AWS_ACCESS_KEY_ID="$(jq -r '.Credentials.AccessKeyId // ""' <<<"$answer")"
  AWS_SECRET_ACCESS_KEY="$(jq -r '.Credentials.SecretAccessKey // ""' <<<"$answer")"
  AWS_SESSION_TOKEN="$(jq -r '.Credentials.SessionToken // ""' <<<"$answer")"
  if [ -z "$AWS_ACCESS_KEY_ID" ] || [ -z "$AWS_SECRET_ACCESS_KEY" ] || [ -z "$AWS_SESSION_TOKEN" ]; then
    fail "assuming the role ${role} returned no credentials"
  fi
  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
  unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI \
    AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN
  if [ -n "${TFSYNC_TARGET_ACCOUNT_ID:-}" ]; then
    account="$(aws sts get-caller-identity --query Account --output text 2>/dev/null)" ||
      fail "the assumed role ${role} could not be checked"
    [ "$account" = "$TFSYNC_TARGET_ACCOUNT_ID" ] ||
      fail "the assumed role ${role} acts in account ${account}, not ${TFSYNC_TARGET_ACCOUNT_ID}"
  fi
  log "acting in account ${TFSYNC_TARGET_ACCOUNT_ID:-of ${role}} through ${role}"
}

# --- inputs -------------------------------------------------------------------------------------------------------

need jq
need git
job_dir="${TFSYNC_JOB_DIR:-}"
[ -n "$job_dir" ] || fail "TFSYNC_JOB_DIR is not set"
manifest="${job_dir}/manifest.json"
[ -f "$manifest" ] || fail "the job has no manifest.json"
jq -e 'type == "object" and (.imports | type == "array" and length > 0) and (.files | type == "array")' \
  "$manifest" >/dev/null || fail "the job's manifest.json is not a tfsync job manifest"

repo_url="${TFSYNC_REPOSITORY_URL:-}"
[ -n "$repo_url" ] || fail "TFSYNC_REPOSITORY_URL is not set"
base="${TFSYNC_BASE_BRANCH:-main}"
mode="${TFSYNC_MODE:-$(jq -r '.mode' "$manifest")}"
case "$mode" in
  pr | apply) ;;
  *) fail "TFSYNC_MODE must be pr or apply" ;;
esac
branch="$(jq -r '.branch' "$manifest")"
git check-ref-format --branch "$branch" >/dev/null 2>&1 || fail "the manifest's branch name is not a valid branch"

# The overrides and the manifest must describe the same job: a mismatch means a mixed-up or tampered job.
manifest_address="$(jq -r '.imports[0].address' "$manifest")"
manifest_id="$(jq -r '.imports[0].id' "$manifest")"
manifest_resource="$(jq -r '.resource_id' "$manifest")"
# One resource: its address and import ID. A bulk adoption (many resources, one plan, one gate): how many, and one
# line per import in the commit's body and the pull request's description.
resource_count="$(jq -r '(.resources // [.resource_id]) | length' "$manifest")"
if [ "$resource_count" -gt 1 ]; then
  subject="tfsync: adopt ${resource_count} resources"
  import_lines="$(jq -r '.imports[] | "- \(.address) (import ID \(.id))"' "$manifest")"
  details="Imports:
${import_lines}"
else
  subject="tfsync: adopt ${manifest_address}"
  details="Import ID: ${manifest_id}"
fi
if [ -n "${TFSYNC_ADDRESS:-}" ] && [ "$TFSYNC_ADDRESS" != "$manifest_address" ]; then
  fail "TFSYNC_ADDRESS does not match the job's manifest"
fi
if [ -n "${TFSYNC_IMPORT_ID:-}" ] && [ "$TFSYNC_IMPORT_ID" != "$manifest_id" ]; then
  fail "TFSYNC_IMPORT_ID does not match the job's manifest"
fi
if [ -n "${TFSYNC_RESOURCE_ID:-}" ] && [ "$TFSYNC_RESOURCE_ID" != "$manifest_resource" ]; then
  fail "TFSYNC_RESOURCE_ID does not match the job's manifest"
fi
if [ -n "${TFSYNC_TARGET_MODULE+set}" ] && [ "$TFSYNC_TARGET_MODULE" != "$(jq -r '.target_module // ""' "$manifest")" ]; then
  fail "TFSYNC_TARGET_MODULE does not match the job's manifest"
fi

plan_mode="${TFSYNC_PLAN:-on}"
case "$plan_mode" in
  on | off) ;;
  *) fail "TFSYNC_PLAN must be on or off" ;;
esac
root_dir="${TFSYNC_ROOT_DIR:-.}"
case "$root_dir" in
  /* | ../* | */../* | */.. | ..) fail "TFSYNC_ROOT_DIR must be a folder inside the repository" ;;
esac
[ "$mode" = "pr" ] || [ "$plan_mode" = "on" ] || fail "apply mode needs a plan: TFSYNC_PLAN=off only goes with pr"
case "${TFSYNC_TARGET_ACCOUNT_ID:-}" in
  "" | [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) ;;
  *) fail "TFSYNC_TARGET_ACCOUNT_ID must be a 12-digit account id" ;;
esac
pr_settings

begin "token"
if [ -n "${TFSYNC_GIT_TOKEN:-}" ]; then
  token="$TFSYNC_GIT_TOKEN"
elif [ -n "${TFSYNC_GIT_TOKEN_SECRET:-}" ]; then
  need aws
  if ! token="$(aws secretsmanager get-secret-value --secret-id "$TFSYNC_GIT_TOKEN_SECRET" \
    --query SecretString --output text 2>/dev/null)"; then
    fail "the repository token could not be read from Secrets Manager"
  fi
fi
if [ -z "$token" ] && ! is_local_repository "$repo_url"; then
  fail "no repository token: the Secrets Manager secret is empty or unset"
fi

# --- clone and branch ---------------------------------------------------------------------------------------------

begin "clone"
if [ -n "${TFSYNC_WORK_DIR:-}" ]; then
  work="$TFSYNC_WORK_DIR"
  mkdir -p -- "$work"
else
  work="$(mktemp -d)"
fi
repo="${work}/repository"
git_auth clone --quiet --branch "$base" -- "$repo_url" "$repo" >&2 ||
  fail "cloning the repository (branch ${base}) failed"
cd -- "$repo"
git config user.name "tfsync"
git config user.email "tfsync@users.noreply.github.com"

begin "branch"
if git_auth ls-remote --exit-code --heads origin "refs/heads/${branch}" >/dev/null 2>&1; then
  # A retry: continue on the branch the first attempt pushed, so nothing is committed twice.
  git_auth fetch --quiet origin "refs/heads/${branch}:refs/remotes/origin/${branch}" >&2
  git checkout --quiet -B "$branch" "refs/remotes/origin/${branch}"
  branch_existed=1
else
  git checkout --quiet -b "$branch"
  branch_existed=0
fi

# --- place the files ----------------------------------------------------------------------------------------------

refuse_link_outside() {
  # $1 a file about to be written, relative to the current folder. The team's repository may commit a symbolic
  # link (the file itself, or a folder on its way) that leads out of the clone, and writing through it would place
  # a file elsewhere on the build host: the file must not be a link, and its real path must stay in the clone.
  local target="$1" clone resolved
  [ ! -L "$target" ] || fail "the repository's ${target} is a symbolic link; tfsync does not write through one"
  clone="$(realpath -e -- "$repo")" || fail "the clone's real path cannot be resolved"
  resolved="$(realpath -m -- "$target")" || fail "the real path of ${target} cannot be resolved"
  case "$resolved" in
    "${clone}/.git" | "${clone}/.git/"*) fail "the repository's ${target} leads into .git through a symbolic link" ;;
    "${clone}/"*) ;;
    *) fail "the repository's ${target} leads outside the repository (to ${resolved}) through a symbolic link" ;;
  esac
}

begin "files"
[ -d "$root_dir" ] || fail "the repository has no folder ${root_dir} (TFSYNC_ROOT_DIR)"
cd -- "$root_dir"
placed=()
while IFS= read -r -d '' path; do
  case "$path" in
    "" | /* | ../* | */../* | */.. | ..) fail "the manifest names a file outside the repository" ;;
    .git/* | */.git/*) fail "the manifest names a file inside .git" ;;
  esac
  source_file="${job_dir}/files/${path}"
  [ -f "$source_file" ] || fail "the job is missing one of its files"
  refuse_link_outside "$path"
  mkdir -p -- "$(dirname -- "$path")"
  cp -- "$source_file" "$path"
  placed+=("$path")
done < <(jq -j '.files[] | (. + "\u0000")' "$manifest")
[ "${#placed[@]}" -gt 0 ] || fail "the job has no files to place"

# --- plan and the clean-plan gate ---------------------------------------------------------------------------------

if [ "$plan_mode" = "off" ]; then
  begin "commit"
  git add -- "${placed[@]}"
  if git diff --cached --quiet -- "${placed[@]}"; then
    [ "$branch_existed" -eq 1 ] || fail "the files change nothing in the repository"
  else
    git commit --quiet --no-verify -m "$subject" -m "$details" \
      -m "Resource: ${manifest_resource}" -m "Plan: not run (no provider here)" >&2
  fi
  commit="$(git rev-parse HEAD)"
  begin "push"
  git_auth push --quiet origin "HEAD:refs/heads/${branch}" >&2 || fail "pushing the branch failed"
  begin "done"
  result succeeded ""
  exit 0
fi

if [ -n "${TFSYNC_TARGET_ROLE_ARN:-}" ]; then
  begin "account"
  assume_target_role
fi

begin "init"
init_args=(init -input=false -no-color)
if [ -n "${TFSYNC_PLUGIN_DIR:-}" ]; then
  init_args+=("-plugin-dir=${TFSYNC_PLUGIN_DIR}")
fi
tf "${init_args[@]}" >&2 2>"${work}/init.err" || fail "terraform init failed: $(first_error "${work}/init.err")"

begin "plan"
tf plan -input=false -no-color -lock-timeout=300s -out=tfsync.tfplan >&2 2>"${work}/plan.err" ||
  fail "terraform plan failed: $(first_error "${work}/plan.err")"
tf show -json tfsync.tfplan >"${work}/plan.json" || fail "terraform show could not read the plan"

begin "gate"
# What each change would do, attribute by attribute, for the thread to say in plain words. An in-place update of an
# imported resource that touches only the Terraform-only arguments the manifest lists for it (the catalog's safe
# values that an import cannot record, like skip_final_snapshot) changes nothing in AWS: it is accepted, and said.
all_changes="$(jq -c --slurpfile manifest "$manifest" '
  ($manifest[0].argument_only // {}) as $allowed
  | [.resource_changes[]? | select(.mode == "managed")
     | select([.change.actions[] | select(. != "no-op" and . != "read")] | length > 0)
     | .change as $c
     | {address, actions: $c.actions,
        attributes: ([(($c.before // {}) | keys[]), (($c.after // {}) | keys[])] | unique
                     | map(select(($c.before // {})[.] != ($c.after // {})[.]
                                  and (($c.after_unknown // {})[.] | not)))),
        replace: ([($c.replace_paths // [])[] | .[0] | tostring] | unique)}
     | . + {accepted: (.actions == ["update"] and $c.importing != null and (.attributes | length > 0)
                       and ((.attributes - ($allowed[.address] // [])) | length == 0))}]' "${work}/plan.json")" ||
  fail "the plan is not a Terraform JSON plan"
changes="$(jq -c '[.[] | select(.accepted | not) | del(.accepted)]' <<<"$all_changes")"
accepted="$(jq -r '[.[] | select(.accepted) | "\(.address) (\(.attributes | join(", ")))"] | join("; ")' \
  <<<"$all_changes")"
# Terraform counts a replacement as one add and one destroy, an import with changes as an import and a change.
counts="$(jq -c --argjson accepted "$(jq '[.[] | select(.accepted)] | length' <<<"$all_changes")" '
  [.resource_changes[]? | select(.mode == "managed")] as $rc
  | {"import": ([$rc[] | select(.change.importing != null)] | length),
     add: ([$rc[] | select(.change.actions | index("create"))] | length),
     change: (([$rc[] | select(.change.actions | index("update"))] | length) - $accepted),
     destroy: ([$rc[] | select(.change.actions | index("delete"))] | length)}' "${work}/plan.json")" ||
  fail "the plan is not a Terraform JSON plan"
plan_import="$(jq -r '.import' <<<"$counts")"
plan_add="$(jq -r '.add' <<<"$counts")"
plan_change="$(jq -r '.change' <<<"$counts")"
plan_destroy="$(jq -r '.destroy' <<<"$counts")"
summary="${plan_import} to import, ${plan_add} to add, ${plan_change} to change, ${plan_destroy} to destroy"
if [ -n "$accepted" ]; then
  summary="${summary}; Terraform-only settings only, nothing in AWS: ${accepted}"
fi
log "plan: ${summary}"

missing="$(jq -r --slurpfile manifest "$manifest" '
  [.resource_changes[]? | select(.change.importing != null) | {address, id: .change.importing.id}] as $got
  | [$manifest[0].imports[] | {address, id}] as $want
  | {missing: ($want - $got | length), unexpected: ($got - $want | length)}
  | "\(.missing) \(.unexpected)"' "${work}/plan.json")"
read -r missing_count unexpected_count <<<"$missing"
if [ "$missing_count" -ne 0 ]; then
  fail "the plan does not import everything expected (${missing_count} missing; ${summary})"
fi
if [ "$unexpected_count" -ne 0 ]; then
  fail "the plan imports something tfsync did not ask for (${unexpected_count} unexpected; ${summary})"
fi
if [ -n "${TFSYNC_TARGET_ACCOUNT_ID:-}" ]; then
  # What the plan imports must be in the resource's own account: a root module whose provider reaches another
  # account (or the build's own, where a route has no role assumed) would otherwise adopt a namesake there.
  elsewhere="$(jq -r --arg account "$TFSYNC_TARGET_ACCOUNT_ID" '
    [.resource_changes[]? | select(.change.importing != null)
     | (.change.after.arn // .change.before.arn // "") | select(type == "string" and startswith("arn:"))
     | split(":") | select(length >= 6 and .[4] != "" and .[4] != $account) | .[4]] | unique | join(", ")' \
    "${work}/plan.json")" || fail "the plan is not a Terraform JSON plan"
  if [ -n "$elsewhere" ]; then
    fail "the plan imports a resource in account ${elsewhere}, not in ${TFSYNC_TARGET_ACCOUNT_ID}; check the provider configuration of ${root_dir}"
  fi
fi
if [ "$plan_add" -ne 0 ] || [ "$plan_change" -ne 0 ] || [ "$plan_destroy" -ne 0 ]; then
  fail "the plan is not clean: ${summary}; the code does not match the resource yet"
fi
verified=true

# --- commit -------------------------------------------------------------------------------------------------------

begin "commit"
git add -- "${placed[@]}"
if git diff --cached --quiet -- "${placed[@]}"; then
  [ "$branch_existed" -eq 1 ] || fail "the files change nothing in the repository"
  log "the branch already holds these files; nothing new to commit"
else
  git commit --quiet --no-verify \
    -m "$subject" \
    -m "$details" \
    -m "Resource: ${manifest_resource}" \
    -m "Plan: ${summary}" >&2
fi
commit="$(git rev-parse HEAD)"

# --- push to the base branch and apply, or push and open a pull request -------------------------------------------

if [ "$mode" = "apply" ]; then
  # The state must never be ahead of the base branch: the next apply from it would plan to destroy what was just
  # imported. So the commit reaches the base branch first and only then is the gated plan applied. Should the apply
  # fail, the base branch holds the import block, and its next plan imports the resource again.
  begin "push"
  git_auth push --quiet origin "HEAD:refs/heads/${branch}" >&2 || fail "pushing the branch failed; nothing was applied"
  git_auth push --quiet origin "HEAD:refs/heads/${base}" >&2 ||
    fail "pushing to ${base} failed (it moved on, or it is protected); nothing was applied; branch ${branch} holds the change"
  begin "apply"
  tf apply -input=false -no-color -lock-timeout=300s tfsync.tfplan >&2 2>"${work}/apply.err" ||
    fail "${base} has the import (commit ${commit:0:12}), but terraform apply failed: $(first_error "${work}/apply.err"); the next plan of ${base} imports the resource again"
  begin "done"
  result succeeded ""
  exit 0
fi

begin "push"
git_auth push --quiet origin "HEAD:refs/heads/${branch}" >&2 || fail "pushing the branch failed"

if [ "$pr_api" = "none" ]; then
  begin "done"
  result succeeded ""
  exit 0
fi

begin "pull-request"
need curl
title="$subject"
if [ "$resource_count" -gt 1 ]; then
  description="Adopts ${resource_count} resources into Terraform, with one plan and one gate.

${import_lines}
"
else
  description="Adopts \`${manifest_address}\` (import ID \`${manifest_id}\`) into Terraform.
"
fi
description="${description}
Plan: ${summary}."
# The token goes to curl in a header file (umask 077, removed on exit), never on its command line.
headers="${work}/request-headers"
if [ "$pr_provider" = "gitlab" ]; then
  # The project by its full path (groups and subgroups), URL-encoded: below the API's own base path when the
  # repository lives there (GitLab under a relative URL), else the clone URL's path.
  gitlab_base="${pr_api%/api/v4}"
  case "$repo_url" in
    "${gitlab_base}/"*) project_path="${repo_url#"${gitlab_base}/"}" ;;
    *://*) project_path="${repo_url#*://}" && project_path="${project_path#*/}" ;;
    *) project_path="$repo_url" ;;
  esac
  project_path="$(printf '%s' "$project_path" | sed -E 's#/+$##; s#\.git$##; s#^/+##')"
  [ -n "$project_path" ] || fail "the repository URL names no GitLab project"
  project="$(jq -rn --arg path "$project_path" '$path | @uri')"
  printf 'PRIVATE-TOKEN: %s\n' "$token" >"$headers"
  existing="$(curl -fsS --retry 3 -H "@${headers}" --get \
    --data-urlencode "source_branch=${branch}" --data-urlencode "target_branch=${base}" \
    --data-urlencode "state=opened" "${pr_api}/projects/${project}/merge_requests")" ||
    fail "asking GitLab for an open merge request failed"
  pr_url="$(jq -r 'if type == "array" and length > 0 then (.[0].web_url // "") else "" end' <<<"$existing")"
  if [ -z "$pr_url" ]; then
    body="$(jq -cn --arg title "$title" --arg source "$branch" --arg target "$base" --arg description "$description" \
      '{source_branch: $source, target_branch: $target, title: $title, description: $description}')"
    created="$(curl -fsS --retry 3 -H "@${headers}" -H "Content-Type: application/json" \
      --data-binary "$body" "${pr_api}/projects/${project}/merge_requests")" || fail "opening the merge request failed"
    pr_url="$(jq -r '.web_url // ""' <<<"$created")"
    [ -n "$pr_url" ] || fail "the merge request API answered without a link"
  fi
else
  # owner/name from the clone URL's last two path segments (https://github.com/owner/name.git).
  slug="$(printf '%s' "$repo_url" | sed -E 's#/+$##; s#\.git$##' | awk -F/ '{ print $(NF-1) "/" $NF }')"
  [[ "$slug" =~ ^[A-Za-z0-9._-]+/[A-Za-z0-9._-]+$ ]] || fail "the repository URL names no GitHub owner/name"
  owner="${slug%%/*}"
  printf 'Authorization: Bearer %s\nAccept: application/vnd.github+json\n' "$token" >"$headers"
  existing="$(curl -fsS --retry 3 -H "@${headers}" --get \
    --data-urlencode "head=${owner}:${branch}" --data-urlencode "state=open" \
    "${pr_api}/repos/${slug}/pulls")" || fail "asking for an open pull request failed"
  pr_url="$(jq -r 'if type == "array" and length > 0 then (.[0].html_url // "") else "" end' <<<"$existing")"
  if [ -z "$pr_url" ]; then
    body="$(jq -cn --arg title "$title" --arg head "$branch" --arg base "$base" --arg body "$description" \
      '{title: $title, head: $head, base: $base, body: $body}')"
    created="$(curl -fsS --retry 3 -H "@${headers}" -H "Content-Type: application/json" \
      --data-binary "$body" "${pr_api}/repos/${slug}/pulls")" || fail "opening the pull request failed"
    pr_url="$(jq -r '.html_url // ""' <<<"$created")"
    [ -n "$pr_url" ] || fail "the pull request API answered without a link"
  fi
fi
rm -f -- "$headers"
headers=""
begin "done"
result succeeded ""
