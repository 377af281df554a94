"""The stack config contract: what a `pantheon-oncall:*` key may hold, checked all at once.

`parse_stack_config(values)` takes the project's config keys (`site`, `team`, `teamStack`,
`escalationPolicy`, `pagerduty`, `newrelic`, `slack`), already JSON-decoded, and returns a
`StackConfig`: frozen models with the Pantheon presets applied (`oncall.presets`) and every
schedule start fixed. Or it raises one `ConfigError` naming every problem by the key path the user
wrote (`pantheon-oncall:team.schedules.default.layers[1].members[0]`) and the bad value.

Checks run in two passes. Pydantic checks each key's shape and the rules inside one object (a
layer has `rotation` or `rotationHours`, a weekly restriction has a `startDay`). Then team-wide
rules (references between members, schedules and escalation rules; contact numbers; schedule
starts in their time zone) run over every part that parsed, so one typo does not hide the rest.

Pure: no clock, no network, no environment variables, no Pulumi.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from functools import cache
from types import UnionType
from typing import (
    Annotated,
    Any,
    Final,
    Literal,
    NoReturn,
    Self,
    TypeVar,
    Union,
    get_args,
    get_origin,
)
from zoneinfo import ZoneInfo

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    PlainValidator,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic.alias_generators import to_camel, to_snake
from pydantic_core import InitErrorDetails, PydanticCustomError

from components.vocabulary import (
    LOCATION,
    MAX_DAILY_RESTRICTION_SECONDS,
    MAX_ERROR_PERCENT,
    MAX_FOR_MINUTES,
    MAX_NUM_LOOPS,
    MAX_TURN_SECONDS,
    MAX_WEEKLY_RESTRICTION_SECONDS,
    MIN_ESCALATION_DELAY_MINUTES,
    MIN_FOR_MINUTES,
    PAGERDUTY_ID,
    SLACK_CHANNEL_ID,
    SLACK_CHANNEL_NAME,
    SLACK_WORKSPACE_ID,
    SLUG,
    is_time_zone,
    real_number,
    trunk_prefix_problem,
    whole_number,
)
from oncall.enums import (
    OFF_CALL_ROLES,
    RESTRICTION_API_TYPES,
    ROLE_WORDS,
    ROTATION_SECONDS,
    SLACK_EVENT_WORDS,
    TARGET_API_TYPES,
    EnvKind,
    HandoffType,
    IncidentPreference,
    MonitorPeriod,
    RestrictionType,
    Role,
    Rotation,
    SlackEvent,
    SlackNotificationType,
    TargetKind,
    Topology,
    Urgency,
    Via,
    Weekday,
    role_from_word,
    slack_event_from_word,
)
from oncall.errors import MISSING, ConfigError, Problem, did_you_mean
from oncall.presets import (
    FALLBACK,
    PRESETS,
    ErrorRate,
    PingFailure,
    PingMonitor,
    Preset,
    ResponseTime,
)

NAMESPACE: Final = "pantheon-oncall"
"""The Pulumi project name, which prefixes every config key of this program."""

APP_NAME_TEMPLATE: Final = "{name} ({env})"
"""Default New Relic APM app name of a site environment, e.g. "example (live)"."""

SERVICE_DESCRIPTION_TEMPLATE: Final = "New Relic alerts for {url}"
"""Default description of the PagerDuty service."""

MAX_TURN_HOURS: Final = MAX_TURN_SECONDS // 3600
"""PagerDuty's longest rotation turn, 365 days (`rotation_turn_length_seconds` ≤ 31536000)."""

YEARS: Final = range(2000, 9001)
"""The years a date-time may fall in: far from datetime's limits, so converting between time
zones and adding weeks cannot overflow."""


# --- Issues: problems before they get the namespace -----------------------------------------------

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class _Issue:
    """A problem located relative to whatever is being checked (a model, a section, the team)."""

    loc: Loc
    value: object
    message: str

    def under(self, *prefix: str | int) -> _Issue:
        return _Issue((*prefix, *self.loc), self.value, self.message)


def _fail(*issues: _Issue) -> NoReturn:
    """Raise issues from inside a validator; pydantic places them under the field or model."""
    raise ValidationError.from_exception_data(
        "oncall",
        [
            InitErrorDetails(
                type=PydanticCustomError("oncall", "{message}", {"message": issue.message}),
                loc=issue.loc,
                input=issue.value,
            )
            for issue in issues
        ],
    )


def _shown(value: object) -> object:
    """A parsed value the way the user wrote it, for problem messages."""
    if isinstance(value, Phone):
        return value.e164
    if isinstance(value, Role):
        return value.name.lower().replace("_", " ")
    if isinstance(value, SlackEvent):
        return value.name.lower()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Target):
        return str(value)
    if isinstance(value, BaseModel):
        return _shown(value.model_dump(mode="json", by_alias=True, exclude_unset=True))
    if isinstance(value, dict):
        return {key: _shown(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_shown(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --- Scalar types ---------------------------------------------------------------------------------


def _matching(pattern: str, expected: str) -> AfterValidator:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"expected {expected}")
        return value

    return AfterValidator(check)


def _one_line(value: str) -> str:
    if not value.isprintable():
        raise ValueError("expected one line of text, without control characters")
    return value


Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_one_line)
]
Slug = Annotated[
    str,
    _matching(
        SLUG, "a slug: lowercase letters, digits and hyphens, not starting or ending with a hyphen"
    ),
]
PagerDutyId = Annotated[str, _matching(PAGERDUTY_ID, "a PagerDuty id like PABC123")]
SlackTeamId = Annotated[str, _matching(SLACK_WORKSPACE_ID, "a Slack workspace id like T0123ABCD")]
SlackChannelId = Annotated[str, _matching(SLACK_CHANNEL_ID, "a Slack channel id like C0123ABCD")]


def _by_rule(rule: Callable[[object], object], expected: str) -> BeforeValidator:
    """A value the components' `rule` accepts (it returns None for what it refuses)."""

    def check(value: object) -> object:
        accepted = rule(value)
        if accepted is None:
            raise ValueError(expected)
        return accepted

    return BeforeValidator(check)


WholeNumber = Annotated[int, _by_rule(whole_number, "expected a whole number")]
"""A whole number by the components' rule: 5 or 5.0, never 5.5 or true."""
RealNumber = Annotated[float, _by_rule(real_number, "expected a number")]
"""A number by the components' rule: 5 or 2.5, never true."""


def _time_zone(name: str) -> str:
    if not is_time_zone(name):
        raise ValueError("unknown time zone; expected an IANA name like America/New_York")
    return name


TimeZoneName = Annotated[str, AfterValidator(_time_zone)]


