"""Tests of oncall.offline.schemas and oncall.offline.schemacheck: hand-written schemas for every
rule, then the real schemas."""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi.runtime import rpc

from oncall.offline.schemacheck import check_invoke, check_resource
from oncall.offline.schemas import REQUIRED_PACKAGES, SchemaError, SchemaSet, schema_dir_from_env
from tests.support import VENDORED_SCHEMAS, schema_folder

THING = "demo:index/thing:Thing"
GET_THING = "demo:index/getThing:getThing"

DEMO_SCHEMA: dict[str, Any] = {
    "name": "demo",
    "resources": {
        THING: {
            "inputProperties": {
                "name": {"type": "string"},
                "count": {"type": "integer"},
                "ratio": {"type": "number"},
                "enabled": {"type": "boolean"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "labels": {"type": "object", "additionalProperties": {"type": "integer"}},
                "layers": {
                    "type": "array",
                    "items": {"$ref": "#/types/demo:index/ThingLayer:ThingLayer"},
                },
                "color": {"$ref": "#/types/demo:index/Color:Color"},
                "level": {"$ref": "#/types/demo:index/Level:Level"},
                "payload": {"$ref": "pulumi.json#/Any"},
                "code": {"$ref": "pulumi.json#/Archive"},
                "file": {"$ref": "pulumi.json#/Asset"},
                "size": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
                "oldName": {
                    "type": "string",
                    "deprecationMessage": (
                        'Use <span pulumi-lang-nodejs="`name`" pulumi-lang-python="`name`">'
                        "`name`</span> instead.\nIt goes away in v2."
                    ),
                },
            },
            "requiredInputs": ["name"],
        },
        "demo:index/legacy:Legacy": {
            "inputProperties": {},
            "deprecationMessage": "Use demo.Thing instead.",
        },
    },
    "functions": {
        GET_THING: {
            "inputs": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "limit": {"type": "integer"}},
                "required": ["name"],
            },
        },
        "demo:index/getAll:getAll": {"outputs": {"properties": {}}},
    },
    "types": {
        "demo:index/ThingLayer:ThingLayer": {
            "type": "object",
            "properties": {
                "start": {"type": "string"},
                "restrictions": {
                    "type": "array",
                    "items": {
                        "$ref": "#/types/demo:index/ThingLayerRestriction:ThingLayerRestriction"
                    },
                },
            },
            "required": ["start"],
        },
        "demo:index/ThingLayerRestriction:ThingLayerRestriction": {
            "type": "object",
            "properties": {
                "startDayOfWeek": {"type": "integer"},
                "durationSeconds": {"type": "integer"},
                "weekly": {"type": "boolean", "deprecationMessage": "Use startDayOfWeek."},
            },
            "required": ["durationSeconds"],
        },
        "demo:index/Color:Color": {
            "type": "string",
            "enum": [{"value": "red"}, {"name": "Blue", "value": "blue"}],
        },
        "demo:index/Level:Level": {"type": "integer", "enum": [{"value": 1}, {"value": 2}]},
    },
}

OTHER_SCHEMA: dict[str, Any] = {"name": "other", "resources": {}, "functions": {}}


@pytest.fixture
def demo(tmp_path: Path) -> SchemaSet:
    (tmp_path / "demo.json").write_text(json.dumps(DEMO_SCHEMA))
    # Packages are keyed by the schema's name, not the file name.
    (tmp_path / "second.json").write_text(json.dumps(OTHER_SCHEMA))
    return SchemaSet.load(tmp_path)


def thing(**inputs: Any) -> dict[str, Any]:
    return {"name": "a thing", **inputs}


# --- loading -------------------------------------------------------------------------------------


def test_load_keys_packages_by_the_schema_name(demo: SchemaSet) -> None:
    assert demo.package_names == {"demo", "other"}


def test_load_is_cached_per_resolved_path(tmp_path: Path) -> None:
    (tmp_path / "demo.json").write_text(json.dumps(DEMO_SCHEMA))
    (tmp_path / "sub").mkdir()
    assert SchemaSet.load(tmp_path) is SchemaSet.load(tmp_path / "sub" / "..")


def test_load_rejects_a_folder_without_schemas(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match=r"no \*\.json package schemas"):
        SchemaSet.load(tmp_path)


