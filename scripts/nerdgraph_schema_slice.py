"""Cut the part of NerdGraph's schema that the double's schema tests need out of the snapshot
newrelic-client-go keeps (schema.json at its root, tutone's introspection format, 3.5 MB).

    git -C <newrelic-client-go> show <commit>:schema.json > /tmp/schema.json
    python scripts/nerdgraph_schema_slice.py /tmp/schema.json <commit> \
        > tests/data/nerdgraph_schema_slice.json

The slice keeps the named root fields (Mutation: the certificate check monitor's create, update
and the monitor delete; Query: `requestContext` only, because a schema needs a query type) and
every type they reach through arguments and results, whole. Stdlib only, deterministic output.
"""

import json
import sys
from typing import Any

ROOT_FIELDS = {
    "mutationType": [
        "syntheticsCreateCertCheckMonitor",
        "syntheticsUpdateCertCheckMonitor",
        "syntheticsDeleteMonitor",
    ],
    "queryType": ["requestContext"],
}


def _named(type_ref: dict[str, Any]) -> str:
    while type_ref.get("ofType"):
        type_ref = type_ref["ofType"]
    return str(type_ref["name"])


def slice_schema(schema: dict[str, Any], commit: str) -> dict[str, Any]:
    """The root types cut to ROOT_FIELDS and the closure of the types those fields reach."""
    types = {t["name"]: t for t in schema["types"]}
    out: dict[str, Any] = {
        "_source": (
            f"newrelic/newrelic-client-go schema.json at commit {commit}, cut by "
            "scripts/nerdgraph_schema_slice.py"
        )
    }
    pending: list[str] = []
    for root, names in ROOT_FIELDS.items():
        fields = [f for f in schema[root]["fields"] if f["name"] in names]
        out[root] = {"name": schema[root]["name"], "kind": "OBJECT", "fields": fields}
        for field in fields:
            pending.append(_named(field["type"]))
            pending.extend(_named(arg["type"]) for arg in field.get("args") or [])
    kept: dict[str, Any] = {}
    while pending:
        name = pending.pop()
        if name in kept:
            continue
        kept[name] = types[name]
        for field in (kept[name].get("fields") or []) + (kept[name].get("inputFields") or []):
            pending.append(_named(field["type"]))
            pending.extend(_named(arg["type"]) for arg in field.get("args") or [])
        pending.extend(t["name"] for t in kept[name].get("interfaces") or [])
        pending.extend(t["name"] for t in kept[name].get("possibleTypes") or [])
    out["types"] = [kept[name] for name in sorted(kept)]
    return out


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        full = json.load(handle)
    json.dump(slice_schema(full, sys.argv[2]), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
