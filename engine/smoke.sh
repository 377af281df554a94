#!/usr/bin/env bash
# Smoke check of the built engine (engine/build.sh first): the CLI runs, finds the plugins on PATH
# without downloading any, and runs a real Pulumi YAML program through the YAML language host
# against a local file backend with the passphrase secrets provider: `up`, a second `preview` that
# must be empty, a secret that must not be in the state in plain text, and `destroy`.
# Each provider plugin found in the bin folder must also answer `pulumi package get-schema`.
# Prints one line per check; exits 1 at the first that fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$("$here/build.sh" --path)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export PATH="$bin:$PATH"
export PULUMI_HOME="$tmp/home"
export PULUMI_CONFIG_PASSPHRASE="smoke-passphrase"
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=1
export PULUMI_SKIP_UPDATE_CHECK=1
export PULUMI_DIY_BACKEND_NO_LOCK=1

ok() { echo "smoke: ok: $*"; }
fail() {
  echo "smoke: FAILED: $*" >&2
  exit 1
}

version="$(pulumi version)" || fail "pulumi version"
ok "pulumi version: $version"
mkdir -p "$tmp/state" "$tmp/project"
pulumi login --non-interactive "file://$tmp/state" >/dev/null || fail "pulumi login file://"
ok "pulumi login file://$tmp/state"
pulumi plugin ls --non-interactive >"$tmp/plugins.txt" || fail "pulumi plugin ls"
ok "pulumi plugin ls ($(grep -c . "$tmp/plugins.txt") lines: plugins on PATH are not listed here)"

for provider in "$bin"/pulumi-resource-*; do
  [ -x "$provider" ] || continue
  name="${provider##*/pulumi-resource-}"
  pulumi package get-schema "$name" >"$tmp/$name.json" 2>"$tmp/$name.err" ||
    fail "pulumi package get-schema $name: $(head -n 1 "$tmp/$name.err")"
  ok "pulumi package get-schema $name: $(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["name"], s.get("version"), len(s.get("resources", {})), "resources")' "$tmp/$name.json")"
done

cd "$tmp/project"
cat >Pulumi.yaml <<'EOF'
name: engine-smoke
runtime: yaml
config:
  token:
    type: string
    secret: true
outputs:
  greeting: hello from pulumi-language-yaml
  token: ${token}
EOF
pulumi stack init --non-interactive smoke >/dev/null 2>&1 || fail "pulumi stack init"
secret="smoke-secret-$RANDOM$RANDOM"
pulumi config set --secret token "$secret" >/dev/null || fail "pulumi config set --secret"
pulumi up --yes --non-interactive --skip-preview >"$tmp/up.txt" 2>&1 || fail "pulumi up: $(tail -n 3 "$tmp/up.txt")"
[ "$(pulumi stack output greeting)" = "hello from pulumi-language-yaml" ] || fail "stack output greeting"
ok "pulumi up of a YAML program (runtime yaml, pulumi-language-yaml from PATH)"
pulumi preview --expect-no-changes --non-interactive >"$tmp/preview.txt" 2>&1 ||
  fail "second preview is not empty: $(tail -n 3 "$tmp/preview.txt")"
ok "second pulumi preview --expect-no-changes"
pulumi stack export >"$tmp/state.json" || fail "pulumi stack export"
if grep -qF "$secret" "$tmp/state.json" Pulumi.smoke.yaml; then
  fail "the secret is in plain text in the state or the stack config"
fi
ok "the config secret is not in plain text in the exported state"
pulumi destroy --yes --non-interactive --skip-preview >"$tmp/destroy.txt" 2>&1 || fail "pulumi destroy"
ok "pulumi destroy"