def test_load_rejects_a_json_file_that_is_not_a_package_schema(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("[1, 2]")
    with pytest.raises(SchemaError, match="not a Pulumi package schema"):
        SchemaSet.load(tmp_path)


def test_load_rejects_two_schemas_of_one_package(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(OTHER_SCHEMA))
    (tmp_path / "b.json").write_text(json.dumps(OTHER_SCHEMA))
    with pytest.raises(SchemaError, match="second schema for package 'other'"):
        SchemaSet.load(tmp_path)


# --- tokens --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    [
        "pulumi:pulumi:StackReference",
        "pulumi:providers:demo",
        "pantheon-oncall:index:TeamOnCall",
        "aws:s3/bucket:Bucket",
    ],
)
def test_tokens_of_packages_not_loaded_are_not_known(demo: SchemaSet, token: str) -> None:
    assert not demo.knows_package(token)


def test_tokens_of_loaded_packages_are_known(demo: SchemaSet) -> None:
    assert demo.knows_package(THING)
    assert demo.knows_package("demo:index/nope:Nope")


def test_checking_a_token_of_an_unknown_package_raises(demo: SchemaSet) -> None:
    with pytest.raises(KeyError, match="check knows_package"):
        check_resource(demo, "pulumi:pulumi:StackReference", {})


def test_resource_type_missing_from_a_known_package_is_a_violation(demo: SchemaSet) -> None:
    assert check_resource(demo, "demo:index/nope:Nope", {}) == [
        "demo:index/nope:Nope: resource type not in the demo schema"
    ]


def test_function_missing_from_a_known_package_is_a_violation(demo: SchemaSet) -> None:
    assert check_invoke(demo, "demo:index/getNope:getNope", {}) == [
        "demo:index/getNope:getNope: function not in the demo schema"
    ]


def test_deprecated_resource_is_a_violation(demo: SchemaSet) -> None:
    assert check_resource(demo, "demo:index/legacy:Legacy", {}) == [
        "demo:index/legacy:Legacy: deprecated: Use demo.Thing instead."
    ]


# --- required, unknown and deprecated keys -------------------------------------------------------


def test_conforming_inputs_have_no_violations(demo: SchemaSet) -> None:
    inputs = thing(
        count=3.0,
        ratio=0.5,
        enabled=True,
        tags=["a", "b"],
        labels={"x": 1.0},
        layers=[
            {"start": "2025-01-06T00:00:00+01:00", "restrictions": [{"durationSeconds": 60.0}]}
        ],
        color="blue",
        level=2.0,
        size="10Gi",
    )
    assert check_resource(demo, THING, inputs) == []


def test_missing_required_input_is_a_violation(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, {}) == ["name: required input missing"]


def test_required_input_set_to_none_counts_as_missing(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, {"name": None}) == ["name: required input missing"]


def test_keys_set_to_none_are_treated_as_absent(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(count=None, oldName=None, bogus=None)) == []


def test_unknown_key_is_a_violation_with_a_suggestion(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(old_name="x")) == [
        f"old_name: unknown property of {THING}; did you mean 'oldName'?"
    ]


def test_unknown_nested_key_is_named_with_its_path(demo: SchemaSet) -> None:
    inputs = thing(
        layers=[
            {"start": "s"},
            {"start": "s", "restrictions": [{"durationSeconds": 1.0, "days": []}]},
        ]
    )
    assert check_resource(demo, THING, inputs) == [
        "layers[1].restrictions[0].days: unknown property of "
        "demo:index/ThingLayerRestriction:ThingLayerRestriction"
    ]


def test_missing_nested_required_input_is_named_with_its_path(demo: SchemaSet) -> None:
    inputs = thing(layers=[{"start": "s", "restrictions": [{"startDayOfWeek": 1.0}]}])
    assert check_resource(demo, THING, inputs) == [
        "layers[0].restrictions[0].durationSeconds: required input missing"
    ]


def test_deprecated_property_is_a_violation(demo: SchemaSet) -> None:
    # First line only, with the docs generator's per-language <span> markup stripped.
    assert check_resource(demo, THING, thing(oldName="x")) == [
        "oldName: deprecated: Use `name` instead."
    ]


def test_deprecated_nested_property_is_a_violation(demo: SchemaSet) -> None:
    inputs = thing(
        layers=[{"start": "s", "restrictions": [{"durationSeconds": 1.0, "weekly": True}]}]
    )
    assert check_resource(demo, THING, inputs) == [
        "layers[0].restrictions[0].weekly: deprecated: Use startDayOfWeek."
    ]


# --- scalar types --------------------------------------------------------------------------------


