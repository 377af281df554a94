"""How `oncall import` maps a PagerDuty user to a team member of the contract.

A user's role becomes the UI word the contract uses; their phone and SMS contact methods are
adopted (`{number, importId, label}`: the ones their rules use, else the first of each type);
their notification and handoff rules become `notify` steps and `handoff`, each with the rule's
`importId` so that the first `pulumi up` adopts it (all but PagerDuty's own e-mail-at-once rule,
which the stack never manages); the login e-mail's contact method becomes `emailContactMethodId`.
What the contract cannot say is a note (`note`), and stays in PagerDuty as it is: among it, a
rule on a contact method other than the one the member adopts for its channel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import phonenumbers

from components.vocabulary import (
    CONTACT_METHOD_TYPES,
    OFF_CALL_ROLES,
    Role,
    Via,
    is_pagerduty_default_rule,
)
from oncall.config import ROLE_WORDS
from oncall.onboarding.file import Flow

_VIA_OF_TYPE: Final = {api_type: via for via, api_type in CONTACT_METHOD_TYPES.items()}
_VIA_ORDER: Final = {via.value: index for index, via in enumerate(Via)}


def _role_words() -> dict[str, str]:
    """Each API role's UI word, the first one oncall.config.ROLE_WORDS lists for it."""
    words: dict[str, str] = {}
    for word, role in ROLE_WORDS.items():
        words.setdefault(role.value, word)
    return words


_ROLE_WORD: Final = _role_words()


