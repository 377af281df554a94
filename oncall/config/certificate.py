"""`newrelic.certificateMonitor`: a certificate-expiry check of the site's custom domain.

A site with a custom domain (`site.domain`, not Pantheon's `*.pantheonsite.io`) gets a New Relic
Synthetics certificate check of it and a condition on its failures in the site's policy, so
PagerDuty is paged days before the certificate expires: `presets.CERTIFICATE_MONITOR` unless the
stack writes other keys (each replaces the default's), or `false` for none. Pantheon's own
domains get none: their certificates are Pantheon's to renew.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Literal

from components.vocabulary import MonitorPeriod
from oncall.config.issues import Issue
from oncall.config.presets import CERTIFICATE_MONITOR, CertificateMonitor
from oncall.config.scalars import Location, Model, WholeNumber, or_false
from oncall.config.site import Site

PANTHEON_DOMAIN = ".pantheonsite.io"
"""Pantheon's own domains, whose certificates Pantheon renews: no certificate monitor."""


class CertificateMonitorSection(Model):
    """`newrelic.certificateMonitor`: keys written here replace the default's (`false`: none)."""

    days: WholeNumber | None = None
    """Page when the certificate expires in fewer days than this; default 14."""
    period: MonitorPeriod | None = None
    """How often it checks; default `EVERY_6_HOURS` (at most that)."""
    locations: tuple[Location, ...] | None = None
    """The New Relic public locations it checks from; default `[US_EAST_1]`."""


CertificateMonitorOrOff = Annotated[
    CertificateMonitorSection | Literal[False] | None, or_false(CertificateMonitorSection)
]


def has_custom_domain(site: Site) -> bool:
    """Whether the site is served on a domain of its own (not Pantheon's `*.pantheonsite.io`)."""
    return not site.host.endswith(PANTHEON_DOMAIN)


def resolve_certificate_monitor(
    section: CertificateMonitorSection | Literal[False] | None, site: Site, issues: list[Issue]
) -> CertificateMonitor | None:
    """The certificate monitor of the site's custom domain, or None (off, or no custom domain);
    keys written for a site without one are a problem added to `issues`."""
    if section is False:
        return None
    if not has_custom_domain(site):
        if section is not None:
            message = (
                f"needs a custom domain (site.domain): {site.host} is Pantheon's, and Pantheon "
                "renews its certificates; remove this key"
            )
            issues.append(Issue(("newrelic", "certificateMonitor"), section, message))
        return None
    if section is None:
        return CERTIFICATE_MONITOR
    return replace(CERTIFICATE_MONITOR, **section.model_dump(exclude_none=True))
