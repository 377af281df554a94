"""The policy pack (policy/guardrails.py): each policy's validate function called offline with
resources it must accept and reject, then the whole pack over every stack's offline plan (the
policy SDK's view of a plan: oncall.offline.policycheck).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import guardrails
import pytest
from pulumi_policy import PolicyResource, ResourceValidationArgs, StackValidationArgs
from pulumi_policy.proxy import unknown_checking_proxy

from oncall.config import stackfile
from oncall.offline.markers import Computed
from oncall.offline.plan import plan_stack
from oncall.offline.policycheck import options, policy_props, policy_view, run_pack
from tests.support import PROJECT, T, copy_project

ROOT = Path(__file__).resolve().parents[2]
STACKS = stackfile.stack_names(PROJECT)
STACK = "urn:pulumi:s::p::"


def violations_of(policy: Callable[..., None], resource_type: str, **props: Any) -> list[str]:
    """Messages a resource policy's validate function reports for one resource."""
    found: list[str] = []
    secret_outputs = props.pop("_secret_outputs", None)
    ignore_changes = props.pop("_ignore_changes", None)
    args = ResourceValidationArgs(
        resource_type,
        unknown_checking_proxy(policy_props(props)),
        f"{STACK}{resource_type}::r",
        "r",
        options(secret_outputs=secret_outputs, ignore_changes=ignore_changes),
        None,
    )
    policy(args, lambda message, urn=None: found.append(message))
    return found


# --- The pack -------------------------------------------------------------------------------------


def test_the_pack_has_the_nine_guardrails_each_mandatory_or_advisory() -> None:
    levels = {p.name: p.enforcement_level.value for p in guardrails.POLICIES}  # type: ignore[union-attr]
    assert levels == {
        "integration-key-secret": "mandatory",
        "no-deprecated-newrelic-channels": "mandatory",
        "slack-all-priorities": "mandatory",
        "on-call-users-reachable": "mandatory",
        "no-auto-resolve": "mandatory",
        "adopted-auto-resolve": "advisory",
        "fixed-layer-starts": "advisory",
        "no-plain-text-credentials": "mandatory",
        "live-service-pages-high": "mandatory",
    }


def test_the_pack_files_are_the_ones_pulumi_runs() -> None:
    folder = ROOT / "policy"
    manifest = (folder / "PulumiPolicy.yaml").read_text()
    assert "name: python" in manifest
    assert "virtualenv: venv" in manifest
    pins = (folder / "requirements.txt").read_text()
    assert "pulumi-policy==" in pins
    assert "PolicyPack(name=PACK_NAME, policies=POLICIES)" in (folder / "__main__.py").read_text()


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_passes_the_pack_in_a_preview(stack: str) -> None:
    report = run_pack(policy_view(plan_stack(PROJECT, stack).run))

    assert report.violations == []
    assert report.unknown == []


# --- integration-key-secret -----------------------------------------------------------------------


def test_an_integration_with_its_key_secret_passes() -> None:
    found = violations_of(
        guardrails.integration_key_is_secret,
        T.SERVICE_INTEGRATION,
        name="New Relic",
        _secret_outputs=["integrationKey"],
    )
    assert found == []


def test_an_integration_whose_key_is_not_secret_fails() -> None:
    found = violations_of(guardrails.integration_key_is_secret, T.SERVICE_INTEGRATION, name="x")
    assert found == [
        "the integration key is not secret: create the integration with "
        'additional_secret_outputs=["integrationKey"]'
    ]


# --- no-deprecated-newrelic-channels --------------------------------------------------------------


@pytest.mark.parametrize("token", [T.ALERT_CHANNEL, T.ALERT_POLICY_CHANNEL])
def test_new_relics_deprecated_alert_channels_fail(token: str) -> None:
    found = violations_of(guardrails.no_deprecated_newrelic_channels, token, name="x")
    assert len(found) == 1
    assert "is deprecated by New Relic" in found[0]


def test_an_alert_policy_with_channel_ids_fails_and_without_passes() -> None:
    policy = guardrails.no_deprecated_newrelic_channels
    assert violations_of(policy, T.ALERT_POLICY, name="p", channelIds=[1])
    assert violations_of(policy, T.ALERT_POLICY, name="p") == []
    assert violations_of(policy, T.WORKFLOW, name="w") == []