def _flag(value: object) -> bool:
    """true or false, as YAML writes it or as the engine passes a top-level value ("false")."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError("expected true or false")


Flag = Annotated[bool, PlainValidator(_flag)]
Email = Annotated[EmailStr, AfterValidator(str.lower)]


def _site_env(env: str) -> str:
    if env in (EnvKind.DEV, EnvKind.TEST, EnvKind.LIVE) or re.fullmatch(
        r"[a-z0-9][a-z0-9-]{0,10}", env
    ):
        return env
    raise ValueError(
        "expected dev, test, live or a multidev name (lowercase letters, digits and hyphens, "
        "at most 11 characters, not starting with a hyphen)"
    )


def _host(host: str) -> str:
    if "://" in host or "/" in host:
        raise ValueError("expected a bare host name like www.example.com (no scheme, no path)")
    label = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
    if not re.fullmatch(rf"{label}(\.{label})+", host.lower()):
        raise ValueError("expected a host name like www.example.com")
    return host.lower()


def _channel_name(name: str) -> str:
    if name.startswith("#"):
        raise ValueError(f"write the channel name without '#': {name[1:]}")
    if not re.fullmatch(SLACK_CHANNEL_NAME, name):
        raise ValueError(
            "expected a Slack channel name: lowercase letters, digits, '-' and '_', "
            "at most 80 characters, no spaces or dots"
        )
    return name


def _location(location: str) -> str:
    location = location.upper()
    if location.startswith("AWS_"):
        raise ValueError(f"drop the AWS_ prefix: public locations are named like {location[4:]}")
    if not re.fullmatch(LOCATION, location):
        raise ValueError("expected a New Relic public location like US_EAST_1")
    return location


def _minutes_or_off(value: object) -> int | Literal[False]:
    if value is False:
        return False
    minutes = whole_number(value)
    if minutes is None or minutes < 1:
        raise ValueError("expected a whole number of minutes (at least 1), or false for never")
    return minutes


def _time_of_day(value: object) -> str:
    match = (
        re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", value) if isinstance(value, str) else None
    )
    if match is None:
        raise ValueError('expected a quoted time of day "HH:MM", e.g. "09:00"')
    return f"{int(match[1]):02d}:{match[2]}"


def _date_time(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) > 10:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.year not in YEARS:
                raise ValueError(
                    f"expected a date-time between the years {YEARS[0]} and {YEARS[-1]}"
                )
            return moment
    raise ValueError(
        'expected an ISO 8601 date-time like "2026-12-07T09:00:00" (in the schedule\'s time zone) '
        'or "2026-12-07T09:00:00-05:00"'
    )


def _role(value: object) -> Role:
    if isinstance(value, Role):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a role word: one of {', '.join(ROLE_WORDS)}")
    return role_from_word(value)


def _slack_event(value: object) -> SlackEvent:
    if isinstance(value, SlackEvent):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected an event word: one of {', '.join(SLACK_EVENT_WORDS)}")
    return slack_event_from_word(value)


def _rotation(value: object) -> Rotation:
    if isinstance(value, str):
        try:
            return Rotation(value)
        except ValueError:
            pass
    raise ValueError("expected daily or weekly; for any other turn length set rotationHours")


def _turn_hours(hours: int) -> int:
    if not 1 <= hours <= MAX_TURN_HOURS:
        raise ValueError(f"a turn lasts 1 to {MAX_TURN_HOURS} hours (1 hour to 365 days)")
    return hours


_T = TypeVar("_T")


def _distinct(items: tuple[_T, ...]) -> tuple[_T, ...]:
    first: dict[_T, int] = {}
    issues = []
    for index, item in enumerate(items):
        if item in first:
            issues.append(
                _Issue((index,), _shown(item), f"duplicate of [{first[item]}] in this list")
            )
        else:
            first[item] = index
    if issues:
        _fail(*issues)
    return items


SiteName = Annotated[
    str,
    _matching(
        r"[a-z0-9][a-z0-9-]*", "a Pantheon site machine name: lowercase letters, digits, hyphens"
    ),
]
SiteEnv = Annotated[str, AfterValidator(_site_env)]
Host = Annotated[str, AfterValidator(_host)]
ChannelName = Annotated[str, AfterValidator(_channel_name)]
Location = Annotated[str, AfterValidator(_location)]
TimeOfDay = Annotated[str, PlainValidator(_time_of_day)]
DateTime = Annotated[datetime, PlainValidator(_date_time)]
RoleWord = Annotated[Role, PlainValidator(_role)]
RotationWord = Annotated[Rotation, PlainValidator(_rotation)]
TurnHours = Annotated[WholeNumber, AfterValidator(_turn_hours)]
MinutesOrOff = Annotated[int | Literal[False], PlainValidator(_minutes_or_off)]


# --- Models ---------------------------------------------------------------------------------------


class _Model(BaseModel):
    """Frozen, strict about keys, camelCase in config and snake_case in Python."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, alias_generator=to_camel
    )


_M = TypeVar("_M", bound=BaseModel)


def _or_false(model: type[_M]) -> PlainValidator:
    """Accept the model's mapping, or `false` to turn the part off."""

    def validate(value: object) -> _M | Literal[False]:
        if value is False:
            return False
        if isinstance(value, model):
            return value
        if not isinstance(value, Mapping):
            raise ValueError("expected a mapping of keys to values, or false to turn this off")
        return model.model_validate(value)

    return PlainValidator(validate)


class Site(_Model):
    """`pantheon-oncall:site` — the Pantheon site environment this stack watches."""

    name: SiteName
    env: SiteEnv
    domain: Host | None = None

    @property
    def env_kind(self) -> EnvKind:
        return EnvKind.of(self.env)

    @property
    def host(self) -> str:
        return self.domain or f"{self.env}-{self.name}.pantheonsite.io"

    @property
    def url(self) -> str:
        return f"https://{self.host}/"


class Phone(_Model):
    """A phone number split the way PagerDuty stores it (from "+1 415 555 0100")."""

    country_code: int
    national_number: str
    """The digits after the country code, as phonenumbers gives them: PagerDuty's contact method
    `address`. Italy's keep their leading 0 (+39 06 6988 3712 → 0669883712); a trunk prefix
    PagerDuty refuses (`components.vocabulary.TRUNK_PREFIXES`) is never part of it."""
    e164: str
    import_id: str | None = None
    """The id of the user's existing contact method to adopt (Pulumi import)."""
    label: str | None = None
    """The contact method's label; default the component's ("Phone", "SMS")."""


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
    national = phonenumbers.national_significant_number(number)
    trunk = trunk_prefix_problem(number.country_code or 0, national)
    if trunk is not None:
        raise ValueError(trunk)
    return Phone(
        country_code=number.country_code,
        national_number=national,
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
    )


class AdoptedPhone(_Model):
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
        _fail(_Issue(("number",), adopted.number, str(error)))
    return phone.model_copy(update={"import_id": adopted.import_id, "label": adopted.label})


PhoneNumber = Annotated[Phone, PlainValidator(_contact_phone)]