def test_integer_accepts_integral_float_from_the_wire(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(count=15.0)) == []


def test_integer_accepts_python_int(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(count=15)) == []


def test_integer_rejects_fractional_float(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(count=15.5)) == [
        "count: expected integer, got float 15.5"
    ]


def test_integer_rejects_a_numeric_string_naming_the_nested_path(demo: SchemaSet) -> None:
    inputs = thing(
        layers=[{"start": "s", "restrictions": [{"durationSeconds": 1.0, "startDayOfWeek": "1"}]}]
    )
    assert check_resource(demo, THING, inputs) == [
        "layers[0].restrictions[0].startDayOfWeek: expected integer, got str '1'"
    ]


@pytest.mark.parametrize("key", ["count", "ratio"])
def test_bool_is_not_a_number(demo: SchemaSet, key: str) -> None:
    kind = "integer" if key == "count" else "number"
    assert check_resource(demo, THING, thing(**{key: True})) == [
        f"{key}: expected {kind}, got bool True"
    ]


def test_number_accepts_ints_and_floats(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(ratio=2)) == []
    assert check_resource(demo, THING, thing(ratio=2.5)) == []


def test_number_rejects_a_string(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(ratio="2.5")) == [
        "ratio: expected number, got str '2.5'"
    ]


def test_boolean_rejects_a_string(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(enabled="true")) == [
        "enabled: expected boolean, got str 'true'"
    ]


def test_boolean_rejects_a_number(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(enabled=1.0)) == [
        "enabled: expected boolean, got float 1.0"
    ]


def test_string_rejects_a_number(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, {"name": 7.0}) == ["name: expected string, got float 7.0"]


# --- containers, refs, enums, oneOf --------------------------------------------------------------


def test_array_rejects_a_scalar(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(tags="a")) == ["tags: expected array, got str 'a'"]


def test_array_items_are_checked_with_their_index(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(tags=["a", 2.0])) == [
        "tags[1]: expected string, got float 2.0"
    ]


def test_map_values_are_checked_against_additional_properties(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(labels={"ok": 1.0, "bad": "x"})) == [
        "labels['bad']: expected integer, got str 'x'"
    ]


def test_map_rejects_a_list(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(labels=[])) == ["labels: expected object, got list []"]


def test_object_type_rejects_a_non_mapping(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(layers=["s"])) == [
        "layers[0]: expected object demo:index/ThingLayer:ThingLayer, got str 's'"
    ]


def test_string_enum_accepts_a_listed_value(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(color="red")) == []


def test_string_enum_rejects_an_unlisted_value(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(color="Blue")) == [
        "color: expected one of demo:index/Color:Color ['red', 'blue'], got str 'Blue'"
    ]


def test_integer_enum_accepts_a_listed_value_as_a_wire_float(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(level=1.0)) == []


def test_integer_enum_rejects_an_unlisted_value_and_a_bool(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(level=3.0)) == [
        "level: expected one of demo:index/Level:Level [1, 2], got float 3.0"
    ]
    assert check_resource(demo, THING, thing(level=True)) == [
        "level: expected integer, got bool True"
    ]


@pytest.mark.parametrize("key", ["payload", "code", "file"])
@pytest.mark.parametrize("value", ["text", 1.5, {"any": ["thing"]}, [1.0, "x"]])
def test_any_archive_and_asset_refs_accept_anything(demo: SchemaSet, key: str, value: Any) -> None:
    assert check_resource(demo, THING, thing(**{key: value})) == []


@pytest.mark.parametrize("value", [4.0, "4Gi"])
def test_one_of_accepts_any_alternative(demo: SchemaSet, value: Any) -> None:
    assert check_resource(demo, THING, thing(size=value)) == []


def test_one_of_rejects_a_value_matching_no_alternative(demo: SchemaSet) -> None:
    assert check_resource(demo, THING, thing(size=4.5)) == [
        "size: expected one of (integer, string), got float 4.5"
    ]


# --- values as the mocks deliver them ------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["name", "count", "ratio", "enabled", "tags", "labels", "layers", "color", "size"]
)
def test_unknown_values_are_accepted_for_any_type(demo: SchemaSet, key: str) -> None:
    assert check_resource(demo, THING, thing(**{key: Unknown()})) == []


def test_unknown_values_are_accepted_in_nested_positions(demo: SchemaSet) -> None:
    inputs = thing(tags=[Unknown()], layers=[{"start": Unknown(), "restrictions": Unknown()}])
    assert check_resource(demo, THING, inputs) == []