# --- slack-all-priorities -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "configs",
    [[{"events": ["incident.triggered"], "priorities": ["*"]}], [{"priorities": ["PX1", "*"]}]],
)
def test_a_slack_connection_forwarding_every_priority_passes(configs: list[Any]) -> None:
    policy = guardrails.slack_forwards_all_priorities
    assert violations_of(policy, T.SLACK_CONNECTION, configs=configs) == []


@pytest.mark.parametrize(
    "config", [{"events": ["incident.triggered"]}, {"priorities": []}, {"priorities": ["PX1"]}]
)
def test_a_slack_connection_that_drops_priorities_fails(config: dict[str, Any]) -> None:
    policy = guardrails.slack_forwards_all_priorities
    found = violations_of(policy, T.SLACK_CONNECTION, configs=[config])
    assert len(found) == 1
    assert found[0].startswith("configs[0].priorities is ")


# --- no-auto-resolve ------------------------------------------------------------------------------


def test_a_service_that_never_auto_resolves_passes() -> None:
    policy = guardrails.service_never_auto_resolves
    assert violations_of(policy, T.SERVICE, name="s", autoResolveTimeout="null") == []


@pytest.mark.parametrize(("timeout", "shown"), [(None, "absent"), ("14400", "'14400'")])
def test_a_service_that_auto_resolves_fails(timeout: str | None, shown: str) -> None:
    props = {"name": "s"} if timeout is None else {"name": "s", "autoResolveTimeout": timeout}
    found = violations_of(guardrails.service_never_auto_resolves, T.SERVICE, **props)
    assert len(found) == 1
    assert found[0].startswith(f"autoResolveTimeout is {shown}")


def test_an_adopted_service_keeps_its_auto_resolve_and_is_told_what_to_change_next() -> None:
    # What the component sends for a service imported while it resolves after 4 hours.
    adopted = {
        "name": "s",
        "autoResolveTimeout": "14400",
        "_ignore_changes": ["autoResolveTimeout"],
    }

    assert violations_of(guardrails.service_never_auto_resolves, T.SERVICE, **dict(adopted)) == []
    (advice,) = violations_of(guardrails.adopted_service_auto_resolves, T.SERVICE, **adopted)
    assert "keeps auto-resolving at '14400' seconds" in advice
    assert "remove importId and autoResolveMinutes" in advice


def test_a_service_not_adopted_gets_no_adoption_advice_and_the_mandatory_check() -> None:
    props = {"name": "s", "autoResolveTimeout": "14400"}
    assert violations_of(guardrails.adopted_service_auto_resolves, T.SERVICE, **props) == []
    assert len(violations_of(guardrails.service_never_auto_resolves, T.SERVICE, **props)) == 1


# --- fixed-layer-starts ---------------------------------------------------------------------------


def layers(*starts: Any) -> list[dict[str, Any]]:
    return [{"name": f"l{i}", "start": s, "rotationVirtualStart": s} for i, s in enumerate(starts)]


def test_layers_with_fixed_starts_pass() -> None:
    starts = layers("2026-12-07T09:00:00-05:00", "2026-11-02T00:00:00+00:00")
    assert violations_of(guardrails.layer_starts_are_fixed, T.SCHEDULE, layers=starts) == []


def test_a_layer_start_unknown_in_the_preview_fails() -> None:
    starts = layers("2026-12-07T09:00:00-05:00", Computed())
    found = violations_of(guardrails.layer_starts_are_fixed, T.SCHEDULE, layers=starts)
    assert [f.split(" is ")[0] for f in found] == [
        "layers[1].start",
        "layers[1].rotationVirtualStart",
    ]


@pytest.mark.parametrize("start", ["2026-11-29T16:42:14.123456+00:00", "2026-11-29T16:42:14+00:00"])
def test_a_layer_start_read_from_the_clock_fails(start: str) -> None:
    found = violations_of(guardrails.layer_starts_are_fixed, T.SCHEDULE, layers=layers(start))
    assert len(found) == 2
    assert "a clock reading" in found[0]


def test_schedule_layers_unknown_as_a_whole_fail() -> None:
    found = violations_of(guardrails.layer_starts_are_fixed, T.SCHEDULE, layers=Computed())
    assert found == ["layers are unknown until the deploy: a layer start computed at run time"]


# --- on-call-users-reachable ----------------------------------------------------------------------


