"""`oncall import`: a PagerDuty account, read over real HTTP, becomes a stack file.

The account is the end-to-end lane's PagerDuty double (e2e/doubles/pagerduty.py) over HTTPS on
127.0.0.1, read through PagerDuty's official client, with short pages and a planned 429.
"""

from __future__ import annotations

import json
import re
import runpy
import socket
import ssl
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml

from e2e.doubles._double import Planned
from e2e.doubles.pagerduty import PagerDutyDouble
from oncall.config import StackConfig, parse_stack_config, stackfile
from oncall.config import args as component_args
from oncall.offline import engine
from oncall.offline import plan as planning
from oncall.offline.schemas import SchemaSet
from oncall.onboarding.account import Account, ImportFailed, token_from_environment
from oncall.onboarding.importer import ImportOptions, import_stack
from tests.pagerduty_run import account_from_run
from tests.support import PROJECT, TESTS, T, copy_project, run_cli

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "u+fAkEtOkEn-not-REAL-1234"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with Pulumi.yaml and __main__.py and an empty stacks/."""
    return copy_project(tmp_path, stacks=False)


@pytest.fixture(scope="module")
def test_ca() -> trustme.CA:
    """A throwaway certificate authority for this module's HTTPS server."""
    return trustme.CA()


@pytest.fixture(scope="module")
def server_context(test_ca: trustme.CA) -> ssl.SSLContext:
    """The double's HTTPS: PagerDuty's client refuses a base URL without https://."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    test_ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    return context


def double(server_context: ssl.SSLContext) -> PagerDutyDouble:
    """An empty account that accepts TOKEN alone (start it: `with double(...) as pd`)."""
    return PagerDutyDouble(ssl_context=server_context, token=TOKEN)


@pytest.fixture
def pd(server_context: ssl.SSLContext) -> Iterator[PagerDutyDouble]:
    with double(server_context) as started:
        yield started


def serve(pd: PagerDutyDouble, account: dict[str, Any], page_size: int) -> str:
    """Seed `account` (the double's seed spec), page by `page_size`; the URL for the client."""
    pd.seed(account)
    pd.page_size = page_size
    return pd.url


def asked(pd: PagerDutyDouble) -> list[str]:
    """The requests the double answered, as `METHOD /path?key=value&…` (sorted query)."""
    return [
        f"{r['method']} {r['path']}?"
        + "&".join(f"{k}={v}" for k, v in sorted((k, v) for k in r["query"] for v in r["query"][k]))
        for r in pd.requests
    ]


def objects(pd: PagerDutyDouble, kind: str) -> dict[str, dict[str, Any]]:
    """The account's objects of `kind` (a collection of PagerDutyDouble.state()) by id."""
    return {o["id"]: o for o in pd.state()[kind]}


def of_user(pd: PagerDutyDouble, kind: str, uid: str) -> list[dict[str, Any]]:
    """The user's contact methods, notification rules or handoff rules, in creation order."""
    return [o for o in pd.state()[kind] if o["_user"] == uid]


def connect(
    url: str, ca: trustme.CA, sleep: Callable[[float], None] = lambda seconds: None
) -> Account:
    """A client of the test server, trusting its certificate authority."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return Account.connect(TOKEN, url, sleep=sleep, verify=context)


def deployed(stack: str) -> dict[str, Any]:
    """The account a deploy of `stack` leaves: its program run under the mocks, not a preview."""
    stack_file = stackfile.load(PROJECT, stack)

    def program() -> None:
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")

    run = engine.run_program(
        program,
        project=stack_file.project,
        stack=stack_file.stack,
        preview=False,
        config=stack_file.engine_config(),
        secret_keys=sorted(stack_file.secret_keys),
    )
    return account_from_run(run)


def config_of(text: str) -> StackConfig:
    config = yaml.safe_load(text)["config"]
    values = {k.split(":", 1)[1]: v for k, v in config.items() if k.startswith("pantheon-oncall:")}
    parsed = parse_stack_config(values)
    assert isinstance(parsed, StackConfig)
    return parsed


def without(value: Any, keys: set[str]) -> Any:
    """`value` with these keys removed at every depth."""
    if isinstance(value, dict):
        return {k: without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [without(v, keys) for v in value]
    return value


def pagerduty_inputs(plan: planning.Plan, known: Iterable[str] = ()) -> dict[tuple[str, str], Any]:
    """What every PagerDuty resource of the plan sends, except the Slack connection; the ids of
    adopted objects (and the `known` ids the file names, such as emailContactMethodId), known in
    the plan, shown as the unknown ids of created ones."""
    adopted = {r.import_id for r in plan.run.resources if r.import_id} | set(known)

    def unknown(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: unknown(v) for k, v in value.items()}
        if isinstance(value, list):
            return [unknown(v) for v in value]
        # An id the file names stands where the guide stack looks the same object up.
        known = isinstance(value, str) and (
            any(oid in value for oid in adopted) or value.startswith("(looked up: ")
        )
        return {"unknown": True} if known else value

    return {
        (r.type, r.name): unknown(planning.plain(r.inputs))
        for r in plan.run.resources
        if r.type.startswith("pagerduty:") and r.type != T.SLACK_CONNECTION
    }


# --- the round trip -------------------------------------------------------------------------------


def test_round_trip_the_guide_stack_imports_back_to_the_same_config_and_resources(
    pd: PagerDutyDouble, project: Path, schemas: SchemaSet, test_ca: trustme.CA
) -> None:
    url = serve(pd, deployed("guide-live"), page_size=1)  # every index endpoint pages
    options = ImportOptions(
        service="New Relic",
        site="example",
        env="live",
        domain="www.example.com",
        team_name="Example Web Team",
        now=NOW,
    )

    imported = import_stack(connect(url, test_ca), options)

    original = config_of((PROJECT / "stacks" / "Pulumi.guide-live.yaml").read_text())
    back = config_of(imported.text)
    assert original.team is not None
    assert back.team is not None
    adoption = {"importId", "emailContactMethodId", "label", "description"}
    assert without(component_args.team_args(back.team), adoption) == component_args.team_args(
        original.team
    )
    # Every member adopts the contact methods the deploy left: numbers, labels, login e-mail.
    for slug, member in back.team.members.items():
        uid = account_id(objects(pd, "users"), str(member.name))
        methods = {m["type"]: m for m in of_user(pd, "contact_methods", uid)}
        assert member.import_id == uid
        assert member.email_contact_method_id == methods["email_contact_method"]["id"], slug
        for via, phone in (("phone", member.phone), ("sms", member.sms)):
            assert phone is not None
            assert phone.import_id == methods[f"{via}_contact_method"]["id"], slug
            assert phone.label == methods[f"{via}_contact_method"]["label"], slug
    assert back.pagerduty.service == "New Relic"
    assert back.pagerduty.paging == original.pagerduty.paging
    assert back.pagerduty.description == original.pagerduty.description
    assert imported.notes == []

    # Planned, the imported file sends PagerDuty exactly what the guide stack does: no changes.
    (project / "stacks" / "Pulumi.guide-live.yaml").write_text(imported.text)
    plan = planning.plan_stack(project, "guide-live", schemas=schemas)
    assert plan.violations == ()
    login_emails = {m["id"] for m in pd.state()["contact_methods"] if m["label"] == "Default"}
    assert pagerduty_inputs(plan, login_emails) == pagerduty_inputs(
        planning.plan_stack(PROJECT, "guide-live")
    )
    imports = {r.name: r.import_id for r in plan.run.resources if r.import_id}
    users = {slug: account_id(objects(pd, "users"), name) for slug, name in MEMBERS.items()}
    contact_methods = {
        f"team-{slug}-{via}": f"{uid}:{method['id']}"
        for slug, uid in users.items()
        for via in ("phone", "sms")
        for method in of_user(pd, "contact_methods", uid)
        if method["type"] == f"{via}_contact_method"
    }
    assert len(contact_methods) == 6
    # Every rule the deploy left is adopted, in the provider's import id formats, but PagerDuty's
    # own e-mail-at-once rules, which the stack never manages.
    rules = rule_imports(pd, users)
    assert len(rules) == 9
    assert imports == {
        **{f"team-{slug}": uid for slug, uid in users.items()},
        **contact_methods,
        **rules,
        "team-default": account_id(objects(pd, "schedules"), "Default"),
        "team-escalation": account_id(objects(pd, "escalation_policies"), "Default"),
        "alerts-service": account_id(objects(pd, "services"), "New Relic"),
    }


MEMBERS = {"jane": "Jane Doe", "joe": "Joe Smith", "anita": "Anita Rao"}


def rule_imports(pd: PagerDutyDouble, users: dict[str, str]) -> dict[str, str]:
    """By resource name, the import id of every rule the account's users have (notification
    rules "<user>:<rule>", handoff rules "<user>.<rule>"), but PagerDuty's own e-mail at once."""
    imports = {}
    for slug, uid in users.items():
        for rule in of_user(pd, "notification_rules", uid):
            method_type = rule["contact_method"]["type"].removesuffix("_reference")
            kind = method_type.removesuffix("_contact_method")
            delay = rule["start_delay_in_minutes"]
            if (kind, delay) != ("email", 0):
                imports[f"team-{slug}-{rule['urgency']}-{kind}-{delay}m"] = f"{uid}:{rule['id']}"
        for rule in of_user(pd, "handoff_rules", uid):
            imports[f"team-{slug}-handoff"] = f"{uid}.{rule['id']}"
    return imports