class MemberMapper:
    """Maps users read from the account to members, reporting what the contract cannot express
    through `note` (where, what)."""

    def __init__(self, note: Callable[[str, str], None]) -> None:
        self._note = note

    def member(self, user: dict[str, Any], slug: str, zone: str) -> dict[str, Any]:
        """The member `slug` as the contract has it: role, time zone when not the team's (`zone`),
        adopted numbers, notification steps, handoff, and the ids that adopt the user."""
        where = f"members.{slug}"
        role_value = str(user.get("role", ""))
        email = str(user["email"]).lower()
        if role_value not in _ROLE_WORD:
            self._note(
                where,
                f"role {role_value!r} (the account owner) cannot be managed: the member is "
                "referenced (existing: true), looked up by email, and left as it is",
            )
            return {"email": email, "existing": True}
        if Role(role_value) in OFF_CALL_ROLES:
            self._note(where, f"a {_ROLE_WORD[role_value]} cannot be on call in PagerDuty")
        member: dict[str, Any] = {"name": user["name"], "email": email}
        member["role"] = _ROLE_WORD[role_value]
        if user.get("time_zone") and user["time_zone"] != zone:
            member["timeZone"] = user["time_zone"]
        # The provider reads both back as PagerDuty has them, and an absent description would
        # send its placeholder (terraform-provider-pagerduty, pagerduty/resource_pagerduty_user
        # .go: `description` Default, Read): written exactly, "" for none.
        member["description"] = str(user.get("description") or "")
        if user.get("job_title"):
            member["jobTitle"] = str(user["job_title"])
        methods = {m["id"]: m for m in user["_contact_methods"]}
        numbers = self._numbers(where, user, methods)
        member |= {via.value: _adopted_number(method) for via, method in numbers.items()}
        for via, method in numbers.items():
            self._check_number(f"{where}.{via.value}", method)
        login = self._login_email_method(where, methods, email)
        adopted = {via: method["id"] for via, method in numbers.items()}
        if login is not None:
            adopted[Via.EMAIL] = login["id"]
        member["notify"] = self._notify(where, user, adopted)
        member["handoff"] = self._handoff(where, user, adopted)
        member["importId"] = user["id"]
        if login is not None:
            member["emailContactMethodId"] = login["id"]
        return member

    def _check_number(self, where: str, method: Mapping[str, Any]) -> None:
        """A note when the number, split again as the stack splits it (national significant
        number), is not the `country_code`/`address` PagerDuty stores: the import would differ."""
        stored = (int(method.get("country_code", 1)), str(method["address"]))
        try:
            number = phonenumbers.parse(_international(method), None)
        except phonenumbers.NumberParseException:
            return  # the contract check refuses it with a message
        sent = (number.country_code, phonenumbers.national_significant_number(number))
        if sent != stored:
            self._note(
                where,
                f"PagerDuty stores country code {stored[0]}, address {stored[1]}; the stack "
                f"sends {sent[0]}, {sent[1]}: `pulumi preview` shows the import differ "
                "there; correct the number in PagerDuty first",
            )

    def _login_email_method(
        self, where: str, methods: Mapping[str, dict[str, Any]], email: str
    ) -> dict[str, Any] | None:
        """The contact method PagerDuty made for the login e-mail (type email, same address),
        which the stack's e-mail rules and handoff use instead of looking it up by label."""
        for method in methods.values():
            same_address = str(method.get("address", "")).lower() == email
            if _via_of(method.get("type")) is Via.EMAIL and same_address:
                return method
        self._note(
            where,
            "has no e-mail contact method for the login e-mail; the stack looks it up by the "
            'label "Default" for e-mail rules and the handoff, and fails if there is none',
        )
        return None

    def _numbers(
        self, where: str, user: dict[str, Any], methods: Mapping[str, dict[str, Any]]
    ) -> dict[Via, dict[str, Any]]:
        """The phone and SMS contact methods: the ones the rules use, else the first of each
        type."""
        used = [_method_id(r) for r in user["_notification_rules"] + user["_handoff_rules"]]
        numbers: dict[Via, dict[str, Any]] = {}
        for via in (Via.PHONE, Via.SMS):
            of_type = [m for m in methods.values() if _via_of(m.get("type")) is via]
            in_use = [m for m in of_type if m["id"] in used]
            chosen = (in_use or of_type)[:1]
            if chosen:
                numbers[via] = chosen[0]
            for other in of_type:
                if chosen and other["id"] != chosen[0]["id"]:
                    self._note(
                        where,
                        f"another {via.value} number {_international(other)} "
                        f"({other.get('label')}): the contract holds one; it stays as it is",
                    )
        return numbers

    def _notify(
        self, where: str, user: dict[str, Any], adopted: Mapping[Via, str]
    ) -> dict[str, list[dict[str, Any]]]:
        """The notification rules as steps per urgency, each adopting its rule by id (`adopted`:
        the contact method the member's steps use, by channel)."""
        steps: dict[str, list[dict[str, Any]]] = {"high": [], "low": []}
        for rule in user["_notification_rules"]:
            urgency = str(rule.get("urgency"))
            via = _via_of(rule["contact_method"].get("type"))
            delay = int(rule.get("start_delay_in_minutes") or 0)
            label = f"a {urgency}-urgency rule after {delay} min"
            if urgency not in steps or via is None:
                kind = str(rule["contact_method"].get("type")).removesuffix("_reference")
                self._note(where, f"{label} notifies via {kind}: not in the contract")
                continue
            if not self._on_adopted_method(where, label, rule, via, adopted):
                continue
            step: dict[str, Any] = {"via": via.value}
            if delay:
                step["afterMinutes"] = delay
            if (via.value, delay) in [(s["via"], s.get("afterMinutes", 0)) for s in steps[urgency]]:
                self._note(where, f"{label} repeats another rule; imported once")
                continue
            if not is_pagerduty_default_rule(via, delay):  # PagerDuty's own: never managed
                step["importId"] = rule["id"]
            steps[urgency].append(step)
        for urgency in steps:
            steps[urgency].sort(key=lambda s: (s.get("afterMinutes", 0), _VIA_ORDER[s["via"]]))
        return steps

    def _handoff(
        self, where: str, user: dict[str, Any], adopted: Mapping[Via, str]
    ) -> dict[str, Any] | bool:
        rules = user["_handoff_rules"]
        for extra in rules[1:]:
            self._note(
                where,
                f"another handoff rule ({extra.get('handoff_type')}, "
                f"{extra.get('notify_advance_in_minutes')} min before): the contract holds one",
            )
        if not rules:
            return False
        rule = rules[0]
        via = _via_of(rule["contact_method"].get("type"))
        if via is None:
            self._note(where, "the handoff rule notifies a contact method the contract lacks")
            return False
        if not self._on_adopted_method(where, "the handoff rule", rule, via, adopted):
            return False
        return {
            "via": via.value,
            "beforeMinutes": int(rule.get("notify_advance_in_minutes") or 0),
            "type": str(rule.get("handoff_type") or "both"),
            "importId": rule["id"],
        }

    def _on_adopted_method(
        self,
        where: str,
        label: str,
        rule: Mapping[str, Any],
        via: Via,
        adopted: Mapping[Via, str],
    ) -> bool:
        """Whether the rule notifies the contact method the member's `via` steps use (the
        adopted number, the login e-mail); otherwise a note: adopted as the contract says, the
        rule would point elsewhere (the import differs), so it stays as it is."""
        if _method_id(rule) == adopted.get(via, _method_id(rule) if via is Via.EMAIL else None):
            return True
        self._note(
            where,
            f"{label} notifies another {via.value} contact method ({_method_id(rule)}) than the "
            f"one the contract adopts for {via.value}: not imported; it stays as it is",
        )
        return False


def _method_id(rule: Mapping[str, Any]) -> str:
    return str((rule.get("contact_method") or {}).get("id"))


def _via_of(api_type: object) -> Via | None:
    """email_contact_method(_reference) → email; push and other types → None."""
    return _VIA_OF_TYPE.get(str(api_type).removesuffix("_reference"))


def _adopted_number(method: Mapping[str, Any]) -> Flow:
    """A phone or SMS contact method as the contract adopts it: `{number, importId, label}`."""
    adopted = Flow(number=_international(method), importId=method["id"])
    if str(method.get("label") or "").strip():
        adopted["label"] = method["label"]
    return adopted


def _international(method: Mapping[str, Any]) -> str:
    """A phone contact method back in international form, "+1 415 555 0100"."""
    raw = f"+{method.get('country_code', 1)}{method['address']}"
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        return raw
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return str(formatted).replace("-", " ")