class Step(_Model):
    """One notification rule: reach the person `via` this, `afterMinutes` into the incident."""

    via: Via
    after_minutes: WholeNumber = Field(default=0, ge=0)


Steps = Annotated[tuple[Step, ...], AfterValidator(_distinct)]

BUILTIN_HIGH: Final = (
    Step(via=Via.EMAIL),
    Step(via=Via.SMS),
    Step(via=Via.PHONE, after_minutes=15),
)
"""The guide's high-urgency rules: email and text at once, a phone call 15 minutes later."""
BUILTIN_LOW: Final = (Step(via=Via.EMAIL),)


class Notify(_Model):
    """Notification rules per urgency (the team's defaults; built-in ones where not given)."""

    high: Steps = BUILTIN_HIGH
    low: Steps = BUILTIN_LOW

    def get(self, urgency: Urgency) -> tuple[Step, ...]:
        return self.high if urgency is Urgency.HIGH else self.low


class NotifyOverride(_Model):
    """A member's own rules; an urgency given here replaces the team's default for it."""

    high: Steps | None = None
    low: Steps | None = None

    def get(self, urgency: Urgency) -> tuple[Step, ...] | None:
        return self.high if urgency is Urgency.HIGH else self.low


class Handoff(_Model):
    """A handoff notification: "email me 24 h before my on-call shift starts"."""

    via: Via = Via.EMAIL
    before_minutes: WholeNumber = Field(default=1440, ge=0)
    type: HandoffType = HandoffType.ONCALL


HandoffOrOff = Annotated[Handoff | Literal[False], _or_false(Handoff)]


class Defaults(_Model):
    """`team.defaults`: what every member gets unless they override it."""

    notify: Notify = Notify()
    handoff: HandoffOrOff = Handoff()


class Member(_Model):
    """A person on the team, keyed by a slug in `team.members`.

    `name` is required unless `existing` (then only `email` is given). `role` takes the UI's
    words; `phone` and `sms` international numbers. The `effective_*` helpers resolve what the
    member inherits from the team.
    """

    name: Name | None = None
    email: Email
    role: RoleWord = Role.RESPONDER
    time_zone: TimeZoneName | None = None
    phone: PhoneNumber | None = None
    sms: PhoneNumber | None = None
    notify: NotifyOverride | None = None
    handoff: Annotated[Handoff | Literal[False] | None, _or_false(Handoff)] = None
    """The member's own handoff notification, or `false` for none; absent: the team default."""
    existing: bool = False
    """An existing PagerDuty user, looked up by email; nothing is created or changed for them."""
    import_id: PagerDutyId | None = None
    """Adopt a user created by hand (Pulumi `import`) instead of creating one."""
    formerly: tuple[Slug, ...] = ()
    """The member's earlier slugs (renamed joe to joseph: `formerly: [joe]`): Pulumi aliases keep
    the user and its contact methods and rules instead of replacing them."""
    email_contact_method_id: PagerDutyId | None = None
    """The id of the user's login-email contact method, for rules via email; otherwise it is
    looked up by the label "Default", which PagerDuty gives it on users it creates."""

    @model_validator(mode="after")
    def _existing_or_managed(self) -> Self:
        issues = []
        if self.existing:
            for field in (
                "name",
                "role",
                "time_zone",
                "phone",
                "sms",
                "notify",
                "handoff",
                "email_contact_method_id",
            ):
                if field in self.model_fields_set:
                    issues.append(
                        _Issue((to_camel(field),), _shown(getattr(self, field)), _EXISTING)
                    )
            if self.import_id is not None:
                issues.append(_Issue(("importId",), self.import_id, _EXISTING_AND_IMPORT))
        elif self.name is None:
            issues.append(_Issue(("name",), MISSING, "required (unless existing: true)"))
        if issues:
            _fail(*issues)
        return self

    @model_validator(mode="after")
    def _adopts_contact_methods_only_with_the_user(self) -> Self:
        issues = [
            _Issue((field, "importId"), phone.import_id, _CONTACT_IMPORT_WITHOUT_USER)
            for field, phone in (("phone", self.phone), ("sms", self.sms))
            if phone is not None and phone.import_id is not None and self.import_id is None
        ]
        if issues:
            _fail(*issues)
        return self

    @property
    def api_role(self) -> str:
        """The role as PagerDuty's API spells it (`limited_user` for a responder)."""
        return self.role.value

    def has_address(self, via: Via) -> bool:
        """Whether PagerDuty can reach this member `via` a channel (email always)."""
        return via is Via.EMAIL or (self.sms if via is Via.SMS else self.phone) is not None

    def effective_time_zone(self, team: Team) -> str:
        return self.time_zone or team.time_zone

    def effective_notify(self, team: Team) -> dict[Urgency, tuple[Step, ...]]:
        """The member's rules per urgency: their own where given, the team's defaults otherwise."""
        own = self.notify or NotifyOverride()
        return {
            urgency: _first(own.get(urgency), team.defaults.notify.get(urgency))
            for urgency in Urgency
        }

    def effective_handoff(self, team: Team) -> Handoff | None:
        """The member's handoff notification, or None when they (or the defaults) turned it off."""
        handoff = team.defaults.handoff if self.handoff is None else self.handoff
        return handoff or None


_EXISTING = (
    "an existing user is looked up by email and left as it is: remove this key, "
    "or drop existing: true to manage the user here"
)
_CONTACT_IMPORT_WITHOUT_USER = (
    "only an adopted user has contact methods to adopt: give the member's importId too, or drop "
    "this one (a user this stack creates has none yet)"
)
_EXISTING_AND_IMPORT = (
    "existing and importId exclude each other: existing only looks the user up, "
    "importId adopts it into this stack"
)


def _first(value: _T | None, default: _T) -> _T:
    return default if value is None else value


class Restriction(_Model):
    """When a layer is on call: a daily window, or a weekly one starting on `startDay`."""

    type: RestrictionType
    start_time: TimeOfDay
    duration_hours: float = Field(gt=0)
    start_day: Weekday | None = None

    @model_validator(mode="after")
    def _fits_its_type(self) -> Self:
        issues = []
        weekly = self.type is RestrictionType.WEEKLY
        if weekly and self.start_day is None:
            issues.append(_Issue(("startDay",), MISSING, "required for a weekly restriction"))
        if not weekly and self.start_day is not None:
            message = "only a weekly restriction has a startDay; a daily one repeats every day"
            issues.append(_Issue(("startDay",), self.start_day.value, message))
        longest = MAX_WEEKLY_RESTRICTION_SECONDS if weekly else MAX_DAILY_RESTRICTION_SECONDS
        # Compared in hours first: a huge number of hours would overflow the rounding to seconds.
        if (
            not self.duration_hours <= longest / 3600 + 1
            or not 1 <= self.duration_seconds <= longest
        ):
            limit = "less than 168 hours" if weekly else "less than 24 hours"
            message = f"a {self.type.value} restriction lasts {limit} (1 to {longest} seconds)"
            issues.append(_Issue(("durationHours",), _shown(self.duration_hours), message))
        if issues:
            _fail(*issues)
        return self

    @property
    def api_type(self) -> str:
        return RESTRICTION_API_TYPES[self.type]

    @property
    def start_time_of_day(self) -> str:
        return f"{self.start_time}:00"

    @property
    def duration_seconds(self) -> int:
        return round(self.duration_hours * 3600)

    @property
    def start_day_of_week(self) -> int | None:
        return None if self.start_day is None else self.start_day.number