GUIDE_USERS = {"jane": "PJANE01", "joe": "PJOE001", "anita": "PANITA1"}


def account_id(objects: dict[str, dict[str, Any]], name: str) -> str:
    (found,) = [oid for oid, obj in objects.items() if obj["name"] == name]
    return found


def test_round_trip_the_team_stack_with_restrictions(
    pd: PagerDutyDouble, project: Path, schemas: SchemaSet, test_ca: trustme.CA
) -> None:
    url = serve(pd, deployed("team-agency"), page_size=100)
    options = ImportOptions(
        escalation_policy="Agency escalation", team_name="Example Agency On-Call", now=NOW
    )

    imported = import_stack(connect(url, test_ca), options)

    (project / "stacks" / "Pulumi.team-agency.yaml").write_text(imported.text)
    plan = planning.plan_stack(project, "team-agency", schemas=schemas)
    assert plan.violations == ()
    original = planning.plan_stack(PROJECT, "team-agency")
    # The team stack creates a PagerDuty team; an import cannot adopt one (no importId for it),
    # but keeps the schedule's and the policy's assignment to it, by id, as it exists.
    (team_id,) = {t["id"] for s in pd.state()["schedules"] for t in s["teams"]}
    assert plan.run.get(T.SCHEDULE, "team-agency-primary").inputs["teams"] == [team_id]
    assert plan.run.get(T.ESCALATION_POLICY, "team-escalation").inputs["teams"] == team_id
    # The schedule's slug comes from its name ("agency-primary", not "primary"): compare what is
    # sent, not the resource names.
    # References name the resource they point at: the schedule's differs by that slug alone.
    # The login e-mail methods the file names (emailContactMethodId) show as unknown, as the
    # guide stack looks them up.
    logins = {m["id"] for m in pd.state()["contact_methods"] if m["label"] == "Default"}
    renamed = [
        s.replace('"team-agency-primary"', '"team-primary"')
        for s in sent(without(pagerduty_inputs(plan, logins), {"teams"}))
    ]
    assert renamed == sent(
        {
            key: without(inputs, {"teams"})
            for key, inputs in pagerduty_inputs(original).items()
            if key[0] not in (T.TEAM, T.MEMBERSHIP)
        }
    )
    assert "agency-primary" in config_text_keys(imported.text)


def sent(inputs: dict[tuple[str, str], Any]) -> list[str]:
    return sorted(f"{t} {json.dumps(i, sort_keys=True)}" for (t, _), i in inputs.items())


def config_text_keys(text: str) -> list[str]:
    return list(yaml.safe_load(text)["config"]["pantheon-oncall:team"]["schedules"])


# --- an account clicked together by hand ----------------------------------------------------------


def guide_account() -> dict[str, Any]:
    """What following the guide by hand leaves, plus what the contract cannot express (the
    double's seed spec, with the ids of an account that exists)."""
    people = [
        ("PJANE01", "Jane Doe", "Jane@Example.com", "user", "America/New_York"),
        ("PJOE001", "Joe Smith", "joe@example.com", "limited_user", "America/New_York"),
        ("PANITA1", "Anita Rao", "anita@example.com", "limited_user", "Europe/London"),
    ]
    numbers = {
        "PJANE01": (1, "4155550100", "4155550100"),
        "PJOE001": (1, "4155550101", "4155550101"),
        "PANITA1": (44, "2079460958", "7700900123"),
    }
    users: list[dict[str, Any]] = []
    for uid, name, email, role, zone in people:
        country, phone_number, sms_number = numbers[uid]
        phone = {"type": "phone_contact_method", "address": phone_number}
        sms = {"type": "sms_contact_method", "address": sms_number}
        login = {"type": "email_contact_method", "address": email}
        handoff = (
            {"handoff_type": "both", "notify_advance_in_minutes": 60, "contact_method": sms}
            if uid == "PANITA1"
            else {
                "handoff_type": "oncall",
                "notify_advance_in_minutes": 1440,
                "contact_method": login,
            }
        )
        users.append(
            {
                "id": uid, "login_method_id": f"{uid}E",
                "name": name, "email": email, "role": role, "time_zone": zone,
                "contact_methods": [
                    {"id": f"{uid}P", **phone, "label": "Mobile", "country_code": country},
                    {"id": f"{uid}S", **sms, "label": "Mobile", "country_code": country},
                ],
                "notification_rules": [
                    {"id": f"{uid}HS", "urgency": "high", "start_delay_in_minutes": 0,
                     "contact_method": sms},
                    {"id": f"{uid}HP", "urgency": "high", "start_delay_in_minutes": 15,
                     "contact_method": phone},
                ],
                "handoff_rules": [{"id": f"{uid}HO", **handoff}],
            }
        )  # fmt: skip
    push = {"type": "push_notification_contact_method", "address": "iPhone"}
    users[1]["contact_methods"].append({"id": "PJOEPSH", **push, "label": "iPhone"})
    users[1]["notification_rules"].append(
        {"id": "PJOEHPU", "urgency": "high", "start_delay_in_minutes": 5, "contact_method": push}
    )
    users.append(
        {
            "id": "POWNER1", "login_method_id": "POWNER1E", "name": "Olivia Owner",
            "email": "olivia@example.com", "role": "owner", "time_zone": "America/New_York",
        }
    )  # fmt: skip
    schedule = {
        "id": "PSCHED1",
        "name": "Default",
        "time_zone": "America/New_York",
        "description": "Who is on call for the site",
        "teams": ["Web Team"],
        "layers": [  # in the order sent: the API lists the last one (the one that wins) first
            {
                "name": "Backstop",
                "start": "2026-11-02T00:00:00-05:00",
                "rotation_turn_length_seconds": 604800,
                "users": ["Jane@Example.com"],
            },
            {
                "name": "Old nights",
                "start": "2026-01-05T20:00:00-05:00",
                "end": "2026-06-01T00:00:00-04:00",
                "rotation_turn_length_seconds": 86400,
                "users": ["joe@example.com"],
            },
            {
                "name": "Weekly rotation",
                "start": "2026-12-07T09:00:00-05:00",
                "rotation_turn_length_seconds": 604800,
                "users": ["joe@example.com", "anita@example.com"],
                "restrictions": [
                    {
                        "type": "daily_restriction",
                        "start_time_of_day": "08:00:00",
                        "duration_seconds": 43200,
                    },
                ],
            },
        ],
    }
    policy = {
        "id": "PPOLICY",
        "name": "Default",
        "description": "",
        "num_loops": 1,
        "teams": ["Web Team"],
        "rules": [
            {"escalation_delay_in_minutes": 15, "targets": [{"schedule": "Default"}]},
            {
                "escalation_delay_in_minutes": 30,
                "targets": [{"user": "Jane@Example.com"}, {"user": "olivia@example.com"}],
            },
        ],
    }
    services = [
        {
            "id": sid,
            "name": name,
            "description": f"{name} alerts",
            "escalation_policy": "Default",
            "incident_urgency_rule": {"type": "constant", "urgency": "high"},
            # PagerDuty's defaults for a service created in the web UI: 4 h and 30 min.
            "auto_resolve_timeout": 14400,
            "acknowledgement_timeout": 1800,
            "integrations": [{"id": f"PINTEG{index}", "name": "New Relic", "vendor": "New Relic"}],
        }
        for index, (sid, name) in enumerate(
            (
                ("PSTAGE1", "New Relic (staging)"),
                ("PSERV01", "New Relic"),
                ("PEU0001", "New Relic EU"),
            )
        )
    ]
    services[1]["orchestration"] = {
        "sets": [
            {
                "id": "start",
                "rules": [{"id": "a1", "label": "drop noise"}, {"id": "a2", "label": "route db"}],
            }
        ],
        "catch_all": {"actions": {}},
    }
    return {
        "users": users,
        "teams": [{"id": "PTEAM01", "name": "Web Team"}],
        "schedules": [schedule],
        "escalation_policies": [policy],
        "services": services,
    }


