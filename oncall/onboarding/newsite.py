"""`oncall new-site`: scaffold the stack files of Pantheon sites, one per environment.

    oncall new-site shop blog --env live,test --team-stack acme/pantheon-oncall/team-acme
    terminus site:list --org=acme --format=json |
        oncall new-site --sites-json - --team-stack acme/pantheon-oncall/team-acme

Each file pages the team stack (`pantheon-oncall:teamStack`) and leaves the rest to the
environment's preset (oncall.config.presets), which it names in a comment. An existing stack file is
skipped unless `force`. Every file written is parsed by the config contract before it is kept, so
what this writes always plans.

`terminus site:list --format=json` prints the sites keyed by id, each with its machine `name`
(pantheon-systems/terminus, src/Commands/Site/ListCommand.php); a list of rows is accepted too.
Frozen sites are skipped: Pantheon serves nothing from them.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from oncall.config import (
    NAMESPACE,
    PRESETS,
    EnvKind,
    Preset,
    Site,
    parse_stack_config,
    stack_write,
    stackfile,
)
from oncall.config.errors import MISSING, ConfigError, Problem
from oncall.config.presets import days_text
from oncall.config.site import meant_env
from oncall.onboarding.terminus import SITE_LIST, read_json

DEFAULT_ENVS = ("live", "test", "dev")
ESC_NAME = r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)?"
"""A Pulumi ESC environment: `project/environment` (or a bare name), each part letters, digits,
hyphens, underscores and periods."""


@dataclass(frozen=True)
class NewSiteOptions:
    """What `new-site` writes: for every site and env, a stack file paging `team_stack`."""

    sites: tuple[str, ...]
    envs: tuple[str, ...]
    team_stack: str
    environments: tuple[str, ...] = ()
    """Pulumi ESC environments every stack file imports (the shared credentials)."""
    newrelic_account_id: str | None = None
    slack_workspace: str | None = None
    slack_channel: str = "{site}-alerts"
    """Slack channel name template ({site}, {env}); used with slack_workspace."""
    force: bool = False
    multidev: bool = False
    """Write every env that is not dev, test or live as a multidev, even one such as `prod`
    that most likely means a standard environment (oncall.config.site.MEANT_ENV)."""


@dataclass
class NewSiteResult:
    """The stack files written and skipped, and notes for the user."""

    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sites_from_terminus(path: Path) -> tuple[list[str], list[str]]:
    """Site machine names from `terminus site:list --format=json` (a file, or `-` for standard
    input), and notes on the sites skipped."""
    doc = read_json(path, "--sites-json", SITE_LIST)
    rows: Iterable[Any] = doc.values() if isinstance(doc, dict) else doc
    if not isinstance(doc, dict | list):
        rows = ()
    names, notes = [], []
    for index, row in enumerate(rows):
        name = row.get("name") if isinstance(row, dict) else None
        if not isinstance(name, str):
            message = "expected a site with a name (terminus site:list --format=json)"
            raise ConfigError([Problem(f"{path}[{index}]", row, message)])
        if row.get("frozen") in (True, "true", "1", 1):
            notes.append(f"skipped {name}: the site is frozen")
            continue
        names.append(name)
    if not names and not notes:
        message = "no sites found; expected the output of terminus site:list --format=json"
        raise ConfigError([Problem(str(path), MISSING, message)])
    return sorted(set(names)), notes


def credentials_comment(environments: Sequence[str]) -> str:
    """The stack file comment that says where its credentials come from."""
    if environments:
        return "# Credentials come from the Pulumi ESC environment(s) below."
    return (
        "# Credentials: pulumi config set --secret pagerduty:token (and userToken,\n"
        "# newrelic:apiKey, slack:token), or import a shared ESC environment (README)."
    )


def _urgency(preset: Preset) -> str:
    hours = preset.support_hours
    if hours is None:
        return f"{preset.urgency.value} urgency"
    return (
        f"high urgency {days_text(hours.days)} {hours.start}-{hours.end} (the team's time zone), "
        f"else {preset.urgency.value}"
    )


def stack_text(site: str, env: str, options: NewSiteOptions) -> str:
    """The stack file of one site environment."""
    preset = PRESETS[EnvKind.of(env)]
    monitor = (
        f"a ping {preset.ping_monitor.period.value.replace('_', ' ').lower()} "
        f"from {len(preset.ping_monitor.locations)} location(s)"
        if preset.ping_monitor
        else "no ping monitor"
    )
    header = [
        f"# {site} ({env}), written by `oncall new-site`.",
        f"# Preset {EnvKind.of(env).value}: {_urgency(preset)}, {monitor};",
        "# any key below overrides it (README: Pantheon environment presets).",
    ]
    header.append(credentials_comment(options.environments))
    doc: dict[str, Any] = {}
    if options.environments:
        doc["environment"] = list(options.environments)
    config: dict[str, Any] = {}
    if options.newrelic_account_id:
        config["newrelic:accountId"] = options.newrelic_account_id
    config[f"{NAMESPACE}:site"] = {"name": site, "env": env}
    config[f"{NAMESPACE}:teamStack"] = options.team_stack
    if options.slack_workspace:
        config[f"{NAMESPACE}:slack"] = {
            "workspaceId": options.slack_workspace,
            "channel": options.slack_channel.format(site=site, env=env),
        }
    doc["config"] = config
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    hint = (
        f"    # domain: www.{site}.com      # the live site's own host; default "
        f"{env}-{site}.pantheonsite.io\n"
    )
    site_line = f"    env: {env}\n"
    body = body.replace(site_line, site_line + hint, 1) if env == EnvKind.LIVE else body
    return "\n".join(header) + "\n" + body


def new_site(project_dir: Path, options: NewSiteOptions) -> NewSiteResult:
    """Write the stack files; raise ConfigError for a bad site or env name, a stack file that is
    a symbolic link or lies outside the project (nothing written)."""
    _check_names(options.sites, options.envs, options.multidev)
    _check_options(options)
    _, stacks_dir = stackfile.project_name(project_dir)
    paths = [
        (site, env, stacks_dir / f"Pulumi.{site}-{env}.yaml")
        for site in options.sites
        for env in options.envs
    ]
    refused = [(path, stack_write.refusal(path, project_dir)) for _, _, path in paths]
    problems = [Problem(str(path), MISSING, why) for path, why in refused if why is not None]
    if problems:  # refused even with --force
        raise ConfigError(problems)
    result = NewSiteResult()
    for site, env, path in paths:
        if _exists(path) and not options.force:
            result.skipped.append(path)
            continue
        text = stack_text(site, env, options)
        _check_parses(path, text)
        try:
            stack_write.write(path, text, project_dir, options.force)
        except stack_write.Exists:
            result.skipped.append(path)
            continue
        result.written.append(path)
    return result


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError as e:  # a name too long for the file system
        raise ConfigError([Problem(str(path), MISSING, f"cannot write it: {e.strerror}")]) from None


def _check_names(sites: Sequence[str], envs: Sequence[str], multidev: bool = False) -> None:
    problems = []
    if not sites:
        problems.append(Problem("sites", MISSING, "name at least one site, or --sites-json"))
    if not envs:
        problems.append(Problem("--env", MISSING, "name at least one environment"))
    near_misses = {} if multidev else {e: meant_env(e) for e in envs if meant_env(e)}
    for env, meant in near_misses.items():
        written = (
            "names are lowercase"
            if env.strip().lower() == meant
            else (
                "as written it would be a multidev (low urgency, no ping monitor); "
                "--multidev writes it as one"
            )
        )
        problems.append(Problem("--env", env, f"did you mean {meant}? {written}"))
    envs = [env for env in envs if env not in near_misses]
    for site in sites:
        for env in envs:
            try:
                Site(name=site, env=env)
            except ValidationError as e:
                for error in e.errors(include_url=False):
                    key = "site" if error["loc"] == ("name",) else "--env"
                    value = site if key == "site" else env
                    message = str(error["msg"]).removeprefix("Value error, ")
                    problems.append(Problem(key, value, message))
    if problems:
        raise ConfigError(list(dict.fromkeys(problems)))


def _check_options(options: NewSiteOptions) -> None:
    """The options that the written file's contract check cannot see, or would name by a key of
    the file rather than the option the user typed."""
    problems = []
    account = options.newrelic_account_id
    if account is not None and not re.fullmatch(r"[0-9]{1,20}", account):
        message = "expected a New Relic account id: digits, e.g. 1234567"
        problems.append(Problem("--newrelic-account-id", account, message))
    for name in options.environments:
        if not re.fullmatch(ESC_NAME, name):
            message = "expected a Pulumi ESC environment name, e.g. acme/pagerduty-credentials"
            problems.append(Problem("--environment", name, message))
    if options.slack_workspace:
        fields = _template_fields(options.slack_channel)
        if fields is None or not fields <= {"site", "env"}:
            message = "expected a channel name template using only {site} and {env}"
            problems.append(Problem("--slack-channel", options.slack_channel, message))
    if problems:
        raise ConfigError(problems)


def _template_fields(template: str) -> set[str] | None:
    """The fields a str.format template names, or None when it is not one."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:
        return None