class Layer(_Model):
    """A schedule layer; later layers win where they overlap, as in PagerDuty."""

    name: Name
    members: Annotated[tuple[Slug, ...], Field(min_length=1), AfterValidator(_distinct)]
    """Member slugs in rotation order; append newcomers at the end (reordering reshuffles turns)."""
    rotation: RotationWord | None = None
    rotation_hours: TurnHours | None = None
    start: DateTime | None = None
    """As written until `parse_stack_config` fixes it: with an offset, or another layer's."""
    end: DateTime | None = None
    restrictions: tuple[Restriction, ...] = ()

    @model_validator(mode="after")
    def _one_turn_length(self) -> Self:
        if self.rotation is not None and self.rotation_hours is not None:
            message = "set either rotation or rotationHours, not both"
            _fail(_Issue(("rotationHours",), self.rotation_hours, message))
        return self

    @property
    def rotation_seconds(self) -> int:
        """The turn length (`rotation_turn_length_seconds`); weekly unless the config says."""
        if self.rotation_hours is not None:
            return self.rotation_hours * 3600
        return ROTATION_SECONDS[self.rotation or Rotation.WEEKLY]

    @property
    def start_iso(self) -> str:
        """The first handoff with its offset (`start` and `rotation_virtual_start`)."""
        return _iso(self.start, "start")

    @property
    def end_iso(self) -> str | None:
        return None if self.end is None else _iso(self.end, "end")


def _iso(moment: datetime | None, what: str) -> str:
    if moment is None or moment.tzinfo is None:
        raise ValueError(f"the layer's {what} is not fixed yet: parse it with parse_stack_config")
    return moment.isoformat()


class Schedule(_Model):
    """An on-call schedule, keyed by a slug in `team.schedules`."""

    name: Name
    time_zone: TimeZoneName | None = None
    description: Name | None = None
    import_id: PagerDutyId | None = None
    layers: Annotated[tuple[Layer, ...], Field(min_length=1)]

    def effective_time_zone(self, team: Team) -> str:
        return self.time_zone or team.time_zone


class Target(_Model):
    """An escalation target, written `schedule:<slug>` or `user:<slug>`."""

    kind: TargetKind
    slug: str

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.slug}"

    @property
    def api_type(self) -> str:
        return TARGET_API_TYPES[self.kind]


def _target(value: object) -> Target:
    if isinstance(value, Target):
        return value
    kind, _, slug = value.partition(":") if isinstance(value, str) else ("", "", "")
    if kind not in tuple(TargetKind) or not re.fullmatch(SLUG, slug):
        raise ValueError("expected schedule:<slug> or user:<slug>")
    return Target(kind=TargetKind(kind), slug=slug)


class EscalationRule(_Model):
    """Notify these targets; escalate to the next rule after `escalateAfterMinutes`."""

    targets: Annotated[
        tuple[Annotated[Target, PlainValidator(_target)], ...],
        Field(min_length=1),
        AfterValidator(_distinct),
    ]
    escalate_after_minutes: WholeNumber = Field(default=30, ge=MIN_ESCALATION_DELAY_MINUTES)


class Escalation(_Model):
    """`team.escalation`: the escalation policy, rules in order."""

    name: Name
    loops: WholeNumber = Field(default=0, ge=0, le=MAX_NUM_LOOPS)
    description: Name | None = None
    import_id: PagerDutyId | None = None
    rules: Annotated[tuple[EscalationRule, ...], Field(min_length=1)]


class Team(_Model):
    """`pantheon-oncall:team` — the guide's team, defined in this stack (or in a team stack)."""

    name: Name
    time_zone: TimeZoneName
    create_pagerduty_team: bool = False
    defaults: Defaults = Defaults()
    members: Annotated[dict[Slug, Member], Field(min_length=1)]
    schedules: dict[Slug, Schedule] = {}
    escalation: Escalation


class EscalationPolicyRef(_Model):
    """`pantheon-oncall:escalationPolicy` — an existing policy, by `id` or by `name`."""

    id: PagerDutyId | None = None
    name: Name | None = None

    @model_validator(mode="after")
    def _id_or_name(self) -> Self:
        if self.id is not None and self.name is not None:
            _fail(_Issue(("name",), self.name, "give id or name, not both"))
        if self.id is None and self.name is None:
            _fail(_Issue(("id",), MISSING, "required: id (like PABC123) or name"))
        return self


def _team_stack(value: str) -> str:
    if len(value.split("/")) != 3 or not all(value.split("/")):
        raise ValueError(
            "expected a stack reference org/project/stack, e.g. acme/pantheon-oncall/team-web"
        )
    return value


TeamStack = Annotated[str, AfterValidator(_team_stack)]


class PagerDutySection(_Model):
    """`pantheon-oncall:pagerduty` — the PagerDuty service New Relic opens incidents on."""

    service: Name | None = None
    description: Name | None = None
    import_id: PagerDutyId | None = None
    vendor_id: PagerDutyId | None = None
    """The New Relic vendor's id, when looking it up by name finds the wrong one."""
    urgency: Urgency | None = None
    auto_resolve_minutes: MinutesOrOff | None = None
    """Resolve an incident still open after this long; absent or false: never (New Relic resolves
    it when its issue closes)."""
    acknowledgement_timeout_minutes: MinutesOrOff | None = None
    """Trigger (page) an acknowledged incident again after this long; absent: 30; false: never."""


class PingMonitorSection(_Model):
    """`newrelic.pingMonitor`: keys written here replace the preset's (`false`: no monitor)."""

    period: MonitorPeriod | None = None
    locations: (
        Annotated[tuple[Location, ...], Field(min_length=1), AfterValidator(_distinct)] | None
    ) = None
    verify_ssl: bool | None = None


class PingFailureSection(_Model):
    """`newrelic.conditions.pingFailure`: page when the check fails from this many locations."""

    failing_locations: WholeNumber | None = Field(default=None, ge=1)


class ErrorRateSection(_Model):
    """`newrelic.conditions.errorRate`: page when errors stay above `percent` for a while."""

    percent: RealNumber | None = Field(default=None, gt=0, le=MAX_ERROR_PERCENT)
    for_minutes: WholeNumber | None = Field(default=None, ge=MIN_FOR_MINUTES, le=MAX_FOR_MINUTES)


