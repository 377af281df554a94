#!/usr/bin/env bash
# Build the real Pulumi engine from published Go modules, into a cache folder outside the work tree:
#   ~/.cache/pantheon-oncall/engine/<key>/bin   (PANTHEON_ENGINE_CACHE overrides the parent folder)
#
#   engine/build.sh          build what is missing (idempotent), print what it built and where
#   engine/build.sh --path   print the bin folder if it is complete, else one line and exit 1
#
# Each binary group is built from a small module of ours (engine/<group>/go.mod + go.sum) that
# requires the published modules at exact versions; nothing of theirs is vendored here. <key> is a
# hash of those files, this script (its flags) and the Go version, so changing a version builds a new folder.
# Beside bin/: versions.json (every module@version linked into each binary, and what could not be
# had) and figures.jsonl (wall seconds and peak memory of each download and build step; a cold
# build is the first one into an empty Go build cache: bench/engine_build.py prints them).
#
# What the Go module proxy does not serve is listed in UNAVAILABLE below (see docs/engine.md): it
# is printed as one line per missing binary, recorded in versions.json, and does not fail the build.
# A module@version that should be served but is not fails the build in one line naming it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_root="${PANTHEON_ENGINE_CACHE:-$HOME/.cache/pantheon-oncall/engine}"

# Go 1.26 builds every module here (their go.mod files ask for 1.25-1.26). A module that needs a
# newer Go would need GOTOOLCHAIN=go1.27.3, which the go command takes from the module proxy.
export GOTOOLCHAIN="${ENGINE_GOTOOLCHAIN:-local}"
export GOFLAGS="-buildvcs=false -mod=readonly"
export CGO_ENABLED=0
# A build cache of our own: builds do not depend on (or fill) the user's, and a first build is cold.
export GOCACHE="$cache_root/go-build"

# Pulumi's release flags (pulumi/pulumi .goreleaser.yml): -trimpath, CGO off, these tags, -s -w and
# the version stamped with -X. pulumi-yaml's release uses -s -w and its own version variable.
TAGS="osusergo,grpcnotrace"

# binary | our module folder | package | -X variable for the version | module whose version it is
TARGETS=(
  "pulumi|cli|github.com/pulumi/pulumi/pkg/v3/cmd/pulumi|github.com/pulumi/pulumi/sdk/v3/go/common/version.Version|github.com/pulumi/pulumi/pkg/v3"
  "pulumi-language-yaml|yaml|github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml|github.com/pulumi/pulumi-yaml/pkg/version.Version|github.com/pulumi/pulumi-yaml"
)
# The Python host's helper script, a file of the sdk/v3 module (python/cmd/), copied beside it.
EXEC_SCRIPT_MODULE="github.com/pulumi/pulumi/sdk/v3"

# binary | module that would be needed | why it cannot be had (probe of 2026-12-02, docs/engine.md)
UNAVAILABLE=(
  "pulumi-language-python|github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3|not served: no version list, and the pseudo-versions at the v3.248.0-v3.259.0 release commits answer 403"
  "pulumi-resource-pagerduty|github.com/pulumi/pulumi-pagerduty/provider/v4|not served: no version list, and the pseudo-versions at the v4.29.0-v4.34.0 release commits answer 403 (the v4.37.0 release commit is not known here)"
  "pulumi-resource-newrelic|github.com/pulumi/pulumi-newrelic/provider/v5|not served: no version list, and the pseudo-versions at the v5.60.0 and v5.75.0-v5.75.3 release commits answer 403; its upstream github.com/newrelic/terraform-provider-newrelic/v3 answers 403 at every release tried"
  "pulumi-resource-slack|github.com/pulumi/pulumi-slack/provider|not served: no version list, and the pseudo-versions at the v0.4.14-v0.5.1 release commits answer 403; its upstream github.com/pablovarela/terraform-provider-slack@v1.2.2 answers 403"
)

die() {
  echo "engine: $*" >&2
  exit 1
}

key="$(
  {
    cat "${BASH_SOURCE[0]}"
    for t in "${TARGETS[@]}"; do
      IFS='|' read -r _ group _ _ _ <<<"$t"
      cat "$here/$group/go.mod" "$here/$group/go.sum"
    done
    go env GOVERSION
  } | sha256sum | cut -c1-16
)"
dir="$cache_root/$key"
bin="$dir/bin"

complete() {
  [ -s "$dir/versions.json" ] || return 1
  for t in "${TARGETS[@]}"; do
    IFS='|' read -r name _ _ _ _ <<<"$t"
    [ -x "$bin/$name" ] || return 1
  done
  [ -x "$bin/pulumi-language-python-exec" ]
}