class Graph:
    """A hand-built resource graph: a service → escalation policy → schedule → users."""

    def __init__(self) -> None:
        self.resources: list[PolicyResource] = []

    def add(
        self,
        type_: str,
        key: str,
        deps: dict[str, list[PolicyResource]] | None = None,
        /,
        **props: Any,
    ) -> PolicyResource:
        """A resource named `key` with these inputs, whose inputs `deps` were computed from."""
        resource = PolicyResource(
            type_,
            unknown_checking_proxy(policy_props(props)),
            f"{STACK}{type_}::{key}",
            key,
            options(),
            None,
            None,
            [d for ds in (deps or {}).values() for d in ds],
            dict(deps or {}),
        )
        self.resources.append(resource)
        return resource

    def rule(self, user: PolicyResource, via: str, delay: int, urgency: str = "high") -> None:
        self.add(
            T.NOTIFICATION_RULE,
            f"{user.name}-{urgency}-{via}-{delay}m",
            {"userId": [user]},
            userId=Computed(),
            urgency=urgency,
            startDelayInMinutes=delay,
            contactMethod={"id": Computed(), "type": f"{via}_contact_method"},
        )

    def violations(self) -> list[tuple[str, str | None]]:
        found: list[tuple[str, str | None]] = []

        def report(message: str, urn: str | None = None) -> None:
            found.append((message, urn))

        guardrails.on_call_users_can_be_woken(StackValidationArgs(self.resources), report)
        return found


def paging(
    urgency: str | None, *, service: bool = True
) -> tuple[Graph, PolicyResource, PolicyResource]:
    """Jane on a schedule and Joe targeted directly, by a policy a service pages (or none)."""
    g = Graph()
    jane = g.add(T.USER, "jane", name="Jane Doe")
    joe = g.add(T.USER, "joe", name="Joe Smith")
    schedule = g.add(T.SCHEDULE, "default", {"layers": [jane]}, layers=[{"users": [Computed()]}])
    policy = g.add(T.ESCALATION_POLICY, "escalation", {"rules": [schedule, joe]}, name="Default")
    if service:
        rule = None if urgency is None else {"type": "constant", "urgency": urgency}
        g.add(
            T.SERVICE, "service", {"escalationPolicy": [policy]}, name="s", incidentUrgencyRule=rule
        )
    return g, jane, joe


def test_everyone_texted_at_once_and_called_later_passes() -> None:
    g, jane, joe = paging("high")
    for user in (jane, joe):
        g.rule(user, "sms", 0)
        g.rule(user, "phone", 15)
    assert g.violations() == []


def test_a_user_on_a_schedule_without_a_phone_or_sms_rule_fails() -> None:
    g, jane, joe = paging("high")
    g.rule(jane, "email", 0)
    g.rule(joe, "sms", 0)
    assert g.violations() == [
        ("Jane Doe is on call for a live service; nothing calls or texts them", jane.urn)
    ]


def test_a_user_targeted_directly_without_an_immediate_rule_fails() -> None:
    g, jane, joe = paging(None)  # no urgency rule: PagerDuty pages at high urgency
    g.rule(jane, "sms", 0)
    g.rule(joe, "phone", 5)
    g.rule(joe, "sms", 0, urgency="low")
    assert g.violations() == [
        ("Joe Smith is on call for a live service; no high-urgency rule fires at once", joe.urn)
    ]


def test_a_low_urgency_service_wakes_nobody_and_is_not_checked() -> None:
    g, _, _ = paging("low")
    assert g.violations() == []


def test_a_team_stack_checks_everyone_its_policies_page() -> None:
    g, jane, joe = paging("low", service=False)
    g.rule(jane, "sms", 0)
    assert [urn for _, urn in g.violations()] == [joe.urn, joe.urn]


def test_an_imported_stack_passes_the_mandatory_pack_and_is_told_what_to_change_next(
    tmp_path: Path,
) -> None:
    # What `oncall import` writes for the guide's hand-made account: its service resolves after
    # 4 hours (autoResolveMinutes: 240), as a service made in the web UI does.
    project = copy_project(tmp_path, stacks=False)
    imported = (ROOT / "tests" / "golden" / "Pulumi.imported-guide-live.yaml").read_text()
    assert "autoResolveMinutes: 240" in imported
    (project / "stacks" / "Pulumi.guide-live.yaml").write_text(imported)

    report = run_pack(policy_view(plan_stack(project, "guide-live").run))

    # Only the advisory (the service is the one resource that auto-resolves): nothing stops it.
    assert [policy for policy, _, _ in report.violations] == ["adopted-auto-resolve"]
    assert "remove importId and autoResolveMinutes" in report.violations[0][1]