class ResponseTimeSection(_Model):
    """`newrelic.conditions.responseTime`: page when responses stay slower than `seconds`."""

    seconds: RealNumber | None = Field(default=None, gt=0)
    for_minutes: WholeNumber | None = Field(default=None, ge=MIN_FOR_MINUTES, le=MAX_FOR_MINUTES)


# Each part is a mapping merged over the preset, `false` to turn it off, or absent (the preset).
PingMonitorOrOff = Annotated[
    PingMonitorSection | Literal[False] | None, _or_false(PingMonitorSection)
]
PingFailureOrOff = Annotated[
    PingFailureSection | Literal[False] | None, _or_false(PingFailureSection)
]
ErrorRateOrOff = Annotated[ErrorRateSection | Literal[False] | None, _or_false(ErrorRateSection)]
ResponseTimeOrOff = Annotated[
    ResponseTimeSection | Literal[False] | None, _or_false(ResponseTimeSection)
]


class ConditionsSection(_Model):
    """`newrelic.conditions`: the alert conditions of the site's policy."""

    ping_failure: PingFailureOrOff = None
    error_rate: ErrorRateOrOff = None
    response_time: ResponseTimeOrOff = None


class NewRelicSection(_Model):
    """`pantheon-oncall:newrelic` — overrides of the environment's preset, key by key."""

    policy_name: Name | None = None
    apm: bool = True
    """false: the environment has no New Relic APM app; no APM conditions, no app lookup."""
    app_name: Name | None = None
    """The site's New Relic APM app; default "<site> (<env>)" (`APP_NAME_TEMPLATE`)."""
    incident_preference: IncidentPreference = IncidentPreference.PER_POLICY
    ping_monitor: PingMonitorOrOff = None
    conditions: ConditionsSection = ConditionsSection()


DEFAULT_SLACK_EVENTS: Final = (
    SlackEvent.TRIGGERED,
    SlackEvent.ACKNOWLEDGED,
    SlackEvent.RESOLVED,
    SlackEvent.REASSIGNED,
)


def _includes_triggered(events: tuple[SlackEvent, ...]) -> tuple[SlackEvent, ...]:
    if SlackEvent.TRIGGERED not in events:
        _fail(_Issue((), _shown(events), "must include triggered: PagerDuty requires it"))
    return events


class SlackSettings(_Model):
    """`pantheon-oncall:slack` — where PagerDuty posts this service's incidents."""

    workspace_id: SlackTeamId
    channel: ChannelName | None = None
    channel_id: SlackChannelId | None = None
    """Preferred over `channel`: looking a channel up by name is rate-limited."""
    adopt_existing: bool = True
    """Use the channel if it exists and never archive it; false creates it (and owns it)."""
    private: bool = False
    """Create the channel as private (invite the PagerDuty app to it)."""
    events: Annotated[
        tuple[Annotated[SlackEvent, PlainValidator(_slack_event)], ...],
        AfterValidator(_distinct),
        AfterValidator(_includes_triggered),
    ] = DEFAULT_SLACK_EVENTS
    notification_type: SlackNotificationType = SlackNotificationType.RESPONDER
    priorities: tuple[Name, ...] = ("*",)
    """PagerDuty priority ids to post; ["*"] is every incident, [] only those with no priority."""
    urgency: Urgency | None = None
    """Only incidents of this urgency; None posts both."""

    @model_validator(mode="after")
    def _names_a_channel(self) -> Self:
        if self.channel is None and self.channel_id is None:
            _fail(_Issue(("channel",), MISSING, "required: channel (a name) or channelId"))
        if self.channel is not None and self.channel_id is not None:
            message = "give channel (a name) or channelId, not both"
            _fail(_Issue(("channelId",), self.channel_id, message))
        if not self.adopt_existing and self.channel is None:
            message = "creating a channel (adoptExisting: false) needs its name in channel"
            _fail(_Issue(("adoptExisting",), False, message))
        return self

    @property
    def event_types(self) -> tuple[str, ...]:
        """The events as PagerDuty's API names them (`incident.triggered`, …)."""
        return tuple(event.value for event in self.events)


# --- Resolved sections ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PagerDutySettings:
    """The PagerDuty service, with defaults and the preset's urgency filled in."""

    service: str
    description: str
    import_id: str | None
    vendor_id: str | None
    urgency: Urgency
    auto_resolve_minutes: int | Literal[False] | None = None
    """None: the component's default (never)."""
    acknowledgement_timeout_minutes: int | Literal[False] | None = None
    """None: the component's default (30 minutes)."""


@dataclass(frozen=True)
class NewRelicSettings:
    """The New Relic side, preset merged with the stack's overrides; None means off."""

    policy_name: str
    app_name: str
    incident_preference: IncidentPreference
    ping_monitor: PingMonitor | None
    ping_failure: PingFailure | None
    error_rate: ErrorRate | None
    response_time: ResponseTime | None


@dataclass(frozen=True)
class StackConfig:
    """A site stack's configuration, checked and resolved. Exactly one of `team`, `team_stack`
    and `escalation_policy` is set, as `topology` says."""

    site: Site
    topology: Topology
    team: Team | None
    team_stack: str | None
    escalation_policy: EscalationPolicyRef | None
    pagerduty: PagerDutySettings
    newrelic: NewRelicSettings
    slack: SlackSettings | None
    protect: bool = False
    """Protect the team's users, schedules and escalation policy (see `protected`)."""


@dataclass(frozen=True)
class TeamStackConfig:
    """A team stack's configuration: `team` and nothing about a site. It owns the team's users,
    schedules and escalation policy; site stacks read its outputs through `teamStack`."""

    team: Team
    topology: Topology = Topology.TEAM_STACK_OWNER
    protect: bool = True
    """Protect the team's users, schedules and escalation policy (see `protected`)."""


# --- The entry point ------------------------------------------------------------------------------

_SECTIONS: Final[dict[str, Any]] = {
    "site": Site,
    "team": Team,
    "teamStack": TeamStack,
    "escalationPolicy": EscalationPolicyRef,
    "pagerduty": PagerDutySection,
    "newrelic": NewRelicSection,
    "slack": SlackSettings,
    "protect": Flag,
}
_TOPOLOGIES: Final = {
    "team": Topology.INLINE,
    "teamStack": Topology.TEAM_STACK,
    "escalationPolicy": Topology.EXISTING_POLICY,
}