def throttle(pd: PagerDutyDouble) -> None:
    """The guide policy's first read is answered 429 with Retry-After: 7."""
    pd.plan("GET", "/escalation_policies/PPOLICY", Planned(429, "{}", headers={"Retry-After": "7"}))


GOLDEN = TESTS / "golden" / "Pulumi.imported-guide-live.yaml"
GUIDE_IMPORT = ImportOptions(service="New Relic", site="example", env="live", now=NOW)


def test_import_writes_the_exact_stack_file_paging_and_retrying_after_429(
    pd: PagerDutyDouble, test_ca: trustme.CA
) -> None:
    url = serve(pd, guide_account(), page_size=1)
    throttle(pd)
    sleeps: list[float] = []

    imported = import_stack(connect(url, test_ca, sleep=sleeps.append), GUIDE_IMPORT)

    assert imported.text == GOLDEN.read_text()
    # Three services match the query, one per page: the client follows `more` with `offset`.
    assert [r for r in asked(pd) if r.startswith("GET /services")] == [
        "GET /services?limit=100&offset=0&query=New Relic&total=false",
        "GET /services?limit=1&offset=1&query=New Relic&total=false",
        "GET /services?limit=1&offset=2&query=New Relic&total=false",
    ]
    # The policy answered 429 with Retry-After: 7 once; the import waited 7 s and asked again.
    assert sleeps == [7.0]
    policy = "GET /escalation_policies/PPOLICY?include[]=escalation_rule_assignment_strategies"
    assert asked(pd).count(policy) == 2
    # Every request carried TOKEN: the double accepts no other.
    assert {r["authorized"] for r in pd.requests} == {True}
    assert len(imported.notes) == 5


def test_the_imported_file_plans_offline_with_its_import_ids(
    project: Path, schemas: SchemaSet
) -> None:
    (project / "stacks" / "Pulumi.guide-live.yaml").write_text(GOLDEN.read_text())

    plan = planning.plan_stack(project, "guide-live", schemas=schemas)

    assert plan.violations == ()
    imports = {(r.type, r.name): r.import_id for r in plan.run.resources if r.import_id}
    assert imports == {
        (T.USER, "team-jane"): "PJANE01",
        (T.USER, "team-joe"): "PJOE001",
        (T.USER, "team-anita"): "PANITA1",
        # Contact methods as the provider's ImportState splits them: "<user id>:<method id>".
        (T.CONTACT_METHOD, "team-jane-phone"): "PJANE01:PJANE01P",
        (T.CONTACT_METHOD, "team-jane-sms"): "PJANE01:PJANE01S",
        (T.CONTACT_METHOD, "team-joe-phone"): "PJOE001:PJOE001P",
        (T.CONTACT_METHOD, "team-joe-sms"): "PJOE001:PJOE001S",
        (T.CONTACT_METHOD, "team-anita-phone"): "PANITA1:PANITA1P",
        (T.CONTACT_METHOD, "team-anita-sms"): "PANITA1:PANITA1S",
        # Notification rules "<user id>:<rule id>", handoff rules "<user id>.<rule id>"
        # (pagerdutyplugin/resource_pagerduty_user_notification_rule.go and
        # …_user_handoff_notification_rule.go, ImportState).
        **{
            (T.NOTIFICATION_RULE, f"team-{slug}-high-{rule}"): f"{uid}:{uid}{suffix}"
            for slug, uid in GUIDE_USERS.items()
            for rule, suffix in (("sms-0m", "HS"), ("phone-15m", "HP"))
        },
        **{
            (T.HANDOFF_RULE, f"team-{slug}-handoff"): f"{uid}.{uid}HO"
            for slug, uid in GUIDE_USERS.items()
        },
        (T.SCHEDULE, "team-default"): "PSCHED1",
        (T.ESCALATION_POLICY, "team-escalation"): "PPOLICY",
        (T.SERVICE, "alerts-service"): "PSERV01",
    }
    # What is adopted matches what PagerDuty has: the number (split) and the label, so the
    # import shows no difference; e-mail rules and the handoff use the login e-mail's method by
    # its id, without the label lookup that a hand-made user may fail.
    # Every rule the stack manages is adopted, and retained on destroy: none is posted again.
    managed_rules = plan.run.of_type(T.NOTIFICATION_RULE) + plan.run.of_type(T.HANDOFF_RULE)
    assert len(managed_rules) == 9
    assert all(r.import_id and r.retain_on_delete for r in managed_rules)
    anita_sms = plan.run.get(T.CONTACT_METHOD, "team-anita-sms").inputs
    assert (anita_sms["countryCode"], anita_sms["address"], anita_sms["label"]) == (
        44,
        "7700900123",
        "Mobile",
    )
    jane_handoff = plan.run.get(T.HANDOFF_RULE, "team-jane-handoff").inputs
    assert jane_handoff["contactMethod"]["id"] == "PJANE01E"
    assert not [i for i in plan.run.invokes if i.token == T.GET_CONTACT_METHOD]
    assert not [w for w in plan.run.warnings if "emailContactMethodId" in w]
    # The account owner is referenced, never managed.
    assert not [
        r for r in plan.run.of_type(T.USER) if r.inputs.get("email") == "olivia@example.com"
    ]


