"""`oncall fleet-check`: the stacks in stacks/ against the sites Pantheon has.

    terminus site:list --format=json > pantheon/sites.json
    terminus domain:list shop.live --format=json > pantheon/domains/shop.live.json   # per site
    oncall fleet-check --sites pantheon/sites.json --domains pantheon/domains

What it compares comes from two places and is never worked out a second time: the Pantheon side
from the terminus files (oncall.onboarding.terminus, which cites the terminus source they follow),
the stack side from the project's one stack index (oncall.config.stackindex: which site a stack
watches, whether it pages, whether it has APM conditions) over the parsed config (the ping
monitor, the host it checks). A finding is one of:

- `no-stack`: a Pantheon site that is not frozen has no site stack (`site.name`);
- `site-gone`: a site stack watches a site that the site list does not have;
- `frozen-pages`: a frozen site (Pantheon serves nothing from it: its ping fails, every check)
  has a site stack that still pages;
- `platform-ping`: a stack's ping monitor checks the site's `*.pantheonsite.io` platform domain
  while `domain:list` of that environment names a custom primary domain (the one visitors get);
- `no-new-relic`: a site on a plan without New Relic has a stack with APM conditions: they never
  fire, and the plan's missing APM app fails the stack's app lookup. Pantheon's New Relic guide
  ("Supported Site Plans", pantheon-systems/documentation, source/content/guides/new-relic/
  01-introduction.md, and its FAQ, "at no cost for all site plans except Basic") names Basic as the
  one plan without it (PLANS_WITHOUT_NEW_RELIC);
- `stack-unreadable`: a stack file that does not parse, so nothing about it can be compared.

Domain files are named after terminus's own `<site>.<env>` argument: DIR/<site>.<env>.json, e.g.
`pantheon/domains/shop.live.json`; a stack whose environment has no file is not checked for its
domain (a note says so). `--ignore SITE` leaves a site out of every check.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Final

from oncall.config import StackConfig
from oncall.config.errors import MISSING, ConfigError, Problem, printable
from oncall.config.stackindex import StackIndex
from oncall.onboarding.terminus import Domain, PantheonSite, read_domains

PLANS_WITHOUT_NEW_RELIC: Final = frozenset({"basic"})
"""Pantheon plan labels (`plan_name`, lowercased) whose sites get no New Relic APM."""
PLATFORM_DOMAIN: Final = ".pantheonsite.io"
"""Pantheon's platform domains: `<env>-<site>.pantheonsite.io` for every environment."""


class Kind(StrEnum):
    """What a finding is about (see the module docstring)."""

    NO_STACK = "no-stack"
    SITE_GONE = "site-gone"
    FROZEN_PAGES = "frozen-pages"
    PLATFORM_PING = "platform-ping"
    NO_NEW_RELIC = "no-new-relic"
    STACK_UNREADABLE = "stack-unreadable"


@dataclass(frozen=True)
class Finding:
    """One thing to fix: the site and (when there is one) the stack, what is wrong, the fix."""

    kind: Kind
    site: str | None
    stack: str | None
    problem: str
    fix: str

    def line(self) -> str:
        """The finding as one line: `kind: stack-or-site: problem; fix: …`."""
        subject = self.stack or self.site or "?"
        return printable(f"{self.kind}: {subject}: {self.problem}; fix: {self.fix}", 2000)


