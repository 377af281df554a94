"""`pantheon-oncall:site`: the Pantheon site environment a stack watches, and its kind."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Final

from pydantic import AfterValidator

from oncall.config.scalars import Model, matching


class EnvKind(StrEnum):
    """The kind of Pantheon environment, which picks a preset (see `oncall.config.presets`)."""

    DEV = "dev"
    TEST = "test"
    LIVE = "live"
    MULTIDEV = "multidev"

    @classmethod
    def of(cls, env: str) -> EnvKind:
        """dev, test and live are themselves; any other environment name is a multidev."""
        return cls(env) if env in (cls.DEV, cls.TEST, cls.LIVE) else cls.MULTIDEV


MEANT_ENV: Final = {
    **dict.fromkeys(("prod", "production", "prd", "main", "master"), "live"),
    **dict.fromkeys(("stage", "staging", "stg", "preprod", "pre-prod", "qa", "uat"), "test"),
    **dict.fromkeys(("develop", "development", "devel"), "dev"),
}
"""Names other hosts give their standard environments, and the Pantheon one each means: written
as an environment, they are almost certainly that one, not a multidev (which presets differ)."""


def meant_env(env: str) -> str | None:
    """The standard environment (dev, test, live) `env` most likely means when it is one written
    otherwise (`prod`, `Staging`, `LIVE`…); None for dev, test, live and other multidev names."""
    lowered = env.strip().lower()
    if env in (EnvKind.DEV, EnvKind.TEST, EnvKind.LIVE):
        return None
    if lowered in (EnvKind.DEV, EnvKind.TEST, EnvKind.LIVE):
        return lowered
    return MEANT_ENV.get(lowered)


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


SiteName = Annotated[
    str,
    matching(
        r"[a-z0-9][a-z0-9-]*", "a Pantheon site machine name: lowercase letters, digits, hyphens"
    ),
]
SiteEnv = Annotated[str, AfterValidator(_site_env)]
Host = Annotated[str, AfterValidator(_host)]


class Site(Model):
    """`pantheon-oncall:site` — the Pantheon site environment this stack watches."""

    name: SiteName
    """The Pantheon site's machine name, e.g. `example`; part of the default domain and of
    resource names."""
    env: SiteEnv
    """The environment: `dev`, `test`, `live`, or a multidev name; it picks the preset (urgency,
    monitor, conditions)."""
    domain: Host | None = None
    """The site's host, without scheme or path; default `<env>-<name>.pantheonsite.io`. The ping
    monitor checks `https://<domain>/`."""

    @property
    def env_kind(self) -> EnvKind:
        """dev, test, live or multidev: which preset the environment gets."""
        return EnvKind.of(self.env)

    @property
    def host(self) -> str:
        """The site's host: `domain`, else Pantheon's `<env>-<site>.pantheonsite.io`."""
        return self.domain or f"{self.env}-{self.name}.pantheonsite.io"

    @property
    def url(self) -> str:
        """The site's URL, which the ping monitor checks."""
        return f"https://{self.host}/"
