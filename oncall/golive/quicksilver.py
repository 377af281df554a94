"""`oncall quicksilver STACK`: the Quicksilver hook that marks every deploy of a site.

It writes three things for the site of STACK, from every stack of that site in `stacks/`:

- the `workflows:` snippet to merge by hand into the site's own pantheon.yml (never written over:
  the site's file holds more than this);
- the PHP script (`private/scripts/pantheon_oncall_deploy.php`), the template
  `quicksilver_deploy.php` with each environment's settings written into it as constants;
- the `terminus secret:site:set` commands for the keys the script reads, printed and not run. They
  take each value from the stack (`pulumi stack output --show-secrets`) or a prompt at the moment
  they run, so no key is ever on the screen, in this program's output or in shell history.

The code is the same file in every environment (it moves dev → test → live), so the script holds
the settings of every environment of the site and picks its own by `$_POST['environment']`. The
keys differ per environment: each is a secret's environment override, and the site-wide value is
the placeholder "unset", so a multidev's code (any branch) never reads the live key.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Final

from oncall.config import stackfile
from oncall.config.errors import ConfigError, Problem
from oncall.config.urls import url_problem

SCRIPT_NAME: Final = "pantheon_oncall_deploy.php"
SCRIPT_PATH: Final = f"private/scripts/{SCRIPT_NAME}"
SNIPPET_NAME: Final = "pantheon.yml.workflows"
COMMANDS_NAME: Final = "set-secrets.sh"
NEW_RELIC_SECRET: Final = "pantheon_oncall_new_relic_key"
PAGERDUTY_SECRET: Final = "pantheon_oncall_pagerduty_key"
ROUTING_KEY_OUTPUT: Final = "changeEventsRoutingKey"
"""The site stack's secret output with the change-events integration's routing key."""
PLACEHOLDER: Final = "unset"
NERDGRAPH_URLS: Final = {
    "US": "https://api.newrelic.com/graphql",
    "EU": "https://api.eu.newrelic.com/graphql",
}
"""NerdGraph per `newrelic:region` (the provider's regions; newrelic-client-go pkg/region)."""


@dataclass(frozen=True)
class Limits:
    """Per call: connect and total timeouts, tries (the first and one retry), the wait between.
    Three calls at most (app lookup, marker, change event) stay inside Pantheon's 120 s."""

    connect_seconds: float = 5.0
    total_seconds: float = 10.0
    retry_wait_seconds: float = 2.0
    tries: int = 2


@dataclass(frozen=True)
class Environment:
    """One environment of the site, from its stack."""

    env: str
    stack: str
    url: str
    host: str
    app: str | None
    """The New Relic APM app to mark; None with `newrelic.apm: false`."""
    account_id: str | None
    nerdgraph_url: str
    events_url: str
    service: str
    change_events: bool
    """Whether the stack has the change-events integration (`pagerduty.changeEvents: true`)."""


@dataclass(frozen=True)
class Hook:
    """The site and each of its environments that has a stack."""

    site: str
    environments: tuple[Environment, ...]


def load_hook(project_dir: Path, stack: str) -> Hook:
    """The site of `stack` and every stack of it in the project (ConfigError when wrong)."""
    from oncall.config import TeamStackConfig, parse_stack_config  # pydantic: on first use

    config = parse_stack_config(stackfile.load(project_dir, stack).namespace("pantheon-oncall"))
    if isinstance(config, TeamStackConfig):
        raise ConfigError(
            [Problem(stack, "team stack", "a team stack has no site to hook: name a site stack")]
        )
    site = config.site.name
    environments = []
    for name in stackfile.stack_names(project_dir):
        stack_file = stackfile.load(project_dir, name)
        other = parse_stack_config(stack_file.namespace("pantheon-oncall"))
        if isinstance(other, TeamStackConfig) or other.site.name != site:
            continue
        account = stack_file.values.get("newrelic:accountId")
        environments.append(
            Environment(
                env=other.site.env,
                stack=name,
                url=other.site.url,
                host=other.site.host,
                app=other.newrelic.app_name if other.newrelic.apm else None,
                account_id=None if account is None else str(account),
                nerdgraph_url=_nerdgraph_url(stack_file.values.get("newrelic:region")),
                events_url=_events_url(stack_file.values.get("pagerduty:serviceRegion")),
                service=other.pagerduty.service,
                change_events=other.pagerduty.change_events,
            )
        )
    return Hook(site=site, environments=tuple(sorted(environments, key=_env_order)))


def render_script(
    hook: Hook,
    limits: Limits = Limits(),
    *,
    nerdgraph_url: str | None = None,
    events_url: str | None = None,
) -> str:
    """The PHP script. `nerdgraph_url`/`events_url` replace every environment's endpoint (tests:
    only https, or http to this machine); production scripts keep the regions' own."""
    for given in (nerdgraph_url, events_url):
        if given is not None and url_problem(given, loopback_http=True) is not None:
            raise ValueError(f"endpoint {given!r}: {url_problem(given, loopback_http=True)}")
    settings = {
        "site": hook.site,
        "secrets": {"newrelic": NEW_RELIC_SECRET, "pagerduty": PAGERDUTY_SECRET},
        "limits": {
            "connectSeconds": limits.connect_seconds,
            "totalSeconds": limits.total_seconds,
            "retryWaitSeconds": limits.retry_wait_seconds,
            "tries": limits.tries,
        },
        "environments": {
            e.env: {
                "stack": e.stack,
                "url": e.url,
                "host": e.host,
                "newrelic": None
                if e.app is None
                else {
                    "app": e.app,
                    "accountId": e.account_id,
                    "url": nerdgraph_url or e.nerdgraph_url,
                },
                "pagerduty": {"service": e.service, "url": events_url or e.events_url}
                if e.change_events
                else None,
            }
            for e in hook.environments
        },
    }
    template = resources.files("oncall.golive").joinpath("quicksilver_deploy.php").read_text()
    # The settings sit in a nowdoc: PHP reads them as written, nothing in them is interpreted.
    return template.replace("{{SETTINGS}}", json.dumps(settings, indent=2, ensure_ascii=False))


def workflows_snippet(hook: Hook) -> str:
    """The `workflows:` block for the site's pantheon.yml: deploy (test, live), sync_code (dev)."""
    kinds = {e.env for e in hook.environments}
    lines = [
        "# Merge into the site's pantheon.yml (it also needs `api_version: 1`); written by",
        f"# `oncall quicksilver` for the stacks of {hook.site}. It runs after each workflow.",
        "workflows:",
    ]
    hooks = []
    if kinds & {"test", "live"}:
        hooks.append("deploy")
    if kinds - {"test", "live"}:
        hooks.append("sync_code")
    for workflow in hooks:
        lines += [
            f"  {workflow}:",
            "    after:",
            "      - type: webphp",
            "        description: Mark the change in New Relic and PagerDuty (pantheon-oncall)",
            f"        script: {SCRIPT_PATH}",
        ]
    return "\n".join(lines) + "\n"


def secret_commands(hook: Hook) -> str:
    """The terminus commands that set the keys, as a shell script to read, then run.

    Each value comes from a command substitution when the script runs (`pulumi stack output
    --show-secrets`, a silent prompt): the key is never printed, and shell history keeps the
    command, not the key. Terminus takes the value as an argument, so it is on the machine's
    process list while terminus runs: run this on your own machine.
    """
    site = shlex.quote(hook.site)
    lines = [
        "#!/bin/sh",
        f"# The keys of the Quicksilver script of {hook.site}, one environment override each.",
        "# Needs terminus with the Secrets Manager plugin, and the pulumi CLI logged in.",
        "set -eu",
        "printf 'New Relic user key for deploy markers (not shown): '",
        "stty -echo; read -r NEW_RELIC_KEY; stty echo; echo",
        "# The site-wide values are placeholders: only the environments below get a key.",
    ]
    for name in (NEW_RELIC_SECRET, PAGERDUTY_SECRET):
        lines.append(
            f"terminus secret:site:set {site} {name} {PLACEHOLDER} --type=runtime --scope=web"
        )
    for e in hook.environments:
        target = shlex.quote(f"{hook.site}.{e.env}")
        stack = shlex.quote(e.stack)
        lines.append(f"# {e.env}: the stack {e.stack}")
        if e.app is not None:
            lines.append(f'terminus secret:site:set {target} {NEW_RELIC_SECRET} "$NEW_RELIC_KEY"')
        if not e.change_events:
            lines.append(f"# no PagerDuty key: {e.stack} does not set pagerduty.changeEvents")
            continue
        lines += [
            f"key=$(pulumi stack output {ROUTING_KEY_OUTPUT} --show-secrets --stack {stack})",
            f'terminus secret:site:set {target} {PAGERDUTY_SECRET} "$key"',
        ]
    return "\n".join(lines) + "\n"


def write(hook: Hook, out_dir: Path, *, force: bool = False) -> list[Path]:
    """Write the script, snippet and commands under `out_dir`; the paths written. A file there
    that differs is only replaced with `force` (never a file named pantheon.yml)."""
    files = {
        out_dir / SCRIPT_PATH: render_script(hook),
        out_dir / SNIPPET_NAME: workflows_snippet(hook),
        out_dir / COMMANDS_NAME: secret_commands(hook),
    }
    clashes = [
        path for path, text in files.items() if path.exists() and _read(path) != text and not force
    ]
    if clashes:
        raise ConfigError(
            [
                Problem("--out", str(p), "exists and differs: pass --force to replace it")
                for p in clashes
            ]
        )
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _env_order(e: Environment) -> tuple[int, str]:
    return ({"dev": 0, "test": 1, "live": 2}.get(e.env, 3), e.env)


def _nerdgraph_url(region: object) -> str:
    if region is None or region == "":
        return NERDGRAPH_URLS["US"]
    if isinstance(region, str) and region.upper() in NERDGRAPH_URLS:
        return NERDGRAPH_URLS[region.upper()]
    raise ConfigError([Problem("newrelic:region", region, "expected US or EU")])


def _events_url(region: object) -> str:
    """The Events API follows the PagerDuty region as the provider's API host does:
    `api.<region>.pagerduty.com` unless it is "us" (terraform-provider-pagerduty,
    pagerdutyplugin/provider.go); change events go to `/v2/change/enqueue`."""
    if region is None or (isinstance(region, str) and region.lower() in ("", "us")):
        return "https://events.pagerduty.com/v2/change/enqueue"
    if isinstance(region, str) and region.lower() == "eu":
        return "https://events.eu.pagerduty.com/v2/change/enqueue"
    raise ConfigError([Problem("pagerduty:serviceRegion", region, "expected us or eu")])
