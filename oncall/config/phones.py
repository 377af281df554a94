"""Phone numbers as `team.members` writes them: international ("+1 415 555 0100"), or as
`{number, importId, label}` to adopt a contact method the user already has, split the way PagerDuty
stores them (a country code and the national number). Whether PagerDuty takes the number for a
phone or an SMS is TeamOnCall's rule (components/team/checks.py), run on what this splits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated

import phonenumbers
from pydantic import PlainValidator

from oncall.config.issues import Issue, fail
from oncall.config.scalars import Model, Name, PagerDutyId


class Phone(Model):
    """A phone number split the way PagerDuty stores it (from "+1 415 555 0100")."""

    country_code: int
    national_number: str
    """The digits after the country code, as phonenumbers gives them: PagerDuty's contact method
    `address`. Italy's keep their leading 0 (+39 06 6988 3712 → 0669883712); phonenumbers drops a
    trunk prefix written after the country code (+44 07700 900123 → 7700900123), one PagerDuty
    would refuse (`components.vocabulary.TRUNK_PREFIXES`, TeamOnCall's rule)."""
    e164: str
    import_id: str | None = None
    """The id of the user's existing contact method to adopt (Pulumi import)."""
    label: str | None = None
    """The contact method's label; default the component's ("Phone", "SMS")."""

    def as_written(self) -> str:
        """The number in problem messages, as one string (E.164)."""
        return self.e164


def _phone(value: object) -> Phone:
    if isinstance(value, Phone):
        return value
    example = 'e.g. "+1 415 555 0100"'
    if not isinstance(value, str) or not value.strip().startswith("+"):
        raise ValueError(f'expected international form: "+", country code, number ({example})')
    if not re.fullmatch(r"\+[0-9 ().-]+", value.strip()):
        raise ValueError(f"expected only digits, spaces and ( ) - . after the + ({example})")
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        raise ValueError(f"not a phone number ({example})") from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"not a possible phone number for country code +{number.country_code}")
    return Phone(
        country_code=number.country_code,
        national_number=phonenumbers.national_significant_number(number),
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
    )


class AdoptedPhone(Model):
    """`phone`/`sms` as a mapping: a number the adopted user already has in PagerDuty."""

    number: str
    import_id: PagerDutyId | None = None
    """The contact method's id (PagerDuty: the user's Contact Information, or the REST API's
    GET /users/{id}/contact_methods)."""
    label: Name | None = None
    """Its label as PagerDuty shows it, so that the import matches."""


def _contact_phone(value: object) -> Phone:
    """A number written as a string, or as {number, importId, label} to adopt one."""
    if not isinstance(value, Mapping):
        return _phone(value)
    adopted = AdoptedPhone.model_validate(value)
    try:
        phone = _phone(adopted.number)
    except ValueError as error:
        fail(Issue(("number",), adopted.number, str(error)))
    return phone.model_copy(update={"import_id": adopted.import_id, "label": adopted.label})


PhoneNumber = Annotated[Phone, PlainValidator(_contact_phone)]
