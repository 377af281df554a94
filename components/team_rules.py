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
  step therefore creates nothing: PagerDuty's own rule already is that step.
"""

from components._args import whole
from components.team_args import MemberArgs, PhoneArgs
from components.vocabulary import Urgency, Via


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


def _steps(member: MemberArgs) -> list[tuple[Urgency, Via, int]]:
    """Every notification step of a member as (urgency, via, delay), in config order."""
    return [
        (Urgency(urgency), Via(step["via"]), whole(step.get("afterMinutes", 0)))
        for urgency, steps in member.get("notify", {}).items()
        for step in steps
    ]


def _is_pagerduty_default_rule(via: Via, delay: int) -> bool:
    """PagerDuty gives every new user "email immediately" rules for both urgencies."""
    return via is Via.EMAIL and delay == 0


def rules_to_create(member: MemberArgs) -> list[tuple[Urgency, Via, int]]:
    """The member's steps that need a notification rule: all but PagerDuty's own email-at-0."""
    return [step for step in _steps(member) if not _is_pagerduty_default_rule(step[1], step[2])]


def defaults_kept(member: MemberArgs) -> list[str]:
    """Urgencies the member's notify lists but without email at 0: PagerDuty's rule stays."""
    covered = {u for u, via, delay in _steps(member) if _is_pagerduty_default_rule(via, delay)}
    return [u for u in member.get("notify", {}) if Urgency(u) not in covered]


def uses_login_email(member: MemberArgs) -> bool:
    """Whether a created rule or the handoff notifies the login email, so its contact method's
    id is needed."""
    handoff = member.get("handoff")
    return any(via is Via.EMAIL for _, via, _ in rules_to_create(member)) or (
        handoff is not None and handoff["via"] == Via.EMAIL
    )