if [ "${1:-}" = "--path" ]; then
  complete || die "not built: run engine/build.sh (or make engine); expected $bin"
  echo "$bin"
  exit 0
elif [ $# -gt 0 ]; then
  die "usage: engine/build.sh [--path]"
fi

command -v go >/dev/null || die "the go command is not on PATH"
mkdir -p "$bin" "$GOCACHE"
figures="$dir/figures.jsonl"
measure() { python3 "$here/measure.py" "$figures" "$@"; }
[ -n "$(ls -A "$GOCACHE" 2>/dev/null | grep -v -e README -e trim.txt || true)" ] || echo "engine: the Go build cache $GOCACHE is empty: this is a cold build"

# Download the modules whose packages a binary links (loading its packages fetches their zips).
# A refusal names the module@version in one line.
download() {
  local group="$1" pkg="$2" log="$dir/download-$1.log"
  if ! (cd "$here/$group" && measure download "$group" -- go list -deps "$pkg") >"$log" 2>&1; then
    local missing
    missing="$(grep -m 1 -E '403|404|410|not available|missing go.sum|invalid version|unknown revision' "$log" || true)"
    die "cannot download the modules of engine/$group: ${missing:-see $log}"
  fi
}

module_version() { (cd "$here/$1" && go list -m -f '{{.Version}}' "$2"); }

built=()
for t in "${TARGETS[@]}"; do
  IFS='|' read -r name group pkg var vmod <<<"$t"
  if [ -x "$bin/$name" ]; then
    continue
  fi
  download "$group" "$pkg"
  version="$(module_version "$group" "$vmod")"
  echo "engine: building $name ($vmod@$version) ..."
  log="$dir/build-$name.log"
  if ! (cd "$here/$group" && measure build "$name" -- go build -trimpath -tags "$TAGS" \
    -ldflags "-s -w -X $var=$version" -o "$bin/$name.tmp" "$pkg") >"$log" 2>&1; then
    die "go build of $pkg ($vmod@$version) failed: $(grep -m1 -vE '^(go: downloading|#)' "$log" || echo "see $log")"
  fi
  mv "$bin/$name.tmp" "$bin/$name"
  built+=("$name")
done

if [ ! -x "$bin/pulumi-language-python-exec" ]; then
  src="$(cd "$here/cli" && go list -m -f '{{.Dir}}' "$EXEC_SCRIPT_MODULE")/python/cmd/pulumi-language-python-exec"
  [ -f "$src" ] || die "no python/cmd/pulumi-language-python-exec in $EXEC_SCRIPT_MODULE ($src)"
  install -m 0755 "$src" "$bin/pulumi-language-python-exec"
  built+=("pulumi-language-python-exec")
fi

# versions.json: for each binary, every module@version linked into it (go list -deps), plus Go.
rm -f "$dir/versions.json"
{
  for t in "${TARGETS[@]}"; do
    IFS='|' read -r name group pkg _ vmod <<<"$t"
    echo "binary $name $vmod@$(module_version "$group" "$vmod")"
    (cd "$here/$group" && go list -deps -f '{{with .Module}}{{.Path}}@{{.Version}}{{end}}' "$pkg") |
      sort -u | sed "s|^|module $name |"
  done
  echo "binary pulumi-language-python-exec $EXEC_SCRIPT_MODULE@$(module_version cli "$EXEC_SCRIPT_MODULE")"
  for u in "${UNAVAILABLE[@]}"; do
    echo "unavailable $u"
  done
} | python3 -c '
import json, sys
out = {"key": sys.argv[1], "go": sys.argv[2], "binaries": {}, "unavailable": {}}
for line in sys.stdin:
    kind, rest = line.rstrip("\n").split(" ", 1)
    if kind == "binary":
        name, mv = rest.split(" ", 1)
        out["binaries"][name] = {"module": mv, "modules": []}
    elif kind == "module":
        name, mv = rest.split(" ", 1)
        if mv and "@" in mv and not mv.endswith("@"):
            out["binaries"][name]["modules"].append(mv)
    else:
        name, module, why = rest.split("|", 2)
        out["unavailable"][name] = {"module": module, "why": why}
json.dump(out, sys.stdout, indent=2, sort_keys=True)
print()
' "$key" "$(go env GOVERSION)" >"$dir/versions.json.tmp"
mv "$dir/versions.json.tmp" "$dir/versions.json"

if [ ${#built[@]} -eq 0 ]; then
  echo "engine: up to date: $bin"
else
  echo "engine: built ${built[*]} into $bin"
fi
for u in "${UNAVAILABLE[@]}"; do
  IFS='|' read -r name module why <<<"$u"
  echo "engine: not built: $name: $module is $why"
done
echo "$bin"