def _check_parses(path: Path, text: str) -> None:
    """The written file must satisfy the config contract (a bad --team-stack fails here)."""
    config = yaml.safe_load(text)["config"]
    prefix = f"{NAMESPACE}:"
    values = {k[len(prefix) :]: v for k, v in config.items() if k.startswith(prefix)}
    try:
        parse_stack_config(values)
    except ConfigError as e:
        raise ConfigError(
            [Problem(f"{path.name}: {p.path}", p.value, p.message) for p in e.problems]
        ) from None


def report(result: NewSiteResult) -> str:
    """What happened, one line per file."""
    lines = [f"wrote {p}" for p in result.written]
    lines += [f"skipped {p}: it exists (--force overwrites it)" for p in result.skipped]
    lines += result.notes
    return "\n".join(lines) + "\n"


def _envs(given: Sequence[str]) -> tuple[str, ...]:
    """--env values (repeated, or comma-separated); all three standard ones when not given."""
    if not given:
        return DEFAULT_ENVS
    return tuple(dict.fromkeys(e.strip() for e in ",".join(given).split(",") if e.strip()))


def main(args: Any) -> int:
    """`oncall new-site` (arguments as oncall.cli defines them)."""
    sites, notes = list(args.sites), list[str]()
    if args.sites_json:
        from_file, notes = sites_from_terminus(args.sites_json)
        sites += from_file
    options = NewSiteOptions(
        sites=tuple(dict.fromkeys(sites)),
        envs=_envs(args.env),
        team_stack=args.team_stack,
        environments=tuple(args.environment),
        newrelic_account_id=args.newrelic_account_id,
        slack_workspace=args.slack_workspace,
        slack_channel=args.slack_channel,
        force=args.force,
        multidev=args.multidev,
    )
    result = new_site(args.project_dir, options)
    result.notes[:0] = notes
    print(report(result), end="")
    return 0
