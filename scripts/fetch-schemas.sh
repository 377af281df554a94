#!/usr/bin/env bash
# Write the Pulumi package schemas of the providers pinned in requirements.txt (and the files it
# includes with -r), gzip-compressed, into tests/schemas/ (the copies the schema conformance tests
# use; commit them and update tests/schemas/README.md), or into the folder given as $1.
# Needs the Pulumi CLI; it downloads the provider plugins on first use.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="$root/requirements.txt"
out="${1:-$root/tests/schemas}"

if ! command -v pulumi >/dev/null 2>&1; then
  echo "fetch-schemas: the Pulumi CLI is not on PATH." >&2
  echo "  Install it (https://www.pulumi.com/docs/install/), or point PULUMI_SCHEMA_DIR at a" >&2
  echo "  folder that already holds pagerduty.json, newrelic.json and slack.json." >&2
  exit 1
fi

# requirements.txt plus the files it includes ("-r components/requirements.txt", relative to it).
req_files=("$requirements")
while IFS= read -r include; do
  req_files+=("$(dirname "$requirements")/$include")
done < <(sed -n -E 's/^[[:space:]]*(-r|--requirement)[[:space:]=]*([^[:space:]#]+).*/\2/p' "$requirements")

mkdir -p "$out"
tmp=""
trap '[ -n "$tmp" ] && rm -f "$tmp"' EXIT

for pkg in pagerduty newrelic slack; do
  # "pulumi-pagerduty==4.37.0" -> "4.37.0" (tolerates spaces, comments and CRLF endings)
  version="$(cat "${req_files[@]}" |
    sed -n -E "s/^[[:space:]]*pulumi-${pkg}[[:space:]]*==[[:space:]]*([^[:space:];#]+).*/\1/p" |
    head -n 1)"
  if [ -z "$version" ]; then
    echo "fetch-schemas: no exact pin 'pulumi-${pkg}==<version>' in ${req_files[*]}" >&2
    exit 1
  fi
  echo "fetch-schemas: ${pkg}@${version} -> $out/${pkg}.json.gz"
  tmp="$(mktemp "$out/.${pkg}.json.XXXXXX")"
  if ! pulumi package get-schema "${pkg}@${version}" >"$tmp"; then
    echo "fetch-schemas: 'pulumi package get-schema ${pkg}@${version}' failed" >&2
    exit 1
  fi
  # -n: no file name or time stamp inside, so the same schema gives the same bytes (no spurious diff).
  gzip -9 -n "$tmp"  # replaces $tmp by $tmp.gz
  tmp="$tmp.gz"
  mv "$tmp" "$out/${pkg}.json.gz"
  rm -f "$out/${pkg}.json"  # a plain copy beside it would be a second schema of the package
  tmp=""
done