def test_secret_values_are_unwrapped_and_checked(demo: SchemaSet) -> None:
    secret = rpc.wrap_rpc_secret
    assert check_resource(demo, THING, {"name": secret("s"), "count": secret(2.0)}) == []
    assert check_resource(demo, THING, thing(count=secret("2"))) == [
        "count: expected integer, got str '2'"
    ]


def test_inputs_decoded_from_the_wire_are_checked_like_the_mocks_see_them(
    demo: SchemaSet,
) -> None:
    wire = rpc.struct_pb2.Struct()
    wire.update(
        {
            "name": rpc.wrap_rpc_secret("secret name"),
            "count": 15,
            "tags": [rpc.UNKNOWN],
            "layers": [
                {"start": "s", "restrictions": [{"durationSeconds": 3600, "startDayOfWeek": "1"}]}
            ],
        }
    )
    inputs = rpc.deserialize_properties(wire, keep_unknowns=True)
    assert inputs["count"] == 15.0
    assert isinstance(inputs["count"], float)
    assert check_resource(demo, THING, inputs) == [
        "layers[0].restrictions[0].startDayOfWeek: expected integer, got str '1'"
    ]


# --- invokes -------------------------------------------------------------------------------------


def test_invoke_with_conforming_args_has_no_violations(demo: SchemaSet) -> None:
    assert check_invoke(demo, GET_THING, {"name": "x", "limit": 5.0}) == []


def test_invoke_checks_required_unknown_and_typed_args(demo: SchemaSet) -> None:
    assert check_invoke(demo, GET_THING, {"limit": "5", "nmae": "x"}) == [
        "name: required input missing",
        "limit: expected integer, got str '5'",
        f"nmae: unknown property of {GET_THING}; did you mean 'name'?",
    ]


def test_invoke_without_inputs_rejects_any_arg(demo: SchemaSet) -> None:
    assert check_invoke(demo, "demo:index/getAll:getAll", {}) == []
    assert check_invoke(demo, "demo:index/getAll:getAll", {"x": "y"}) == [
        "x: unknown property of demo:index/getAll:getAll"
    ]


def test_load_reads_gzip_compressed_schemas(tmp_path: Path) -> None:
    (tmp_path / "demo.json.gz").write_bytes(gzip.compress(json.dumps(DEMO_SCHEMA).encode()))
    (tmp_path / "second.json").write_text(json.dumps(OTHER_SCHEMA))
    assert SchemaSet.load(tmp_path).package_names == {"demo", "other"}