def test_team_picks_its_escalation_policy_and_schedule_adds_one(
    pd: PagerDutyDouble, test_ca: trustme.CA
) -> None:
    account = guide_account()
    account["schedules"].append({**account["schedules"][0], "id": "PNIGHTS", "name": "Nights"})
    url = serve(pd, account, page_size=1)
    options = ImportOptions(team="Web Team", schedules=("Nights",), now=NOW)

    imported = import_stack(connect(url, test_ca), options)

    team = yaml.safe_load(imported.text)["config"]["pantheon-oncall:team"]
    assert team["name"] == "Web Team"
    assert team["escalation"]["importId"] == "PPOLICY"
    assert {slug: s["importId"] for slug, s in team["schedules"].items()} == {
        "default": "PSCHED1",
        "nights": "PNIGHTS",
    }
    assert "GET /escalation_policies?limit=100&offset=0&team_ids[]=PTEAM01&total=false" in (
        asked(pd)
    )
    # Without --site this is a team stack: the service is named in a note, not in the config.
    assert "pantheon-oncall:pagerduty" not in yaml.safe_load(imported.text)["config"]


def test_a_429_that_never_ends_fails_with_a_message(
    pd: PagerDutyDouble, test_ca: trustme.CA
) -> None:
    pd.plan("GET", "/services", Planned(429, "{}", headers={"Retry-After": "1"}, times=None))
    sleeps: list[float] = []

    with pytest.raises(ImportFailed, match="429 Too Many Requests 6 times to GET /services"):
        import_stack(connect(pd.url, test_ca, sleeps.append), GUIDE_IMPORT)

    assert sleeps == [1.0] * 5