def parse_stack_config(
    values: Mapping[str, Any], namespace: str = NAMESPACE
) -> StackConfig | TeamStackConfig:
    """Check and resolve a stack's `<namespace>:*` config values (keys without the namespace).

    Raises ConfigError listing every problem found, each with its key path and value.
    """
    issues = _unknown_sections(values)
    if "team" in values and not set(values) & (set(_SECTIONS) - {"team", "protect"}):
        return _team_stack_config(values, namespace, issues)
    if "site" not in values:
        message = "required: the Pantheon site's name and env (a team stack has only team)"
        issues.append(_Issue(("site",), MISSING, message))
    site: Site | None = _section(values, "site", issues)
    team: Team | None = _section(values, "team", issues)
    team_stack: str | None = _section(values, "teamStack", issues)
    policy: EscalationPolicyRef | None = _section(values, "escalationPolicy", issues)
    pagerduty: PagerDutySection = _section(values, "pagerduty", issues) or PagerDutySection()
    newrelic: NewRelicSection = _section(values, "newrelic", issues) or NewRelicSection()
    slack: SlackSettings | None = _section(values, "slack", issues)
    protect: bool | None = _section(values, "protect", issues)
    topology = _topology(values, issues)
    if "team" in values:
        team = _checked_team(values["team"], team, issues)
    if site is None:
        raise _config_error(namespace, issues)
    resolved_newrelic = _resolve_newrelic(newrelic, site, issues)
    if issues or topology is None:
        raise _config_error(namespace, issues)
    return StackConfig(
        site=site,
        topology=topology,
        team=team,
        team_stack=team_stack,
        escalation_policy=policy,
        pagerduty=_resolve_pagerduty(pagerduty, site),
        newrelic=resolved_newrelic,
        slack=slack,
        protect=protected(site, protect),
    )


def _team_stack_config(
    values: Mapping[str, Any], namespace: str, issues: list[_Issue]
) -> TeamStackConfig:
    """A stack with `team` and nothing about a site: a team stack, which site stacks read
    through `teamStack`."""
    team: Team | None = _section(values, "team", issues)
    team = _checked_team(values["team"], team, issues)
    protect = protected(None, _section(values, "protect", issues))
    if issues or team is None:
        raise _config_error(namespace, issues)
    return TeamStackConfig(team=team, protect=protect)


def protected(site: Site | None, protect: bool | None) -> bool:
    """Whether PagerDuty users, schedules and escalation policies get Pulumi's `protect`: as
    `pantheon-oncall:protect` says, else on for a live site and for a team stack (`site` None),
    which pages live sites; off for dev, test and multidevs."""
    if protect is not None:
        return protect
    return site is None or site.env_kind is EnvKind.LIVE


def _config_error(namespace: str, issues: Iterable[_Issue]) -> ConfigError:
    return ConfigError(Problem(_path(namespace, i.loc), i.value, i.message) for i in issues)


def _path(namespace: str, loc: Loc) -> str:
    head, *rest = loc
    return f"{namespace}:{head}" + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in rest
    )


def _unknown_sections(values: Mapping[str, Any]) -> list[_Issue]:
    expected = f"expected one of {', '.join(_SECTIONS)}"
    return [
        _Issue((key,), values[key], f"unknown key{did_you_mean(key, _SECTIONS)}; {expected}")
        for key in values
        if key not in _SECTIONS
    ]


def _section(values: Mapping[str, Any], key: str, issues: list[_Issue]) -> Any:
    """The section's model, or None when it is absent or has problems (added to `issues`)."""
    if key not in values:
        return None
    try:
        return _adapter(key).validate_python(values[key])
    except ValidationError as error:
        issues.extend(_issues_from(error, _SECTIONS[key], key))
        return None


@cache
def _adapter(key: str) -> TypeAdapter[Any]:
    return TypeAdapter(_SECTIONS[key])


def _topology(values: Mapping[str, Any], issues: list[_Issue]) -> Topology | None:
    given = [key for key in _TOPOLOGIES if key in values]
    if len(given) == 1:
        return _TOPOLOGIES[given[0]]
    if not given:
        message = (
            "required: exactly one of team (the team, defined here), teamStack (a team stack "
            "to read it from) or escalationPolicy (an escalation policy that already exists)"
        )
        issues.append(_Issue(("team",), MISSING, message))
    else:
        message = (
            f"set exactly one of team, teamStack or escalationPolicy, not {' and '.join(given)}"
        )
        issues.append(_Issue((given[1],), values[given[1]], message))
    return None


# --- Pydantic errors as issues --------------------------------------------------------------------

_MESSAGES: Final = {
    "missing": "required",
    "dict_type": "expected a mapping of keys to values",
    "model_type": "expected a mapping of keys to values",
    "model_attributes_type": "expected a mapping of keys to values",
    "list_type": "expected a list",
    "tuple_type": "expected a list",
    "too_short": "must not be empty",
    "string_type": "expected a string",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "string_too_short": "must not be empty",
}


def _issues_from(error: ValidationError, root: Any, key: str) -> list[_Issue]:
    issues = []
    for detail in error.errors(include_url=False):
        loc, message = tuple(detail["loc"]), _message(detail, root, tuple(detail["loc"]))
        if loc and loc[-1] == "[key]":
            loc, message = loc[:-1], f"invalid key: {message}"
        value = MISSING if detail["type"] == "missing" else detail["input"]
        issues.append(_Issue((key, *loc), value, message))
    return issues


def _message(detail: Any, root: Any, loc: Loc) -> str:
    kind = detail["type"]
    if kind == "extra_forbidden":
        keys = _keys_at(root, loc[:-1])
        hint = did_you_mean(loc[-1], keys)
        return f"unknown key{hint}; expected one of {', '.join(keys)}" if keys else "unknown key"
    if kind == "value_error":
        return str(detail["msg"]).removeprefix("Value error, ")
    if kind == "enum":
        return f"expected {detail['ctx']['expected']}"
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    message = str(detail["msg"])
    return message.replace("Input should be", "must be", 1)


def _keys_at(root: Any, loc: Loc) -> list[str]:
    """The keys the model at `loc` (under `root`) accepts, as the user writes them."""
    types = _leaves(root)
    for part in loc:
        types = [leaf for tp in types for child in _children(tp, part) for leaf in _leaves(child)]
    for tp in types:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return [field.alias or name for name, field in tp.model_fields.items()]
    return []


def _leaves(tp: Any) -> list[Any]:
    """`tp` without Annotated wrappers, a union split into its members."""
    origin, args = get_origin(tp), get_args(tp)
    if origin is Annotated:
        return _leaves(args[0])
    if origin in (Union, UnionType):
        return [leaf for arg in args for leaf in _leaves(arg)]
    return [tp]


def _children(tp: Any, part: str | int) -> list[Any]:
    """The type found at key or index `part` inside `tp` (a model, mapping or list)."""
    origin, args = get_origin(tp), get_args(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str):
        field = tp.model_fields.get(to_snake(part)) or tp.model_fields.get(part)
        return [field.annotation] if field else []
    if origin is dict and isinstance(part, str):
        return [args[1]]
    if origin in (list, tuple) and isinstance(part, int):
        return [args[0]]
    return []


# --- Team-wide rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ScheduleView:
    zone: str | None
    layers: Sequence[Layer | None]