def test_load_rejects_a_truncated_gzip_schema(tmp_path: Path) -> None:
    packed = gzip.compress(json.dumps(DEMO_SCHEMA).encode())
    (tmp_path / "demo.json.gz").write_bytes(packed[: len(packed) // 2])
    with pytest.raises(SchemaError, match=r"demo\.json\.gz: not a readable JSON schema"):
        SchemaSet.load(tmp_path)


def test_load_rejects_a_plain_and_a_gzip_schema_of_one_package(tmp_path: Path) -> None:
    (tmp_path / "other.json").write_text(json.dumps(OTHER_SCHEMA))
    (tmp_path / "other.json.gz").write_bytes(gzip.compress(json.dumps(OTHER_SCHEMA).encode()))
    with pytest.raises(SchemaError, match="second schema for package 'other'"):
        SchemaSet.load(tmp_path)


# --- the vendored schemas ------------------------------------------------------------------------


def test_the_vendored_schemas_are_the_three_providers_compressed() -> None:
    files = sorted(p.name for p in VENDORED_SCHEMAS.iterdir() if p.name != "README.md")
    assert files == sorted(f"{name}.json.gz" for name in REQUIRED_PACKAGES)
    assert SchemaSet.load(VENDORED_SCHEMAS).package_names == set(REQUIRED_PACKAGES)


def test_the_vendored_schemas_readme_names_each_file_and_its_version() -> None:
    readme = (VENDORED_SCHEMAS / "README.md").read_text()
    for name in REQUIRED_PACKAGES:
        row = next(line for line in readme.splitlines() if line.startswith(f"| {name}.json.gz |"))
        assert f"pulumi/pulumi-{name} | v" in row


def test_the_schemas_are_the_vendored_ones_unless_pulumi_schema_dir_is_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PULUMI_SCHEMA_DIR", raising=False)
    assert schema_folder() == VENDORED_SCHEMAS
    for name in REQUIRED_PACKAGES:
        (tmp_path / f"{name}.json").write_text("{}")
    monkeypatch.setenv("PULUMI_SCHEMA_DIR", str(tmp_path))
    assert schema_folder() == tmp_path


# --- PULUMI_SCHEMA_DIR ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "  "])
def test_schema_dir_is_none_when_the_env_var_is_unset_or_empty(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("PULUMI_SCHEMA_DIR", raising=False)
    else:
        monkeypatch.setenv("PULUMI_SCHEMA_DIR", value)
    assert schema_dir_from_env() is None


def test_schema_dir_must_be_a_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PULUMI_SCHEMA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(SchemaError, match="is not a folder"):
        schema_dir_from_env()


def test_schema_dir_must_hold_the_three_schemas(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "pagerduty.json").write_text("{}")
    monkeypatch.setenv("PULUMI_SCHEMA_DIR", str(tmp_path))
    with pytest.raises(SchemaError, match=r"lacks newrelic\.json, slack\.json; run `make schemas`"):
        schema_dir_from_env()


def test_schema_dir_may_hold_gzip_compressed_schemas(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("pagerduty", "newrelic", "slack"):
        (tmp_path / f"{name}.json.gz").write_bytes(gzip.compress(b"{}"))
    monkeypatch.setenv("PULUMI_SCHEMA_DIR", str(tmp_path))
    assert schema_dir_from_env() == tmp_path


def test_schema_dir_with_the_three_schemas_is_returned(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("pagerduty", "newrelic", "slack"):
        (tmp_path / f"{name}.json").write_text("{}")
    monkeypatch.setenv("PULUMI_SCHEMA_DIR", str(tmp_path))
    assert schema_dir_from_env() == tmp_path


# --- the real provider schemas -------------------------------------------------------------------


def violations(schemas: SchemaSet, token: str, inputs: Mapping[str, Any]) -> list[str]:
    return check_resource(schemas, token, inputs)


def test_real_schemas_are_the_three_providers(schemas: SchemaSet) -> None:
    assert schemas.package_names >= {"pagerduty", "newrelic", "slack"}


@pytest.mark.parametrize(
    "token",
    [
        "pulumi:providers:pagerduty",
        "pulumi:pulumi:StackReference",
        "pantheon-oncall:index:TeamOnCall",
    ],
)
def test_real_provider_stack_and_component_tokens_are_skipped(
    schemas: SchemaSet, token: str
) -> None:
    assert not schemas.knows_package(token)


def test_real_user_notification_rule_conforms(schemas: SchemaSet) -> None:
    inputs = {
        "userId": "PUSER01",
        "startDelayInMinutes": 15.0,
        "urgency": "high",
        "contactMethod": {"id": "PCM0001", "type": "phone_contact_method"},
    }
    assert (
        violations(schemas, "pagerduty:index/userNotificationRule:UserNotificationRule", inputs)
        == []
    )


def test_real_user_notification_rule_contact_method_needs_id_and_type(schemas: SchemaSet) -> None:
    inputs = {
        "userId": "PUSER01",
        "startDelayInMinutes": 0.0,
        "urgency": "high",
        "contactMethod": {"id": "PCM0001"},
    }
    assert violations(
        schemas, "pagerduty:index/userNotificationRule:UserNotificationRule", inputs
    ) == ["contactMethod.type: required input missing"]


def test_real_alert_policy_channel_ids_is_deprecated(schemas: SchemaSet) -> None:
    inputs = {"name": "checkout", "incidentPreference": "PER_POLICY", "channelIds": ["1"]}
    found = violations(schemas, "newrelic:index/alertPolicy:AlertPolicy", inputs)
    assert len(found) == 1
    assert found[0].startswith("channelIds: deprecated: The `channelIds` attribute is deprecated")


def test_real_schedule_layer_needs_turn_length_and_integer_restrictions(schemas: SchemaSet) -> None:
    layer: dict[str, Any] = {
        "name": "weekdays",
        "start": "2025-01-06T00:00:00+01:00",
        "rotationVirtualStart": "2025-01-06T09:00:00+01:00",
        "users": ["PUSER01", "PUSER02"],
        "restrictions": [
            {
                "type": "weekly_restriction",
                "startTimeOfDay": "09:00:00",
                "startDayOfWeek": "1",
                "durationSeconds": 32400.0,
            }
        ],
    }
    inputs = {"name": "ops", "timeZone": "Europe/Berlin", "layers": [layer]}
    assert violations(schemas, "pagerduty:index/schedule:Schedule", inputs) == [
        "layers[0].rotationTurnLengthSeconds: required input missing",
        "layers[0].restrictions[0].startDayOfWeek: expected integer, got str '1'",
    ]
    layer["rotationTurnLengthSeconds"] = 604800.0
    layer["restrictions"][0]["startDayOfWeek"] = 1.0
    assert violations(schemas, "pagerduty:index/schedule:Schedule", inputs) == []


def test_real_get_vendor_invoke_with_name_conforms(schemas: SchemaSet) -> None:
    assert check_invoke(schemas, "pagerduty:index/getVendor:getVendor", {"name": "New Relic"}) == []
    assert check_invoke(schemas, "pagerduty:index/getVendor:getVendor", {}) == [
        "name: required input missing"
    ]


def test_real_pagerduty_notification_path_of_new_relic_conforms(schemas: SchemaSet) -> None:
    destination = {
        "name": "pagerduty-ops",
        "type": "PAGERDUTY_SERVICE_INTEGRATION",
        "properties": [{"key": "", "value": ""}],
        "authToken": {"prefix": "Token token=", "token": rpc.wrap_rpc_secret("0123abcd")},
    }
    channel = {
        "name": "pagerduty-ops",
        "destinationId": "dest-1",
        "product": "IINT",
        "type": "PAGERDUTY_SERVICE_INTEGRATION",
        "properties": [{"key": "summary", "value": "{{ annotations.title.[0] }}"}],
    }
    workflow = {
        "name": "ops",
        "mutingRulesHandling": "NOTIFY_ALL_ISSUES",
        "issuesFilter": {
            "name": "policy",
            "type": "FILTER",
            "predicates": [
                {"attribute": "labels.policyIds", "operator": "EXACTLY_MATCHES", "values": ["1"]}
            ],
        },
        "destinations": [{"channelId": "chan-1"}],
    }
    assert (
        violations(
            schemas, "newrelic:index/notificationDestination:NotificationDestination", destination
        )
        == []
    )
    assert (
        violations(schemas, "newrelic:index/notificationChannel:NotificationChannel", channel) == []
    )
    assert violations(schemas, "newrelic:index/workflow:Workflow", workflow) == []


def test_real_workflow_requires_muting_rules_handling(schemas: SchemaSet) -> None:
    workflow = {
        "name": "ops",
        "issuesFilter": {"name": "policy", "type": "FILTER"},
        "destinations": [{"channelId": "chan-1"}],
        "destinationsEnabled": True,
    }
    assert violations(schemas, "newrelic:index/workflow:Workflow", workflow) == [
        "mutingRulesHandling: required input missing",
        "destinationsEnabled: deprecated: Please use 'enabled' instead",
    ]


def test_real_nrql_condition_rejects_deprecated_terms(schemas: SchemaSet) -> None:
    condition = {
        "policyId": "123",
        "name": "synthetics failing",
        "nrql": {"query": "SELECT count(*) FROM SyntheticCheck WHERE result = 'FAILED'"},
        "critical": {"operator": "above", "threshold": 0.0, "thresholdDuration": 300.0},
        "terms": [{"threshold": 0.0}],
    }
    found = violations(schemas, "newrelic:index/nrqlAlertCondition:NrqlAlertCondition", condition)
    assert found == ["terms: deprecated: use `critical` and `warning` attributes instead"]


def test_real_slack_connection_config_needs_events(schemas: SchemaSet) -> None:
    connection = {
        "sourceId": "PSERV01",
        "sourceType": "service_reference",
        "workspaceId": "T0123",
        "channelId": "C0123",
        "notificationType": "responder",
        "configs": [{"priorities": ["*"]}],
    }
    assert violations(schemas, "pagerduty:index/slackConnection:SlackConnection", connection) == [
        "configs[0].events: required input missing"
    ]


def test_real_synthetics_monitor_conforms(schemas: SchemaSet) -> None:
    monitor = {
        "name": "checkout",
        "type": "SIMPLE",
        "status": "ENABLED",
        "period": "EVERY_5_MINUTES",
        "uri": "https://example.org/health",
        "locationsPublics": ["US_EAST_1"],
        "verifySsl": True,
    }
    assert violations(schemas, "newrelic:synthetics/monitor:Monitor", monitor) == []