def test_token_comes_from_the_environment_then_from_pulumi_config() -> None:
    calls: list[list[str]] = []

    def pulumi(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append(argv)
        return subprocess.CompletedProcess(argv, 0, stdout="u+from-pulumi\n", stderr="")

    assert token_from_environment({"PAGERDUTY_TOKEN": "u+from-env"}, pulumi) == "u+from-env"
    assert calls == []
    assert token_from_environment({}, pulumi) == "u+from-pulumi"
    assert calls == [["pulumi", "config", "get", "pagerduty:token"]]


def test_no_token_anywhere_is_one_clear_message() -> None:
    def no_pulumi(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        raise FileNotFoundError("pulumi")

    with pytest.raises(ImportFailed, match="no PagerDuty token: set PAGERDUTY_TOKEN"):
        token_from_environment({}, no_pulumi)


# --- the command ----------------------------------------------------------------------------------


def run_import(
    project: Path, url: str, ca_file: Path, *args: str, token: str = TOKEN
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "oncall",
            "--project-dir",
            str(project),
            "import",
            "--api-url",
            url,
            "--ca-file",
            str(ca_file),
            *args,
        ],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PAGERDUTY_TOKEN": token},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def ca_file(tmp_path: Path, test_ca: trustme.CA) -> Path:
    path = tmp_path / "ca.pem"
    test_ca.cert_pem.write_to_path(str(path))
    return path


def test_cli_writes_the_file_warns_on_stderr_and_never_prints_the_token(
    pd: PagerDutyDouble, project: Path, ca_file: Path
) -> None:
    url = serve(pd, guide_account(), page_size=1)
    out = project / "stacks" / "Pulumi.guide-live.yaml"
    args = ("--service", "New Relic", "--site", "example", "--env", "live", "--out", str(out))

    result = run_import(project, url, ca_file, *args)

    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(out.read_text()) == yaml.safe_load(GOLDEN.read_text())
    assert (
        f"wrote {out}: 4 people, 1 schedule(s), escalation policy 'Default', service 'New Relic'"
        in result.stdout
    )
    assert "next: oncall plan guide-live" in result.stdout
    assert "warning: pagerduty: an event orchestration with 2 rule(s)" in result.stderr
    assert result.stderr.count("warning: ") == 5
    assert "posts again" not in result.stderr
    assert TOKEN not in result.stdout + result.stderr + out.read_text()

    again = run_import(project, url, ca_file, *args)

    assert again.returncode == 1
    assert f"error: {out} exists: pass --force to overwrite it" in again.stderr


def test_cli_a_refused_token_is_one_message_without_the_token(
    pd: PagerDutyDouble, project: Path, ca_file: Path
) -> None:
    pd.token = "u+another-accounts-key-0000"  # the account refuses TOKEN: 401
    out = project / "stacks" / "Pulumi.x-live.yaml"

    result = run_import(project, pd.url, ca_file, "--service", "x", "--out", str(out))

    assert result.returncode == 1
    assert "error: GET /services: PagerDuty refused the token (401 Unauthorized)" in result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr
    assert TOKEN[-4:] not in result.stderr
    assert not out.exists()


def test_region_eu_reads_the_eu_api(monkeypatch: pytest.MonkeyPatch, project: Path) -> None:
    from oncall import cli

    seen: list[str] = []

    def connect(token: str, base_url: str, *args: Any) -> Account:
        seen.append(base_url)
        raise ImportFailed("stop here")

    monkeypatch.setattr(Account, "connect", connect)
    monkeypatch.setenv("PAGERDUTY_TOKEN", TOKEN)
    out = str(project / "stacks" / "Pulumi.x.yaml")

    assert cli.run(["import", "--service", "x", "--region", "eu", "--out", out]) == 1
    assert cli.run(["import", "--service", "x", "--out", out]) == 1
    assert seen == ["https://api.eu.pagerduty.com", "https://api.pagerduty.com"]


def test_the_docs_excerpt_is_what_the_import_writes() -> None:
    readme = (ROOT / "docs" / "migrating.md").read_text()
    notes = readme.index("# What this stack file cannot express (review it before `pulumi up`):")
    start = readme.rindex("```yaml\n", 0, notes) + len("```yaml\n")
    excerpt = readme[start : readme.index("```", start)].splitlines()
    golden = GOLDEN.read_text().splitlines()

    quoted = [line for line in excerpt if "…" not in line]
    assert len(quoted) >= 15
    assert [line for line in quoted if line not in golden] == []


def test_site_without_env_is_refused_before_anything_is_read() -> None:
    class NoAccount(Account):
        def __init__(self) -> None:
            pass

    with pytest.raises(ImportFailed, match="--site and --env go together"):
        import_stack(NoAccount(), ImportOptions(service="New Relic", site="example"))


def test_a_turn_in_whole_hours_is_rotation_hours_and_an_ambiguous_start_keeps_its_offset(
    pd: PagerDutyDouble, test_ca: trustme.CA
) -> None:
    account = guide_account()
    backstop = account["schedules"][0]["layers"][0]
    # 12-hour turns, first handoff at 01:30 on the night New York's clocks go back (it happens
    # twice): only the offset says which.
    backstop["rotation_turn_length_seconds"] = 43200
    backstop["rotation_virtual_start"] = backstop["start"] = "2026-11-01T01:30:00-05:00"
    url = serve(pd, account, page_size=1)

    imported = import_stack(connect(url, test_ca), GUIDE_IMPORT)

    team = yaml.safe_load(imported.text)["config"]["pantheon-oncall:team"]
    layer = team["schedules"]["default"]["layers"][0]
    assert layer == {
        "name": "Backstop",
        "members": ["jane"],
        "rotationHours": 12,
        "start": "2026-11-01T01:30:00-05:00",
    }


def test_an_esc_environment_is_written_and_the_credentials_comment_names_it(
    pd: PagerDutyDouble, test_ca: trustme.CA
) -> None:
    url = serve(pd, guide_account(), page_size=1)
    options = ImportOptions(
        escalation_policy="PPOLICY", environments=("acme/pagerduty-credentials",), now=NOW
    )

    imported = import_stack(connect(url, test_ca), options)

    assert yaml.safe_load(imported.text)["environment"] == ["acme/pagerduty-credentials"]
    assert "# Credentials come from the Pulumi ESC environment(s) below." in imported.text
    assert "pulumi config set --secret" not in imported.text


def test_a_member_without_a_login_email_method_or_with_a_number_split_otherwise_is_noted(
    pd: PagerDutyDouble, test_ca: trustme.CA
) -> None:
    account = guide_account()
    # Joe's login e-mail method was deleted by hand (and with it, as PagerDuty does, the rules
    # that used it); Anita's UK number was stored with its trunk 0, which the stack (splitting
    # "+44 20 7946 0958") never sends.
    anita_phone = account["users"][2]["contact_methods"][0]
    assert anita_phone["type"] == "phone_contact_method"
    anita_phone["address"] = "02079460958"
    for rule in account["users"][2]["notification_rules"]:
        if rule["contact_method"]["type"] == "phone_contact_method":
            rule["contact_method"] = anita_phone
    url = serve(pd, account, page_size=1)
    pd.account.delete_contact_method("PJOE001", "PJOE001E")

    imported = import_stack(connect(url, test_ca), GUIDE_IMPORT)

    members = yaml.safe_load(imported.text)["config"]["pantheon-oncall:team"]["members"]
    assert "emailContactMethodId" not in members["joe"]
    assert members["jane"]["emailContactMethodId"] == "PJANE01E"
    assert members["anita"]["phone"] == {
        "number": "+44 20 7946 0958",
        "importId": "PANITA1P",
        "label": "Mobile",
    }
    assert (
        "members.joe: has no e-mail contact method for the login e-mail; the stack looks it up by "
        'the label "Default"' in "\n".join(imported.notes)
    )
    assert (
        "members.anita.phone: PagerDuty stores country code 44, address 02079460958; the stack "
        "sends 44, 2079460958" in "\n".join(imported.notes)
    )


def test_a_rule_on_a_contact_method_the_member_does_not_adopt_is_noted_and_left_as_it_is(
    pd: PagerDutyDouble, test_ca: trustme.CA
) -> None:
    # The contract holds one SMS number per member; adopted as an sms step, a rule texting
    # another number would point at the adopted one, and the import would differ.
    account = guide_account()
    jane = account["users"][0]
    work = {"type": "sms_contact_method", "address": "4155550199"}
    jane["contact_methods"].append({"id": "PJANE02S", **work, "label": "Work"})
    jane["notification_rules"].append(
        {"id": "PJANE01W", "urgency": "high", "start_delay_in_minutes": 5, "contact_method": work}
    )
    url = serve(pd, account, page_size=1)

    imported = import_stack(connect(url, test_ca), GUIDE_IMPORT)

    jane = yaml.safe_load(imported.text)["config"]["pantheon-oncall:team"]["members"]["jane"]
    assert jane["sms"]["importId"] == "PJANE01S"
    assert jane["notify"]["high"] == [
        {"via": "email"},
        {"via": "sms", "importId": "PJANE01HS"},
        {"via": "phone", "afterMinutes": 15, "importId": "PJANE01HP"},
    ]
    assert (
        "members.jane: a high-urgency rule after 5 min notifies another sms contact method "
        "(PJANE02S) than the one the contract adopts for sms: not imported; it stays as it is"
    ) in imported.notes


# --- hostile or mistaken input: one message, exit 1, nothing written, the token never shown -----


def import_in_process(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    token: str = TOKEN,
) -> tuple[int, str]:
    """`oncall import ARGS` in this process: the exit status and stderr."""
    from oncall import cli

    monkeypatch.setenv("PAGERDUTY_TOKEN", token)
    status = cli.run(["import", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert TOKEN not in out + err
    return status, err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--api-url", "http://127.0.0.1:1"), "--api-url 'http://127.0.0.1:1': not an https://"),
        (("--api-url", ""), "--api-url '': it is empty (an unset variable?)"),
        (("--api-url", "https://a\x1bb/"), "--api-url 'https://a\\x1bb/': it has whitespace or"),
        (("--api-url", "https://api.pagerduty.com:abc/"), "Port could not be cast to integer"),
        (("--ca-file", "/nonexistent/ca.pem"), "--ca-file '/nonexistent/ca.pem': No such file"),
        (("--ca-file", "/"), "--ca-file '/': Is a directory; expected a PEM file"),
        (("--ca-file", str(ROOT / "Pulumi.yaml")), "': no certificate in it; expected a PEM file"),
        (("--site", "Shop", "--env", "live"), "--site 'Shop': expected a Pantheon site machine"),
        (("--site", "shop", "--env", "prod"), "--env 'prod': did you mean live? As written"),
        (("--site", "shop", "--env", "staging"), "--env 'staging': did you mean test?"),
        (("--site", "shop", "--env", "live", "--domain", "https://x.com/"), "--domain 'https://"),
        (("--domain", "www.example.com"), "--domain is the site's host: it goes with --site"),
        (("--environment", "acme/pager duty"), "--environment 'acme/pager duty': expected a"),
    ],
)
def test_a_bad_option_is_refused_before_anything_is_read(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    project: Path,
    args: tuple[str, ...],
    message: str,
) -> None:
    out = project / "stacks" / "Pulumi.store-live.yaml"

    def no_account(*args: Any, **kwargs: Any) -> Account:
        raise AssertionError("the account was read")

    monkeypatch.setattr(Account, "connect", no_account)
    status, err = import_in_process(monkeypatch, capsys, "--service", "x", "--out", str(out), *args)

    assert status == 1
    assert err.count("error: ") == 1
    assert message in err
    assert not out.exists()


@pytest.mark.parametrize("where", ["folder", "under a file"])
def test_an_out_that_cannot_be_a_file_is_refused_before_anything_is_read(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], project: Path, where: str
) -> None:
    out = project / "stacks" if where == "folder" else project / "Pulumi.yaml" / "Pulumi.x.yaml"

    status, err = import_in_process(
        monkeypatch, capsys, "--service", "x", "--out", str(out), "--force"
    )

    assert status == 1
    said = "a folder; expected the stack file" if where == "folder" else "Pulumi.yaml is a file"
    assert said in err


@pytest.mark.parametrize("token", [f" {TOKEN}x y", f"{TOKEN}\x07", f"{TOKEN}é", f"{TOKEN}\ny"])
def test_a_token_a_header_cannot_carry_is_refused_without_showing_it(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    project: Path,
    token: str,
) -> None:
    out = project / "stacks" / "Pulumi.x.yaml"
    status, err = import_in_process(
        monkeypatch, capsys, "--service", "x", "--out", str(out), "--api-url",
        "https://127.0.0.1:1", token=token,
    )  # fmt: skip

    assert status == 1
    assert "error: PAGERDUTY_TOKEN: the token has whitespace, control or non-ASCII" in err
    assert TOKEN[:12] not in err


def service_then(
    policy: dict[str, Any] | None = None, answers: dict[str, tuple[str, int, str]] | None = None
) -> Callable[[PagerDutyDouble], None]:
    """Plans on a double: the service PS00001 whose policy is PEP0001, then `answers` (body,
    status, content type) by path; every other path is the (empty) account's own answer."""
    service = {"id": "PS00001", "name": "Shop", "escalation_policy": {"id": "PEP0001"}}
    planned = {"/services/PS00001": (json.dumps({"service": service}), 200, "application/json")}
    if policy is not None:
        body = json.dumps({"escalation_policy": policy})
        planned["/escalation_policies/PEP0001"] = (body, 200, "application/json")

    def plan(pd: PagerDutyDouble) -> None:
        for path, (text, status, content_type) in (planned | (answers or {})).items():
            pd.plan("GET", path, Planned(status, text, content_type, times=None))

    return plan


JSON = "application/json"
HTML = ("<html><body>Sign in to the proxy</body></html>", 200, "text/html")
USER_TARGET = {"type": "user_reference", "id": "PU00001"}


@pytest.mark.parametrize(
    ("service", "handler", "message"),
    [
        ("x", service_then(answers={"/services": HTML}), "GET /services: HTTP 200, but the"),
        ("x", service_then(answers={"/services": ("{not json", 200, JSON)}), "HTTP 200, but"),
        ("x", service_then(answers={"/services": ("[1, 2]", 200, JSON)}), "HTTP 200, but"),
        ("x", service_then(answers={"/services": ("", 200, "text/plain")}), "HTTP 200, but"),
        (
            "x",
            service_then(answers={"/services": ('{"services": 5, "more": false}', 200, JSON)}),
            "GET /services: the answer is not PagerDuty's REST API v2 JSON (not a page of a list)",
        ),
        (
            "x",
            service_then(answers={"/services": ('{"services": ["a"], "more": false}', 200, JSON)}),
            "(a list item without an id)",
        ),
        (
            "x",
            service_then(answers={"/services": ("<h1>Bad gateway</h1>", 502, "text/html")}),
            "HTTP 502",
        ),
        (
            "PS00001",
            service_then(),
            "GET /escalation_policies/PEP0001: PagerDuty answered HTTP 404",
        ),
        (
            "PS00001",
            service_then(answers={"/escalation_policies/PEP0001": HTML}),
            "GET /escalation_policies/PEP0001: the answer is not PagerDuty's REST API v2 JSON "
            "(not JSON)",
        ),
        (
            "PS00001",
            service_then(
                answers={"/escalation_policies/PEP0001": ('{"escalation_policy": null}', 200, JSON)}
            ),
            "('escalation_policy' is not an object)",
        ),
        (
            "PS00001",
            service_then(policy={"id": "PEP0001"}),
            "error: an answer from PagerDuty has no 'name'; a proxy's page, or an --api-url that "
            "is not PagerDuty's REST API v2? Nothing was written",
        ),
        (
            "PS00001",
            service_then(
                policy={"id": "PEP0001", "name": "P", "escalation_rules": [{"targets": [5]}]}
            ),
            "an answer from PagerDuty has a field of an unexpected shape (AttributeError",
        ),
        (
            "PS00001",
            service_then(
                policy={
                    "id": "PEP0001",
                    "name": "P",
                    "escalation_rules": [{"targets": [USER_TARGET]}],
                },
                answers={
                    "/users/PU00001": ('{"user": {"id": "PU00001"}}', 200, JSON),
                    "/users/PU00001/contact_methods": ('{"contact_methods": []}', 200, JSON),
                    "/users/PU00001/notification_rules": ('{"notification_rules": []}', 200, JSON),
                    "/users/PU00001/oncall_handoff_notification_rules": (
                        '{"oncall_handoff_notification_rules": []}',
                        200,
                        JSON,
                    ),
                },
            ),
            "an answer from PagerDuty has no 'email'",
        ),
    ],
)
def test_an_answer_that_is_not_the_apis_is_one_message_and_nothing_is_written(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pd: PagerDutyDouble,
    project: Path,
    ca_file: Path,
    service: str,
    handler: Callable[[PagerDutyDouble], None],
    message: str,
) -> None:
    handler(pd)
    out = project / "stacks" / "Pulumi.store-live.yaml"

    status, err = import_in_process(
        monkeypatch, capsys, "--service", service, "--site", "shop", "--env", "live",
        "--out", str(out), "--api-url", pd.url,
        "--ca-file", str(ca_file),
    )  # fmt: skip

    assert status == 1
    assert err.count("error: ") == 1
    assert message in err
    assert not out.exists()


def test_no_answer_at_all_says_why_and_a_certificate_failure_points_at_ca_file(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pd: PagerDutyDouble,
    project: Path,
) -> None:
    import pagerduty

    monkeypatch.setattr(pagerduty.RestApiV2Client, "max_network_attempts", 0)
    monkeypatch.setattr(pagerduty.RestApiV2Client, "timeout", 0.2)
    out = str(project / "stacks" / "Pulumi.x.yaml")
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        silent_url = f"https://127.0.0.1:{silent.getsockname()[1]}"
        timed_out = import_in_process(
            monkeypatch, capsys, "--service", "x", "--out", out, "--api-url", silent_url
        )
    # The test server's certificate authority is not trusted without --ca-file.
    untrusted = import_in_process(
        monkeypatch, capsys, "--service", "x", "--out", out,
        "--api-url", pd.url,
    )  # fmt: skip

    assert timed_out[0] == untrusted[0] == 1
    assert "error: GET /services: could not reach PagerDuty: ConnectTimeout: " in timed_out[1]
    assert "timed out" in timed_out[1]
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted[1]
    assert "(behind a TLS proxy? --ca-file trusts its certificate authority)" in untrusted[1]


# --- adoption: every imported resource sends exactly what exists -------------------------------


def adoption_account() -> dict[str, Any]:
    """An account clicked together by hand with what an import most often got wrong: users with
    and without a description and a job title, rules of both urgencies (a low one on the same
    channel and delay as a high one) and handoffs, two schedules and a policy assigned to a team
    (one schedule without a description), and a service with PagerDuty's own timeouts."""
    users = []
    for uid, name, email, role, zone, number in (
        ("PMIA001", "Mia Wong", "mia@example.com", "user", "America/New_York", "4155550188"),
        ("PBEN001", "Ben Ode", "ben@example.com", "limited_user", "Europe/Paris", "4155550199"),
    ):
        sms = {"type": "sms_contact_method", "address": number}
        phone = {"type": "phone_contact_method", "address": number}
        login = {"type": "email_contact_method", "address": email}
        users.append(
            {
                "id": uid,
                "login_method_id": f"{uid}E",
                "name": name,
                "email": email,
                "role": role,
                "time_zone": zone,
                "contact_methods": [
                    {"id": f"{uid}S", **sms, "label": "Mobile"},
                    {"id": f"{uid}P", **phone, "label": "Desk"},
                ],
                "notification_rules": [
                    {
                        "id": f"{uid}HS",
                        "urgency": "high",
                        "start_delay_in_minutes": 0,
                        "contact_method": sms,
                    },
                    {
                        "id": f"{uid}HP",
                        "urgency": "high",
                        "start_delay_in_minutes": 10,
                        "contact_method": phone,
                    },
                    # Equal to a high one but its urgency.
                    {
                        "id": f"{uid}LS",
                        "urgency": "low",
                        "start_delay_in_minutes": 0,
                        "contact_method": sms,
                    },
                ],
                "handoff_rules": [
                    {
                        "id": f"{uid}HO",
                        "handoff_type": "both",
                        "notify_advance_in_minutes": 60,
                        "contact_method": login,
                    },
                ],
            }
        )
    users[0] |= {"description": "Runs the web team\nsince 2019", "job_title": "Lead engineer"}
    layer = {
        "name": "Weekly",
        "start": "2026-11-02T09:00:00-05:00",
        "rotation_turn_length_seconds": 604800,
        "users": ["mia@example.com", "ben@example.com"],
    }
    return {
        "users": users,
        "teams": [{"id": "PTEAMAD", "name": "Web Team"}],
        "schedules": [
            {
                "id": "PSCHEDA", "name": "Primary", "time_zone": "America/New_York",
                "description": "Business hours first", "layers": [layer], "teams": ["Web Team"],
            },
            {
                "id": "PSCHEDB", "name": "Backup", "time_zone": "America/New_York",
                "description": None, "layers": [{**layer, "users": ["ben@example.com"]}],
                "teams": ["Web Team"],
            },
        ],
        "escalation_policies": [
            {
                "id": "PPOLADO", "name": "Web", "description": None, "num_loops": 2,
                "teams": ["Web Team"],
                "rules": [
                    {
                        "escalation_delay_in_minutes": 10,
                        "escalation_rule_assignment_strategy": {"type": "assign_to_everyone"},
                        "targets": [{"schedule": "Primary"}],
                    },
                    {
                        "escalation_delay_in_minutes": 20,
                        "targets": [{"schedule": "Backup"}, {"user": "mia@example.com"}],
                    },
                ],
            }
        ],
        "services": [
            {
                "id": "PSERVAD", "name": "New Relic", "description": None,
                "escalation_policy": "Web",
                "incident_urgency_rule": {"type": "constant", "urgency": "high"},
                "auto_resolve_timeout": 14400, "acknowledgement_timeout": 1800,
            }
        ],
    }  # fmt: skip


def resolved(value: Any, by_ref: dict[tuple[str, str], dict[str, Any]]) -> Any:
    """A planned input with every reference to a resource replaced by the id it adopts (the
    object's own id: a contact method's import id is "<user>:<method>")."""
    if isinstance(value, dict) and set(value) == {"ref"}:
        target = by_ref[(value["ref"]["type"], value["ref"]["name"])]
        assert target.get("import"), f"{target['name']} is created, not adopted"
        return str(target["import"]).replace(".", ":").split(":")[-1]
    if isinstance(value, dict):
        return {k: resolved(v, by_ref) for k, v in value.items()}
    if isinstance(value, list):
        return [resolved(v, by_ref) for v in value]
    return value


def account_view(pd: PagerDutyDouble, resource: dict[str, Any]) -> dict[str, Any]:
    """What the provider reads for the object `resource` adopts, under the input names (the
    Pulumi schema's), as the provider's Read stores it: "" for no description, [] or "" for no
    team, timeouts in seconds or "null", a layer's times as instants."""
    kind, import_id = resource["type"], str(resource["import"])
    if kind == T.USER:
        user = objects(pd, "users")[import_id]
        return {
            "name": user["name"], "email": user["email"], "role": user["role"],
            "timeZone": user["time_zone"], "description": user.get("description") or "",
            "jobTitle": user.get("job_title") or None,
        }  # fmt: skip
    if kind == T.CONTACT_METHOD:
        uid, mid = import_id.split(":")
        (method,) = [m for m in of_user(pd, "contact_methods", uid) if m["id"] == mid]
        return {
            "userId": uid, "type": method["type"], "address": method["address"],
            "countryCode": method["country_code"], "label": method["label"],
        }  # fmt: skip
    if kind == T.NOTIFICATION_RULE:
        uid, rid = import_id.split(":")
        (rule,) = [r for r in of_user(pd, "notification_rules", uid) if r["id"] == rid]
        return {
            "userId": uid, "urgency": rule["urgency"],
            "startDelayInMinutes": rule["start_delay_in_minutes"],
            "contactMethod": {"id": rule["contact_method"]["id"],
                              "type": rule["contact_method"]["type"].removesuffix("_reference")},
        }  # fmt: skip
    if kind == T.HANDOFF_RULE:
        uid, rid = import_id.split(".")
        (rule,) = [r for r in of_user(pd, "handoff_rules", uid) if r["id"] == rid]
        return {
            "userId": uid, "handoffType": rule["handoff_type"],
            "notifyAdvanceInMinutes": rule["notify_advance_in_minutes"],
            "contactMethod": {"id": rule["contact_method"]["id"],
                              "type": rule["contact_method"]["type"].removesuffix("_reference")},
        }  # fmt: skip
    if kind == T.SCHEDULE:
        schedule = objects(pd, "schedules")[import_id]
        return {
            "name": schedule["name"], "timeZone": schedule["time_zone"],
            "description": schedule.get("description") or "",
            "teams": [t["id"] for t in schedule["teams"]] or None,
            "layers": [
                {"name": layer["name"], "start": instant(layer["start"]),
                 "rotationVirtualStart": instant(layer["rotation_virtual_start"]),
                 "rotationTurnLengthSeconds": layer["rotation_turn_length_seconds"],
                 "users": [u["user"]["id"] for u in layer["users"]]}
                for layer in schedule["schedule_layers"]  # the state's: in the order sent
            ],
        }  # fmt: skip
    if kind == T.ESCALATION_POLICY:
        policy = objects(pd, "escalation_policies")[import_id]
        return {
            "name": policy["name"], "description": policy.get("description") or "",
            "numLoops": policy["num_loops"],
            "teams": policy["teams"][0]["id"] if policy["teams"] else None,
            "rules": [
                {"escalationDelayInMinutes": rule["escalation_delay_in_minutes"],
                 "targets": [{"id": t["id"], "type": t["type"]} for t in rule["targets"]]}
                for rule in policy["escalation_rules"]
            ],
        }  # fmt: skip
    assert kind == T.SERVICE, kind
    service = objects(pd, "services")[import_id]
    seconds = {
        key: "null" if service[field] is None else str(service[field])
        for key, field in (
            ("autoResolveTimeout", "auto_resolve_timeout"),
            ("acknowledgementTimeout", "acknowledgement_timeout"),
        )
    }
    view = {
        "name": service["name"], "description": service.get("description") or "",
        "escalationPolicy": service["escalation_policy"]["id"],
        "incidentUrgencyRule": camel(service["incident_urgency_rule"]), **seconds,
    }  # fmt: skip
    hours = service.get("support_hours")
    if hours:  # under the Pulumi schema's names: days_of_week is `daysOfWeeks`, `at` is `ats`
        view["supportHours"] = {**camel(hours), "daysOfWeeks": hours["days_of_week"]}
        del view["supportHours"]["daysOfWeek"]
        view["scheduledActions"] = [
            {"type": a["type"], "toUrgency": a["to_urgency"], "ats": [camel(a["at"])]}
            for a in service["scheduled_actions"]
        ]
    return view


def camel(value: Any) -> Any:
    """An API object's keys as the Pulumi schema spells them (`during_support_hours` →
    `duringSupportHours`), all the way down."""
    if isinstance(value, dict):
        return {re.sub(r"_([a-z])", lambda m: m[1].upper(), k): camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel(v) for v in value]
    return value


def instant(value: str) -> str:
    return datetime.fromisoformat(value).astimezone(UTC).isoformat()


def test_an_import_plans_every_adopted_resource_with_exactly_what_exists(
    pd: PagerDutyDouble, project: Path, ca_file: Path
) -> None:
    url = serve(pd, adoption_account(), page_size=2)
    out = project / "stacks" / "Pulumi.web-live.yaml"
    args = ("--service", "New Relic", "--site", "web", "--env", "live", "--out", str(out))

    assert run_import(project, url, ca_file, *args).returncode == 0
    planned = run_cli(
        "plan", "--json", "web-live", "--schemas", str(ROOT / "tests" / "schemas"), cwd=project
    )

    assert planned.returncode == 0, planned.stderr
    plan = json.loads(planned.stdout)
    assert plan["schemaViolations"] == []
    # Low-urgency rules were read (urgency=all), the policy with its assignment strategies.
    assert "GET /users/PMIA001/notification_rules?urgency=all" in asked(pd)
    assert any("include[]=escalation_rule_assignment_strategies" in r for r in asked(pd))
    by_ref = {(r["type"], r["name"]): r for r in plan["resources"]}
    adopted = [r for r in plan["resources"] if r["import"]]
    for resource in adopted:
        inputs = resolved(resource["inputs"], by_ref)
        if resource["type"] == T.SCHEDULE:
            for layer in inputs["layers"]:
                layer |= {k: instant(layer[k]) for k in ("start", "rotationVirtualStart")}
        exists = account_view(pd, resource)
        # A field the program ignores while it adopts counts as equal, whatever it sends.
        for field in resource.get("ignoreChanges", []):
            inputs[field] = exists[field]
        assert {k: v for k, v in inputs.items() if v is not None} == {
            k: v for k, v in exists.items() if v is not None
        }, resource["name"]
    # Nothing that exists is created again: every user, number, rule (but PagerDuty's own
    # e-mail at once), handoff, schedule, policy and service is adopted, and only those.
    existing = {
        T.USER: 2, T.CONTACT_METHOD: 4, T.NOTIFICATION_RULE: 6, T.HANDOFF_RULE: 2,
        T.SCHEDULE: 2, T.ESCALATION_POLICY: 1, T.SERVICE: 1,
    }  # fmt: skip
    assert Counter(r["type"] for r in adopted) == existing
    assert not [r for r in plan["resources"] if r["type"] in existing and not r["import"]]
    # The service keeps auto-resolving for the import; the pack lets it, and says what next.
    service = by_ref[(T.SERVICE, "alerts-service")]
    assert service["inputs"]["autoResolveTimeout"] == "14400"
    assert service["ignoreChanges"] == ["autoResolveTimeout"]


def test_a_service_with_support_hours_is_adopted_with_exactly_its_hours_and_urgencies(
    pd: PagerDutyDouble, project: Path, ca_file: Path
) -> None:
    # A service set up in PagerDuty's UI with support hours: high urgency on weekdays 08:30-18:00
    # in London, low outside, and the scheduled action that raises the urgency of open incidents
    # when support hours start. Pulumi's import fails on any input that differs from this.
    account = adoption_account()
    account["services"][0] |= {
        "incident_urgency_rule": {
            "type": "use_support_hours",
            "during_support_hours": {"type": "constant", "urgency": "high"},
            "outside_support_hours": {"type": "constant", "urgency": "low"},
        },
        "support_hours": {
            "type": "fixed_time_per_day", "time_zone": "Europe/London",
            "days_of_week": [1, 2, 3, 4, 5], "start_time": "08:30:00", "end_time": "18:00:00",
        },
        "scheduled_actions": [
            {
                "type": "urgency_change", "to_urgency": "high",
                "at": {"type": "named_time", "name": "support_hours_start"},
            }
        ],
    }  # fmt: skip
    url = serve(pd, account, page_size=25)
    out = project / "stacks" / "Pulumi.web-live.yaml"
    args = ("--service", "New Relic", "--site", "web", "--env", "live", "--out", str(out))

    assert run_import(project, url, ca_file, *args).returncode == 0
    written = yaml.safe_load(out.read_text())["config"]["pantheon-oncall:pagerduty"]
    assert written["urgency"] == {"during": "high", "outside": "low"}
    assert written["supportHours"] == {
        "timeZone": "Europe/London",
        "days": ["monday", "tuesday", "wednesday", "thursday", "friday"],
        "start": "08:30",
        "end": "18:00",
    }
    planned = run_cli(
        "plan", "--json", "web-live", "--schemas", str(ROOT / "tests" / "schemas"), cwd=project
    )
    assert planned.returncode == 0, planned.stderr
    plan = json.loads(planned.stdout)
    assert plan["schemaViolations"] == []
    by_ref = {(r["type"], r["name"]): r for r in plan["resources"]}
    service = by_ref[(T.SERVICE, "alerts-service")]
    inputs = resolved(service["inputs"], by_ref)
    exists = account_view(pd, service)
    for field in service.get("ignoreChanges", []):
        inputs[field] = exists[field]
    assert {k: v for k, v in inputs.items() if v is not None} == exists


def test_a_hand_written_import_id_is_warned_about_with_the_fields_that_must_match() -> None:
    from oncall.config import advice

    config = config_of(GOLDEN.read_text())
    # What `oncall import` writes needs no adoption warning (the UK test number aside).
    assert [w for w in advice.config_warnings(config) if ".anita.sms:" not in w] == []
    text = GOLDEN.read_text()
    joe = "description: '', phone: {number: +1 415 555 0101, importId: PJOE001P, label: Mobile}"
    text = text.replace(joe, "phone: +1 415 555 0101")
    text = text.replace("    autoResolveMinutes: 240\n", "")
    text = text.replace("      description: ''\n", "")

    warnings = [w for w in advice.config_warnings(config_of(text)) if ".anita.sms:" not in w]

    assert [w.split(": ", 1)[0] for w in warnings] == [
        "pantheon-oncall:team.members.joe.description",
        "pantheon-oncall:team.members.joe.phone",
        "pantheon-oncall:team.escalation.description",
        "pantheon-oncall:pagerduty.autoResolveMinutes",
    ]
    assert "GET /users/PJOE001/contact_methods" in warnings[1]
    assert 'write its description ("" for none)' in warnings[0]


@pytest.mark.parametrize("entitled", [True, False])
def test_a_round_robin_rule_is_noticed_and_an_account_without_it_is_read_without(
    server_context: ssl.SSLContext, test_ca: trustme.CA, entitled: bool
) -> None:
    account = adoption_account()
    rule = account["escalation_policies"][0]["rules"][0]
    rule["escalation_rule_assignment_strategy"] = {"type": "round_robin"}
    abilities = ["teams", "urgencies"] + (["escalation_rule_assignment_strategies"] * entitled)
    pd = PagerDutyDouble(ssl_context=server_context, token=TOKEN, abilities=abilities)
    with pd:
        url = serve(pd, account, page_size=2)

        imported = import_stack(
            connect(url, test_ca), ImportOptions(escalation_policy="Web", now=NOW)
        )

    policy_reads = [r for r in asked(pd) if r.startswith("GET /escalation_policies/PPOLADO")]
    include = "GET /escalation_policies/PPOLADO?include[]=escalation_rule_assignment_strategies"
    # As the provider does: with the strategies, and without them where the account refuses.
    without = "GET /escalation_policies/PPOLADO?"
    assert policy_reads == ([include] if entitled else [include, without])
    round_robin = [n for n in imported.notes if "round robin" in n]
    noticed = "escalation.rules[0]: assigns round robin, which the contract cannot write"
    assert [n[: len(noticed)] for n in round_robin] == ([noticed] if entitled else [])
