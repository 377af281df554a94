#!/usr/bin/env bash
# A repository an agency fills with its own sites stays green. In a fresh clone of this
# repository's HEAD: a new site copied from the example (new name, domain, service and channel)
# passes `make test`; `make stacks` records it; a renamed resource (member joe → joseph in
# example-live) fails `make stacks`, naming the command that accepts it.
#   scripts/check-new-site.sh            # prints each step, exits 1 at the first that fails
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet "$src" "$work/repo"
cd "$work/repo"

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*"; exit 1; }

step "copy the example to a new site, bakery-live"
sed -e 's/^    name: example /    name: bakery  /' \
    -e 's/www\.example\.com/www.bakery.com/' \
    -e 's/^    service: New Relic /    service: Bakery    /' \
    -e 's/channel: example-alerts/channel: bakery-alerts/' \
    stacks/Pulumi.example-live.yaml > stacks/Pulumi.bakery-live.yaml
grep -q 'name: bakery' stacks/Pulumi.bakery-live.yaml || fail "the copy kept the example's name"

step "make test passes with the new stack in stacks/"
make test > test.out 2>&1 || { tail -40 test.out; fail "make test"; }
tail -3 test.out

step "make stacks records the new stack"
make stacks > stacks.out 2>&1 || { cat stacks.out; fail "make stacks"; }
grep -q '^bakery-live: ok' stacks.out || fail "bakery-live not checked"
grep -q 'recorded: a new stack' stacks.out || fail "bakery-live not recorded"
grep -q '"bakery-live"' stacks/.urns.json || fail "stacks/.urns.json has no bakery-live"
if grep 'warning' stacks.out; then fail "the stacks plan with warnings"; fi
echo "recorded; no warnings"

step "a renamed member fails make stacks with the command that accepts it"
sed -i 's/\bjoe\b/joseph/g' stacks/Pulumi.example-live.yaml
if make stacks > renamed.out 2>&1; then cat renamed.out; fail "the rename passed"; fi
grep -q '^example-live: FAILED' renamed.out || fail "example-live not failed"
grep -q 'run `make stacks-accept`' renamed.out || fail "no accept hint"
grep 'lost:' renamed.out | head -3
echo
echo "OK: new site green in make test, recorded by make stacks; a renamed resource fails it"