@dataclass(frozen=True)
class _TeamView:
    """What the team-wide rules read. From a valid Team, or salvaged part by part from the raw
    config when the Team did not parse; a part that did not parse is None (its problems are
    already reported) and rules that need it skip it."""

    defaults: Defaults | None
    members: Mapping[str, Member | None] | None
    """None when `members` itself is not a mapping: references to members go unchecked."""
    schedules: Mapping[str, _ScheduleView] | None
    rules: Sequence[EscalationRule | None]


def _checked_team(raw: object, team: Team | None, issues: list[_Issue]) -> Team | None:
    """Add the team-wide problems to `issues`; return the team with its schedule times fixed."""
    view = _view_of(team) if team is not None else _salvaged(raw)
    found = [
        *_duplicate_emails(view),
        *_missing_addresses(view),
        *_schedule_members(view),
        *_escalation_targets(view),
        *_schedule_time_issues(view),
    ]
    issues.extend(issue.under("team") for issue in found)
    return _with_fixed_times(team) if team is not None and not found else None


def _view_of(team: Team) -> _TeamView:
    return _TeamView(
        defaults=team.defaults,
        members=team.members,
        schedules={
            slug: _ScheduleView(schedule.effective_time_zone(team), schedule.layers)
            for slug, schedule in team.schedules.items()
        },
        rules=team.escalation.rules,
    )


def _salvaged(raw: object) -> _TeamView:
    team = _mapping(raw)
    zone = _quiet(TimeZoneName, _get(team, "timeZone"))
    members, schedules = _get(team, "members"), _get(team, "schedules", {})
    return _TeamView(
        defaults=_quiet(Defaults, _get(team, "defaults", {})),
        members=(
            {str(slug): _quiet(Member, m) for slug, m in members.items()}
            if isinstance(members, Mapping)
            else None
        ),
        schedules=(
            {str(slug): _salvaged_schedule(s, zone) for slug, s in schedules.items()}
            if isinstance(schedules, Mapping)
            else None
        ),
        rules=[
            _quiet(EscalationRule, r)
            for r in _list(_get(_mapping(_get(team, "escalation")), "rules"))
        ],
    )


def _salvaged_schedule(raw: object, team_zone: str | None) -> _ScheduleView:
    schedule = _mapping(raw)
    own_zone = _get(schedule, "timeZone")
    zone = team_zone if own_zone is None else _quiet(TimeZoneName, own_zone)
    return _ScheduleView(zone, [_quiet(Layer, layer) for layer in _list(_get(schedule, "layers"))])


def _quiet(tp: Any, value: object) -> Any:
    """`value` validated as `tp`, or None (its problems are reported elsewhere)."""
    try:
        return TypeAdapter(tp).validate_python(value)
    except ValidationError:
        return None