@dataclass
class Report:
    """What the check found, and notes on what it could not check."""

    sites: int
    stacks: int
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        """The report as JSON: counts, findings (kind, site, stack, problem, fix), notes."""
        data = {
            "sites": self.sites,
            "stacks": self.stacks,
            "findings": [asdict(f) for f in self.findings],
            "notes": self.notes,
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def summary(self) -> str:
        """One line: how many sites and stacks were compared, and the number of findings."""
        compared = f"{self.sites} Pantheon site(s), {self.stacks} site stack(s)"
        if not self.findings:
            return f"fleet-check: {compared}: nothing to fix"
        return f"fleet-check: {compared}: {len(self.findings)} finding(s)"


def check(
    index: StackIndex,
    sites: Sequence[PantheonSite],
    domains_dir: Path | None = None,
    ignore: Sequence[str] = (),
) -> Report:
    """Compare the project's stacks with the Pantheon sites (and their domain files, in
    `domains_dir`); raises ConfigError for a domain file that is not terminus's."""
    stacks = _Stacks(index)
    report = Report(sites=len(sites), stacks=len(stacks.site_stacks))
    ignored = set(ignore)
    report.notes += [
        f"--ignore {printable(name, 100)}: no such Pantheon site, and no stack watches it"
        for name in sorted(ignored)
        if name not in {s.name for s in sites} and not index.watching(name)
    ]
    known = {site.name for site in sites}
    for site in sites:
        if site.name not in ignored:
            report.findings += _site_findings(stacks, site)
    for name in stacks.site_stacks:
        site_name = stacks.site_of(name)
        if site_name not in known and site_name not in ignored:
            report.findings.append(_gone(stacks, name, site_name))
    report.findings += [_unreadable(stacks, name) for name in stacks.unreadable]
    if domains_dir is None:
        report.notes.append("domains not checked: no --domains folder")
    else:
        served = {s.name for s in sites if not s.frozen and s.name not in ignored}
        for name in stacks.site_stacks:
            if stacks.site_of(name) in served:
                report.findings += _domain_findings(stacks, name, domains_dir, report.notes)
    report.findings.sort(key=lambda f: (f.site or "", f.stack or "", f.kind))
    return report


class _Stacks:
    """The index's answers that the checks ask, and how to name a stack's file."""

    def __init__(self, index: StackIndex) -> None:
        self.index = index
        self.site_stacks = [n for n in index.names if index.site_config(n) is not None]
        self.unreadable = [n for n in index.names if index.problem(n) is not None]
        try:
            self.folder = str(index.stacks_dir.relative_to(index.project_dir))
        except ValueError:
            self.folder = str(index.stacks_dir)

    def config(self, name: str) -> StackConfig:
        config = self.index.site_config(name)
        assert config is not None, name  # only asked of site stacks
        return config

    def site_of(self, name: str) -> str:
        return self.config(name).site.name

    def file(self, name: str) -> str:
        return f"{self.folder}/Pulumi.{name}.yaml"

    def team_stack(self) -> str:
        """The team stack every site stack pages through, when they agree on one."""
        team_stacks = {self.config(n).team_stack for n in self.site_stacks}
        if len(team_stacks) == 1 and None not in team_stacks:
            return str(team_stacks.pop())
        return "<org>/pantheon-oncall/team-<team>"


def _site_findings(stacks: _Stacks, site: PantheonSite) -> list[Finding]:
    """A site's own findings: no stack; frozen and still paging; APM on a plan without it."""
    watching = stacks.index.watching(site.name)
    without_new_relic = site.plan.lower() in PLANS_WITHOUT_NEW_RELIC
    if site.frozen:
        return [
            Finding(
                Kind.FROZEN_PAGES,
                site.name,
                name,
                f"Pantheon site {site.name} is frozen (Pantheon serves nothing from it) and the "
                f"stack still pages{_failing_ping(stacks.config(name))}",
                f"unfreeze the site, or `pulumi destroy --stack {name}` and delete "
                f"{stacks.file(name)}",
            )
            for name in watching
            if stacks.index.pages(name)
        ]
    if not watching:
        apm_off = (
            f", then set pantheon-oncall:newrelic.apm: false (plan {site.plan} has no New Relic)"
            if without_new_relic
            else ""
        )
        return [
            Finding(
                Kind.NO_STACK,
                site.name,
                None,
                f"Pantheon site {site.name} (plan {site.plan}) has no stack in {stacks.folder}/: "
                "nobody is paged when it fails",
                f"oncall new-site {site.name} --team-stack {stacks.team_stack()}{apm_off}, or "
                f"--ignore {site.name} if it needs no on-call",
            )
        ]
    if not without_new_relic:
        return []
    return [
        Finding(
            Kind.NO_NEW_RELIC,
            site.name,
            name,
            f"Pantheon site {site.name} is on the {site.plan} plan, which has no New Relic APM: "
            "the stack's APM conditions (errorRate, responseTime) never fire and its APM app "
            "lookup fails",
            "move the site to a plan with New Relic (every plan but Basic), or set "
            f"pantheon-oncall:newrelic.apm: false in {stacks.file(name)}",
        )
        for name in watching
        if stacks.index.watches_apm(name)
    ]


def _failing_ping(config: StackConfig) -> str:
    return "" if config.newrelic.ping_monitor is None else f": its ping of {config.site.host} fails"


def _gone(stacks: _Stacks, name: str, site: str) -> Finding:
    return Finding(
        Kind.SITE_GONE,
        site,
        name,
        f"the stack watches Pantheon site {site}, which the site list does not have (deleted, "
        "renamed, or in an organization the list left out)",
        f"`pulumi destroy --stack {name}`, `pulumi stack rm {name}`, then delete "
        f"{stacks.file(name)}",
    )


def _unreadable(stacks: _Stacks, name: str) -> Finding:
    problem = stacks.index.problem(name)
    return Finding(
        Kind.STACK_UNREADABLE,
        None,
        name,
        f"{stacks.file(name)} does not parse ({problem}), so it cannot be compared",
        f"oncall plan {name} lists every problem",
    )


def _domain_findings(
    stacks: _Stacks, name: str, domains_dir: Path, notes: list[str]
) -> list[Finding]:
    """A ping monitor on the platform domain while the environment has a custom primary."""
    config = stacks.config(name)
    host = config.site.host
    if config.newrelic.ping_monitor is None or not host.endswith(PLATFORM_DOMAIN):
        return []
    path = domains_dir / f"{config.site.name}.{config.site.env}.json"
    if not path.is_file():
        notes.append(
            f"{path}: no such file; stack {name} pings {host}, and whether "
            f"{config.site.name}.{config.site.env} has a custom primary domain is not checked"
        )
        return []
    primary = _custom_primary(read_domains(path))
    if primary is None:
        return []
    return [
        Finding(
            Kind.PLATFORM_PING,
            config.site.name,
            name,
            f"the ping monitor checks {host}, but {config.site.name}.{config.site.env}'s primary "
            f"domain is {primary.host} (what visitors get)",
            f"set pantheon-oncall:site.domain: {primary.host} in {stacks.file(name)}",
        )
    ]


def _custom_primary(domains: Sequence[Domain]) -> Domain | None:
    return next((d for d in domains if d.primary and d.type == "custom"), None)


def run(
    index: StackIndex,
    sites: Sequence[PantheonSite],
    domains_dir: Path | None,
    ignore: Sequence[str],
) -> Report:
    """`check`, with a --domains folder that is not one refused first (one message)."""
    if domains_dir is not None and not domains_dir.is_dir():
        why = "no such folder" if not domains_dir.exists() else "not a folder"
        raise ConfigError([Problem(f"--domains {domains_dir}", MISSING, why)])
    return check(index, sites, domains_dir, ignore)
