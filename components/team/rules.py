"""Which of a member's contact methods and notification steps TeamOnCall creates, and which
PagerDuty already has.

Two facts about PagerDuty shape what TeamOnCall creates for a new user
(`TeamOnCall._create_notifications`):
- PagerDuty itself gives every new user an email contact method for the login email, labelled
  "Default", and two notification rules on it: email immediately, for high and for low urgency
  (the API's user objects list one "Default" email and two "0 minutes: channel <it>" rules). The
  component never creates a second contact method for that address (PagerDuty answers "User
  Contact method must be unique"); steps and handoff rules "via email" use it: by its id
  (`emailContactMethodId`), or looked up by the label "Default" (users created by hand may lack it).
- The provider (terraform-provider-pagerduty's plugin-framework resources, which pulumi-pagerduty
  4.x wraps) creates contact methods and notification rules with a plain POST; unlike its older
  SDKv2 client it no longer adopts an identical existing one, and PagerDuty rejects the duplicate
  ("Channel Start delay must be unique for a given contact method"). An "email after 0 minutes"
  step therefore creates nothing: PagerDuty's own rule already is that step. A user adopted with
  importId already has its other rules too: a step or handoff with an importId adopts its rule
  (Pulumi import, in the provider's import id format below) instead of posting it again.
"""

from typing import NamedTuple

from components._args import whole
from components.team.args import HandoffArgs, MemberArgs, PhoneArgs
from components.vocabulary import Urgency, Via, is_pagerduty_default_rule


class Rule(NamedTuple):
    """One notification step of a member, as the rule it becomes."""

    urgency: Urgency
    via: Via
    delay: int
    import_id: str | None
    """Pulumi's import id of the existing rule it adopts (`rule_import_id`), or None."""


def phone_methods(member: MemberArgs) -> dict[Via, PhoneArgs]:
    """The phone and SMS contact methods to create, by how they are used."""
    methods: dict[Via, PhoneArgs] = {}
    if "phone" in member:
        methods[Via.PHONE] = member["phone"]
    if "sms" in member:
        methods[Via.SMS] = member["sms"]
    return methods


def contact_import_id(member: MemberArgs, phone: PhoneArgs) -> str | None:
    """Pulumi's import id of an adopted contact method: "<user id>:<contact method id>", the
    form the provider's ImportState splits (terraform-provider-pagerduty,
    pagerdutyplugin/resource_pagerduty_user_contact_method.go)."""
    if "importId" not in phone:
        return None
    return f"{member['importId']}:{phone['importId']}"


def rule_import_id(member: MemberArgs, rule_id: str | None) -> str | None:
    """Pulumi's import id of an adopted notification rule: "<user id>:<rule id>", split on ":"
    by the provider's ImportState (terraform-provider-pagerduty,
    pagerdutyplugin/resource_pagerduty_user_notification_rule.go)."""
    return None if rule_id is None else f"{member['importId']}:{rule_id}"


def handoff_import_id(member: MemberArgs, handoff: HandoffArgs) -> str | None:
    """Pulumi's import id of an adopted handoff rule: "<user id>.<rule id>", with a dot: the
    provider's ImportState splits this one on "." (terraform-provider-pagerduty,
    pagerdutyplugin/resource_pagerduty_user_handoff_notification_rule.go)."""
    if "importId" not in handoff:
        return None
    return f"{member['importId']}.{handoff['importId']}"


def _steps(member: MemberArgs) -> list[Rule]:
    """Every notification step of a member, in config order."""
    return [
        Rule(
            Urgency(urgency),
            Via(step["via"]),
            whole(step.get("afterMinutes", 0)),
            rule_import_id(member, step.get("importId")),
        )
        for urgency, steps in member.get("notify", {}).items()
        for step in steps
    ]


def rules_to_create(member: MemberArgs) -> list[Rule]:
    """The member's steps that need a notification rule: all but PagerDuty's own email-at-0
    (created, or adopted with their import id)."""
    return [rule for rule in _steps(member) if not is_pagerduty_default_rule(rule.via, rule.delay)]


def defaults_kept(member: MemberArgs) -> list[str]:
    """Urgencies the member's notify lists but without email at 0: PagerDuty's rule stays."""
    covered = {r.urgency for r in _steps(member) if is_pagerduty_default_rule(r.via, r.delay)}
    return [u for u in member.get("notify", {}) if Urgency(u) not in covered]


def uses_login_email(member: MemberArgs) -> bool:
    """Whether a created rule or the handoff notifies the login email, so its contact method's
    id is needed."""
    handoff = member.get("handoff")
    return any(rule.via is Via.EMAIL for rule in rules_to_create(member)) or (
        handoff is not None and handoff["via"] == Via.EMAIL
    )
