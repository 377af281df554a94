#!/usr/bin/env bash
# Save what `oncall fleet-check` compares stacks/ with: the sites Pantheon lists, and the domains
# of their environments. Run it where terminus is logged in (`terminus auth:login`), then commit
# the folder; the nightly workflow (drift.yml, job fleet-check) checks against it.
#   scripts/terminus-export.sh [DIR] [ENV…]      # default: pantheon/, the live environment
# DIR/sites.json is `terminus site:list --format=json`; DIR/domains/<site>.<env>.json is
# `terminus domain:list <site>.<env> --format=json` for every site that is not frozen.
# Extra `site:list` options (an organization: --org=<org>) go in $TERMINUS_SITE_LIST_OPTIONS;
# a site left out that way looks deleted to fleet-check.
set -euo pipefail
out=${1:-pantheon}
shift || true
envs=("$@")
[ ${#envs[@]} -gt 0 ] || envs=(live)
mkdir -p "$out/domains"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck disable=SC2086  # the options are words on purpose
terminus site:list --format=json ${TERMINUS_SITE_LIST_OPTIONS:-} > "$work/sites.json"
python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
for row in (doc.values() if isinstance(doc, dict) else doc):
    if not row.get("frozen"):
        print(row["name"])
' "$work/sites.json" > "$work/names"

rm -f "$out"/domains/*.json
while read -r site; do
  for env in "${envs[@]}"; do
    if terminus domain:list "$site.$env" --format=json < /dev/null > "$work/domains.json"; then
      mv "$work/domains.json" "$out/domains/$site.$env.json"
    else
      echo "skipped $site.$env: terminus domain:list failed" >&2
    fi
  done
done < "$work/names"
mv "$work/sites.json" "$out/sites.json"
echo "wrote $out/sites.json and $(find "$out/domains" -name '*.json' | wc -l) domain file(s) in $out/domains"