def _mapping(value: object) -> Mapping[Any, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _get(raw: Mapping[Any, Any], key: str, default: object = None) -> Any:
    """A raw config value by its camelCase key (or the snake_case name pydantic also accepts)."""
    return raw.get(key, raw.get(to_snake(key), default))


def _duplicate_emails(view: _TeamView) -> list[_Issue]:
    issues: list[_Issue] = []
    first: dict[str, str] = {}
    for slug, member in (view.members or {}).items():
        if member is None:
            continue
        if member.email in first:
            message = (
                f"same email as members.{first[member.email]}: PagerDuty users are unique by "
                "email, compared case-insensitively"
            )
            issues.append(_Issue(("members", slug, "email"), member.email, message))
        else:
            first[member.email] = slug
    return issues


def _missing_addresses(view: _TeamView) -> list[_Issue]:
    """Every sms or phone step, and the handoff, needs the member's number for that channel."""
    issues = []
    for slug, member in (view.members or {}).items():
        if member is None or member.existing:
            continue
        for urgency in Urgency:
            issues += _unreachable_steps(slug, member, urgency, view.defaults)
        issues += _unreachable_handoff(slug, member, view.defaults)
    return issues


def _unreachable_steps(
    slug: str, member: Member, urgency: Urgency, defaults: Defaults | None
) -> list[_Issue]:
    own = member.notify.get(urgency) if member.notify else None
    if own is not None:
        return [
            _Issue(
                ("members", slug, "notify", urgency.value, index, "via"),
                step.via.value,
                f"{slug} has no {step.via.value} number: add {step.via.value} to the member",
            )
            for index, step in enumerate(own)
            if not member.has_address(step.via)
        ]
    steps = defaults.notify.get(urgency) if defaults else ()
    return [
        _Issue(
            ("members", slug),
            MISSING,
            f"defaults.notify.{urgency.value}[{index}] notifies via {step.via.value}, but {slug} "
            f"has no {step.via.value} number: add {step.via.value}, or give {slug} its own "
            f"notify.{urgency.value}",
        )
        for index, step in enumerate(steps)
        if not member.has_address(step.via)
    ]


def _unreachable_handoff(slug: str, member: Member, defaults: Defaults | None) -> list[_Issue]:
    own = member.handoff is not None
    handoff = member.handoff if own else (defaults.handoff if defaults else False)
    if not handoff or member.has_address(handoff.via):
        return []
    via = handoff.via.value
    if own:
        message = f"{slug} has no {via} number: add {via} to the member"
        return [_Issue(("members", slug, "handoff", "via"), via, message)]
    message = f"defaults.handoff notifies via {via}, but {slug} has no {via} number: add {via}"
    return [_Issue(("members", slug), MISSING, message)]


def _on_call_issue(view: _TeamView, slug: str) -> str | None:
    """Why member `slug` cannot be on call, or None when they can (or we cannot tell)."""
    if view.members is None:
        return None
    if slug not in view.members:
        known = ", ".join(sorted(view.members)) or "none"
        return f"unknown member; members are: {known}"
    member = view.members[slug]
    if member is None or member.existing or member.role not in OFF_CALL_ROLES:
        return None
    role = _shown(member.role)
    return f"{slug} is a {role}, and PagerDuty does not put a {role} on call; change their role"


def _schedule_members(view: _TeamView) -> list[_Issue]:
    issues = []
    for schedule_slug, schedule in (view.schedules or {}).items():
        for layer_index, layer in enumerate(schedule.layers):
            for index, slug in enumerate(layer.members if layer else ()):
                message = _on_call_issue(view, slug)
                loc = ("schedules", schedule_slug, "layers", layer_index, "members", index)
                if message:
                    issues.append(_Issue(loc, slug, message))
    return issues


def _escalation_targets(view: _TeamView) -> list[_Issue]:
    issues = []
    for rule_index, rule in enumerate(view.rules):
        for index, target in enumerate(rule.targets if rule else ()):
            if target.kind is TargetKind.USER:
                message = _on_call_issue(view, target.slug)
            elif view.schedules is not None and target.slug not in view.schedules:
                known = ", ".join(sorted(view.schedules)) or "none"
                message = f"unknown schedule; schedules are: {known}"
            else:
                message = None
            if message:
                loc = ("escalation", "rules", rule_index, "targets", index)
                issues.append(_Issue(loc, str(target), message))
    return issues


# --- Schedule times -------------------------------------------------------------------------------

_NO_START = (
    "required: a fixed start on at least one layer (layers without one take the earliest); "
    "nothing here reads the clock"
)


def _schedule_time_issues(view: _TeamView) -> list[_Issue]:
    return [
        issue.under("schedules", slug)
        for slug, schedule in (view.schedules or {}).items()
        for issue in _layer_times(schedule.layers, schedule.zone)[1]
    ]


def _with_fixed_times(team: Team) -> Team:
    schedules = {}
    for slug, schedule in team.schedules.items():
        times, _ = _layer_times(schedule.layers, schedule.effective_time_zone(team))
        layers = tuple(
            layer.model_copy(update={"start": start, "end": end})
            for layer, (start, end) in zip(schedule.layers, times, strict=True)
        )
        schedules[slug] = schedule.model_copy(update={"layers": layers})
    return team.model_copy(update={"schedules": schedules})


_Times = tuple[datetime | None, datetime | None]


def _layer_times(
    layers: Sequence[Layer | None], zone_name: str | None
) -> tuple[list[_Times], list[_Issue]]:
    """Each layer's start and end with an offset, and the problems found fixing them.

    A start without an offset is local time in the schedule's time zone; a layer without a start
    takes the earliest start of the schedule's other layers.
    """
    if zone_name is None:
        return [(None, None)] * len(layers), []
    zone, issues = ZoneInfo(zone_name), list[_Issue]()
    own = [
        (
            _fixed(layer.start if layer else None, zone, ("layers", index, "start"), issues),
            _fixed(layer.end if layer else None, zone, ("layers", index, "end"), issues),
        )
        for index, layer in enumerate(layers)
    ]
    starts = [start for start, _ in own if start is not None]
    if not starts and not issues and all(layer is not None for layer in layers):
        issues.append(_Issue(("layers", 0, "start"), MISSING, _NO_START))
    earliest = min(starts, default=None)
    times = [(start or earliest, end) for start, end in own]
    for index, (start, end) in enumerate(times):
        if start is not None and end is not None and end <= start:
            message = f"must be after the layer's start, {start.isoformat()}"
            issues.append(_Issue(("layers", index, "end"), end.isoformat(), message))
    return times, issues


def _fixed(
    moment: datetime | None, zone: ZoneInfo, loc: Loc, issues: list[_Issue]
) -> datetime | None:
    """`moment` with a fixed UTC offset: its own, or its zone's at that instant."""
    if moment is None or moment.tzinfo is not None:
        return moment
    earlier, later = moment.replace(tzinfo=zone, fold=0), moment.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return _with_offset(earlier)
    if earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == moment:
        message = (
            f"happens twice in {zone.key} (clocks go back): write it with an offset, "
            f"{_with_offset(earlier).isoformat()} or {_with_offset(later).isoformat()}"
        )
    else:
        message = (
            f"does not exist in {zone.key} (clocks skip it): write it with an offset, e.g. "
            f"{_with_offset(earlier.astimezone(UTC).astimezone(zone)).isoformat()}"
        )
    issues.append(_Issue(loc, moment.isoformat(), message))
    return None


def _with_offset(moment: datetime) -> datetime:
    offset = moment.utcoffset() or timedelta(0)
    return moment.astimezone(timezone(offset))


# --- Presets --------------------------------------------------------------------------------------


def _resolve_pagerduty(section: PagerDutySection, site: Site) -> PagerDutySettings:
    return PagerDutySettings(
        service=section.service or site.host,
        description=_first(section.description, SERVICE_DESCRIPTION_TEMPLATE.format(url=site.url)),
        import_id=section.import_id,
        vendor_id=section.vendor_id,
        urgency=section.urgency or PRESETS[site.env_kind].urgency,
        auto_resolve_minutes=section.auto_resolve_minutes,
        acknowledgement_timeout_minutes=section.acknowledgement_timeout_minutes,
    )


_D = TypeVar("_D", PingMonitor, PingFailure, ErrorRate, ResponseTime)


def _merged(override: _Model | Literal[False] | None, preset: _D | None, fallback: _D) -> _D | None:
    """The preset with the override's keys written over it; `false` turns the part off."""
    if override is False:
        return None
    if override is None:
        return preset
    return replace(preset or fallback, **override.model_dump(exclude_none=True))


def _resolve_newrelic(
    section: NewRelicSection, site: Site, issues: list[_Issue]
) -> NewRelicSettings:
    preset, conditions = PRESETS[site.env_kind], section.conditions
    monitor = _merged(section.ping_monitor, preset.ping_monitor, FALLBACK.ping_monitor)
    if not section.apm:
        issues.extend(_apm_conditions_without_apm(conditions))
        conditions = conditions.model_copy(update={"error_rate": False, "response_time": False})
    return NewRelicSettings(
        policy_name=section.policy_name or site.host,
        app_name=section.app_name or APP_NAME_TEMPLATE.format(name=site.name, env=site.env),
        incident_preference=section.incident_preference,
        ping_monitor=monitor,
        ping_failure=_ping_failure(conditions.ping_failure, preset, monitor, issues),
        error_rate=_merged(conditions.error_rate, preset.error_rate, FALLBACK.error_rate),
        response_time=_merged(
            conditions.response_time, preset.response_time, FALLBACK.response_time
        ),
    )


def _apm_conditions_without_apm(conditions: ConditionsSection) -> list[_Issue]:
    """With `apm: false`, an APM condition written in the stack could never fire."""
    return [
        _Issue(
            ("newrelic", "conditions", to_camel(field)),
            _shown(getattr(conditions, field)),
            "needs the site's APM app, and newrelic.apm is false: remove this, or the apm key",
        )
        for field in ("error_rate", "response_time")
        if getattr(conditions, field)
    ]


def _ping_failure(
    override: PingFailureSection | Literal[False] | None,
    preset: Preset,
    monitor: PingMonitor | None,
    issues: list[_Issue],
) -> PingFailure | None:
    """pingFailure follows the monitor; a preset threshold is capped at its location count."""
    loc: Loc = ("newrelic", "conditions", "pingFailure")
    if override is False or (monitor is None and override is None):
        return None
    if monitor is None:
        issues.append(_Issue(loc, _shown(override), "needs a ping monitor (newrelic.pingMonitor)"))
        return None
    base = preset.ping_failure or FALLBACK.ping_failure
    if override is None or override.failing_locations is None:
        return replace(base, failing_locations=min(base.failing_locations, len(monitor.locations)))
    if override.failing_locations > len(monitor.locations):
        message = f"cannot exceed the ping monitor's {len(monitor.locations)} locations"
        issues.append(_Issue((*loc, "failingLocations"), override.failing_locations, message))
    return PingFailure(failing_locations=override.failing_locations)
