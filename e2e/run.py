"""`make e2e`: the real Pulumi CLI, language hosts and providers, deploying the project's stacks
against local doubles of PagerDuty, New Relic and Slack.

    venv/bin/python -m e2e.run [--engine-bin DIR] [--out build/e2e] [--only team-example]
                               [--allow-blocked]

The engine comes from `engine/build.sh --path` (or `--engine-bin`, or `$PANTHEON_ONCALL_ENGINE`).
The lane copies the project into a temporary folder (the user's stack files are never edited),
gives each test stack its own config there (tokens set with `pulumi config set --secret`, the
providers pointed at the doubles), logs into a file backend in that folder, and runs, stack by
stack: preview, `up --policy-pack policy`, a preview and a refresh that must find no change, a
no-change `preview --refresh` (its request count is the benchmark's), then a member's phone and
notification delay change (`preview --diff`, then `up`), the secrets scan of `pulumi stack
export`, destroy (a protected stack refuses until protect is lifted), the adoption of an account
the guide left behind (`oncall import`, then `up`: imports only), and a Pulumi YAML program that
uses the component package. The offline `oncall plan --json` and `oncall diff --json` are compared
with the engine's `pulumi preview --json`.

It writes build/e2e/summary.json (see e2e.lane.summary), one log per step in build/e2e/steps/,
and the comparison's findings in build/e2e/mismatches.json; it exits 1 when a step failed, a
double answered a request it does not implement (501), or the proxy refused a host.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from e2e import lane
from e2e.doubles.proxy import TlsProxy

ROOT = Path(__file__).resolve().parent.parent
DEPLOY_STACKS = ("team-example", "example-live", "example-test", "shop-live")
PASSPHRASE = "e2e-lane-passphrase"
# Planted secrets: the lane fails if any of them is found in plain text in a state export.
TOKENS = {
    "pagerduty:token": "e2e-pd-token-PLANTED-0001",
    "pagerduty:userToken": "e2e-pd-user-token-PLANTED-0002",
    "newrelic:apiKey": "NRAK-E2EPLANTEDKEY000000000000000",
    "slack:token": "xoxb-e2e-PLANTED-slack-token-0003",
}
# A phone number set with `--secret --path` on example-live (its national digits are what the
# contact method stores).
SECRET_PHONE_PATH = "pantheon-oncall:team.members.anita.phone"
SECRET_PHONE = "+44 20 7946 0958"
SECRET_PHONE_DIGITS = "2079460958"
# What each part of the lane needs from the engine besides `pulumi` (a part whose binaries the
# engine could not build is blocked: not run, listed in the summary with the module each missing
# binary needs, and failing the lane unless --allow-blocked), and what the part runs.
_PYTHON = ("pulumi-language-python", "pulumi-language-python-exec")
NEEDS: dict[str, tuple[str, ...]] = {
    "team": (*_PYTHON, "pulumi-resource-pagerduty"),
    "sites": (
        *_PYTHON,
        "pulumi-resource-pagerduty",
        "pulumi-resource-newrelic",
        "pulumi-resource-slack",
    ),
    "adoption": (*_PYTHON, "pulumi-resource-pagerduty", "pulumi-resource-newrelic"),
    "yaml": ("pulumi-language-yaml", *_PYTHON, "pulumi-resource-pagerduty"),
    "yaml-host": ("pulumi-language-yaml",),
}
RUNS = {
    "team": "team-example's deploy cycle (preview, up --policy-pack, no-change preview, refresh "
    "and preview --refresh, secrets scan of the state, a member's change, destroy)",
    "sites": "the deploy cycle of example-live, example-test and shop-live",
    "adoption": "the adoption's pulumi up (imports only), its no-change preview and destroy",
    "yaml": "the component package from a Pulumi YAML program",
    "yaml-host": "a YAML program reading the team stack and exporting a secret",
}
# A stack file of scalars that YAML 1.1 (PyYAML) and go-yaml (the CLI) may read differently:
# configured and compared like the real stacks, never deployed.
PROBE_STACK = "yaml-probe"
PROBE_FILE = """\
config:
  pantheon-oncall:probeTime: 18:00
  pantheon-oncall:probeYes: yes
  pantheon-oncall:probeOctal: 0o17
  pantheon-oncall:probe:
    sexagesimal: 18:00
    hms: 1:30:00
    yesWord: yes
    onWord: on
    offWord: off
    tilde: ~
    date: 2026-12-07
    octal: 0o17
    oldOctal: 017
    exponent: 1e3
    hex: 0x1F
    plusInt: +1
    underscored: 1_000
    dotFloat: .5
    quotedTime: "18:00"
"""
# The scalars whose reading the offline loader must share with the CLI, as data (each case: its
# `yaml` text and the value `pulumi` reads inside a structured config value). When the file is
# there, the probe stack holds every case under pantheon-oncall:probeCases, and the lane checks
# that the real CLI reads each as the file says (so the list is the CLI's, not assumed).
SCALAR_CASES = ROOT / "tests" / "data" / "goyaml_scalars.json"
# The APM apps the site stacks look up by name ("<site> (<env>)", the program's default).
APM_APPS = ("example (live)", "example (test)", "shop (live)")
# The service of the guide's account that the adoption imports (with its escalation policy,
# schedule, team and users), as the PagerDuty double's guide_account() seeds it.
GUIDE_SERVICE = "example.pantheonsite.io (live)"
GUIDE_TEAM = "Example Agency On-Call"
ADOPTIONS = (
    ("adopted-team", ("--team", GUIDE_TEAM)),
    ("adopted", ("--service", GUIDE_SERVICE, "--site", "example", "--env", "live")),
)
PULUMI_TIMEOUT = 900.0
SHORT_TIMEOUT = 120.0
TAIL = 4000


class LaneError(Exception):
    """A precondition of the lane is missing (no engine, no doubles): one line, exit 1."""


# --- Processes ------------------------------------------------------------------------------------


@dataclass
class Result:
    """A finished subprocess."""

    rc: int
    stdout: str
    stderr: str
    seconds: float


def run(cmd: Sequence[str], *, env: Mapping[str, str], cwd: Path, timeout: float) -> Result:
    """Run `cmd` in its own process group; on timeout the group is killed and rc is 124."""
    started = time.monotonic()
    with subprocess.Popen(
        list(cmd),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
            rc = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate(timeout=30)
            rc = 124
            err += f"\n[e2e] killed after {timeout:.0f} s"
    return Result(rc, out, err, time.monotonic() - started)


# --- The doubles ----------------------------------------------------------------------------------


def _double_class(module_name: str) -> type:
    """The double's class in e2e/doubles/<module>.py: the one defined there with `start`,
    `stop` and `url` (the doubles' shared interface)."""
    try:
        module = importlib.import_module(f"e2e.doubles.{module_name}")
    except ImportError as e:
        raise LaneError(f"e2e/doubles/{module_name}.py cannot be imported: {e}") from None
    found = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type)
        and obj.__module__ == module.__name__
        and all(hasattr(obj, a) for a in ("start", "stop", "url"))
    ]
    if len(found) != 1:
        raise LaneError(f"e2e/doubles/{module_name}.py: expected one double class, found {found}")
    return found[0]


@dataclass
class Doubles:
    """The running doubles and the proxy in front of them."""

    pagerduty: Any
    nerdgraph: Any
    slack: Any
    proxy: TlsProxy
    retired: list[Any] = field(default_factory=list)
    """PagerDuty doubles used for a while (the adoption's own account): still counted."""

    def counts(self) -> dict[str, int]:
        """Requests each double has answered so far."""
        return {
            "pagerduty": sum(len(d.requests) for d in [self.pagerduty, *self.retired]),
            "nerdgraph": len(self.nerdgraph.requests),
            "slack": len(self.slack.requests),
        }

    def unimplemented(self) -> list[str]:
        """Every request a double answered 501, as `double METHOD path`."""
        named = [("pagerduty", d) for d in [self.pagerduty, *self.retired]]
        named += [("nerdgraph", self.nerdgraph), ("slack", self.slack)]
        return [f"{n} {r.get('method')} {r.get('path')}" for n, d in named for r in d.unimplemented]

    @contextmanager
    def pagerduty_account(self, other: Any) -> Iterator[None]:
        """Use another PagerDuty double for a while (its requests keep counting)."""
        main, self.pagerduty = self.pagerduty, other
        try:
            yield
        finally:
            self.pagerduty = main
            self.retired.append(other)


@contextmanager
def doubles(ca_dir: Path) -> Iterator[Doubles]:
    """Start the three doubles and the proxy (api.pagerduty.com and app.pagerduty.com to the
    PagerDuty double, api.newrelic.com to the NerdGraph double, slack.com to the Slack double)."""
    with ExitStack() as stack:
        pd = stack.enter_context(_double_class("pagerduty")())
        nr = stack.enter_context(_double_class("nerdgraph")())
        sl = stack.enter_context(_double_class("slack")())
        for app in APM_APPS:
            nr.seed_apm_application(app)
        routes = {
            "api.pagerduty.com": pd.url,
            "app.pagerduty.com": pd.url,
            "api.newrelic.com": nr.url,
            "slack.com": sl.url,
        }
        proxy = stack.enter_context(TlsProxy(routes, ca_dir, fronts=("api.pagerduty.com",)))
        yield Doubles(pd, nr, sl, proxy)


# --- The lane -------------------------------------------------------------------------------------


@dataclass
class Lane:
    """One run: the temporary project, the CLI's environment, the doubles, and what happened."""

    engine_bin: Path
    work: Path
    out: Path
    doubles: Doubles
    steps: list[dict[str, Any]] = field(default_factory=list)
    mismatches: dict[str, list[str]] = field(default_factory=dict)
    plaintext: dict[str, list[str]] = field(default_factory=dict)
    adoption: dict[str, Any] = field(default_factory=dict)
    import_findings: dict[str, list[str]] = field(default_factory=dict)
    offline_adoption: dict[str, dict[str, Any]] = field(default_factory=dict)
    offline_plans: dict[str, Any] = field(default_factory=dict)
    scalar_cases: dict[str, Any] = field(default_factory=dict)
    step_no: int = 0

    @property
    def project(self) -> Path:
        """The temporary copy of the project."""
        return self.work / "project"

    @property
    def venv(self) -> Path:
        """The project's virtualenv (the program's, the policy pack's and the plugin's)."""
        return ROOT / "venv"

    def env(self) -> dict[str, str]:
        """The CLI's environment: engine and venv on PATH, an isolated PULUMI_HOME, the
        passphrase, no plugin downloads or update checks, the proxy and its CA."""
        return {
            "PATH": f"{self.engine_bin}:{self.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.work / "home"),
            "PULUMI_HOME": str(self.work / "pulumi-home"),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "1",
            "PULUMI_SKIP_UPDATE_CHECK": "1",
            "PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK": "1",
            "PULUMI_DIY_BACKEND_NO_LEGACY_WARNING": "true",
            "PULUMI_SUPPRESS_COPILOT_LINK": "true",
            "HTTPS_PROXY": self.doubles.proxy.url,
            "https_proxy": self.doubles.proxy.url,
            "NO_PROXY": "",
            "no_proxy": "",
            "SSL_CERT_FILE": str(self.doubles.proxy.ca_file),
            "LANG": "C.UTF-8",
            "TMPDIR": str(self.work / "tmp"),
        }

    # --- Running and recording ---

    def pulumi(
        self, stack: str, *args: str, cwd: Path | None = None, timeout: float = PULUMI_TIMEOUT
    ) -> Result:
        """Run `pulumi ARGS -s STACK` in the project copy (or `cwd`)."""
        cmd = [str(self.engine_bin / "pulumi"), *args, "--non-interactive", "--color", "never"]
        if stack:
            cmd += ["-s", stack]
        return run(cmd, env=self.env(), cwd=cwd or self.project, timeout=timeout)

    def step(
        self,
        stack: str,
        command: str,
        args: Sequence[str],
        *,
        cwd: Path | None = None,
        expect: Callable[[Result, lane.EventLog], str | None] | None = None,
    ) -> tuple[Result, lane.EventLog]:
        """Run one recorded Pulumi command with `--json` (a preview prints one document, an
        update, refresh or destroy streams its engine events); `expect` returns why a finished
        run is wrong (None: it is right; default: exit status 0)."""
        self.step_no += 1
        before = self.doubles.counts()
        args = list(args) if "--json" in args else [*args, "--json"]
        result = self.pulumi(stack, *args, cwd=cwd)
        if args[0] == "preview":
            events = lane.read_preview(_json(result.stdout))
        else:
            events = lane.read_events(result.stdout)
        problem = expect(result, events) if expect else _exit_ok(result, events)
        self._record(stack, command, result, events.changes(), before, problem)
        return result, events

    def tool_step(
        self, stack: str, command: str, cmd: Sequence[str], env: Mapping[str, str]
    ) -> Result:
        """Run and record one non-Pulumi command (the project's own CLI)."""
        self.step_no += 1
        before = self.doubles.counts()
        result = run(cmd, env=env, cwd=self.project, timeout=SHORT_TIMEOUT)
        problem = None if result.rc == 0 else f"exit status {result.rc}"
        self._record(stack, command, result, lane.changes_of({}), before, problem)
        return result

    def _record(
        self,
        stack: str,
        command: str,
        result: Result,
        changes: dict[str, int],
        before: Mapping[str, int],
        problem: str | None,
    ) -> None:
        after = self.doubles.counts()
        entry: dict[str, Any] = {
            "stack": stack,
            "command": command,
            "ok": problem is None,
            "changes": changes,
            "seconds": round(result.seconds, 1),
            "requests": {k: after[k] - before[k] for k in after},
        }
        if problem is not None:
            entry["problem"] = problem
            entry["stderr_tail"] = (result.stderr or result.stdout)[-TAIL:]
        self.steps.append(entry)
        log = self.out / "steps" / f"{self.step_no:02d}-{stack}-{command.split()[0]}.log"
        log.write_text(
            f"$ {command}\nrc={result.rc} seconds={result.seconds:.1f}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}\n",
            encoding="utf-8",
        )
        mark = "ok  " if problem is None else "FAIL"
        print(
            f"[e2e] {mark} {stack:<14} {command:<40} {result.seconds:6.1f}s {changes}", flush=True
        )
        if problem is not None:
            print(f"[e2e]      {problem}", flush=True)

    def ok(self, stack: str) -> bool:
        """Whether every step of `stack` so far is ok."""
        return all(s["ok"] for s in self.steps if s["stack"] == stack)

    # --- Setting up ---

    def prepare(self) -> None:
        """Copy the project, point its runtimes at the project's venv, log in to a file backend,
        and plan every stack offline as its file is (before any config is added)."""
        for sub in ("home", "pulumi-home", "tmp", "state"):
            (self.work / sub).mkdir(parents=True, exist_ok=True)
        ignore = shutil.ignore_patterns("venv", ".git", "build", "tests", "__pycache__", ".*cache")
        shutil.copytree(ROOT, self.project, ignore=ignore)
        for manifest in ("Pulumi.yaml", "policy/PulumiPolicy.yaml", "components/PulumiPlugin.yaml"):
            _use_venv(self.project / manifest, self.venv)
        git = ["git", "-c", "user.email=e2e@localhost", "-c", "user.name=e2e"]
        for cmd in (["git", "init", "-q"], ["git", "add", "-A"], [*git, "commit", "-qm", "base"]):
            run(cmd, env=self.env() | {"GIT_CONFIG_NOSYSTEM": "1"}, cwd=self.project, timeout=60)
        login = self.pulumi("", "login", f"file://{self.work / 'state'}", timeout=SHORT_TIMEOUT)
        if login.rc != 0:
            raise LaneError(f"pulumi login failed: {login.stderr.strip()[-300:]}")
        text, self.scalar_cases = probe_file(SCALAR_CASES)
        (self.project / "stacks" / f"Pulumi.{PROBE_STACK}.yaml").write_text(text)
        for stack in DEPLOY_STACKS:
            plan = self.oncall("plan", "--json", stack)
            if plan.rc == 0:
                self.offline_plans[stack] = json.loads(plan.stdout)
            else:
                self.mismatches.setdefault(stack, []).append(
                    f"oncall plan failed: {plan.stderr.strip()[-300:]}"
                )

    def oncall(self, *args: str, env: Mapping[str, str] | None = None) -> Result:
        """Run the project's own CLI in the copy."""
        cmd = [str(self.venv / "bin/python"), "-m", "oncall", "--project-dir", str(self.project)]
        return run([*cmd, *args], env=env or self.env(), cwd=self.project, timeout=SHORT_TIMEOUT)

    def init_stack(self, stack: str, pd_url: str | None = None, cwd: Path | None = None) -> bool:
        """`pulumi stack init` with the passphrase, then the stack's test config: the tokens as
        secrets, the providers pointed at the doubles."""
        pd_url = pd_url or self.doubles.pagerduty.url
        nr = self.doubles.nerdgraph.url
        init = self.pulumi(stack, "stack", "init", "--secrets-provider", "passphrase", cwd=cwd)
        settings = [
            f"pagerduty:apiUrlOverride={pd_url}",
            "pagerduty:skipCredentialsValidation=true",
            f"newrelic:nerdgraphApiUrl={nr}/graphql",
            f"newrelic:apiUrl={nr}/v2",
            f"newrelic:syntheticsApiUrl={nr}/synthetics",
            f"newrelic:infrastructureApiUrl={nr}/infrastructure",
        ]
        args = ["config", "set-all"]
        for setting in settings:
            args += ["--plaintext", setting]
        for key, value in TOKENS.items():
            args += ["--secret", f"{key}={value}"]
        config = self.pulumi(stack, *args, cwd=cwd, timeout=SHORT_TIMEOUT)
        failed = next((r for r in (init, config) if r.rc != 0), None)
        self.step_no += 1
        self._record(
            stack,
            "stack init + config set-all --secret",
            failed or config,
            lane.changes_of({}),
            self.doubles.counts(),
            None if failed is None else f"exit status {failed.rc}",
        )
        return failed is None

    def plan_as_written(self, stack: str) -> None:
        """`oncall plan` of the stack file as the CLI left it (encryption salt, `secure:` values):
        it must plan, except that a phone number set with `--secret --path` is reported, naming
        its key, because the offline plan cannot decrypt it to check it."""
        if stack == PROBE_STACK:
            return
        plan = self.oncall("plan", stack)
        self.step_no += 1
        if stack == "example-live":
            named = SECRET_PHONE_PATH.split(":", 1)[1] in plan.stderr
            problem = None if plan.rc == 1 and named else "the secure phone number is not reported"
        else:
            problem = None if plan.rc == 0 else f"exit status {plan.rc}"
        self._record(stack, "oncall plan (the file as the CLI wrote it)", plan,
                     lane.changes_of({}), self.doubles.counts(), problem)  # fmt: skip

    # --- The deploy cycle ---

    def cycle(self, stacks: Sequence[str]) -> None:
        """Deploy each stack (the site stacks only once the team stack is up), scan the states
        for secrets, change a member, destroy in reverse order."""
        for stack in stacks:
            if stack == "team-example" or self.ok("team-example"):
                self.deploy(stack)
        for stack in stacks:
            if self.ok(stack):
                self.scan_secrets(stack)
        if "team-example" in stacks and self.ok("team-example"):
            self.change_member()
        for stack in reversed(stacks):
            deployed = any(
                s["stack"] == stack and s["command"].startswith("up") and s["ok"]
                for s in self.steps
            )
            if deployed:
                self.destroy(stack, protected=stack in ("team-example", "example-live"))

    def configure(self, stack: str) -> bool:
        """Set a stack up with the CLI alone: `stack init`, the test config, on example-live a
        phone number with `config set --secret --path`; then compare the config as the CLI
        reads it (go-yaml) with the offline loader's reading of the same file, and check the
        stack file holds no planted secret in plain text."""
        if not self.init_stack(stack):
            return False
        if stack == "example-live":
            secret = self.pulumi(
                stack, "config", "set", "--secret", "--path", SECRET_PHONE_PATH, SECRET_PHONE
            )
            if secret.rc != 0:
                self._record(stack, "config set --secret --path", secret, lane.changes_of({}),
                             self.doubles.counts(), f"exit status {secret.rc}")  # fmt: skip
                return False
        shown = self.pulumi(stack, "config", "--json", "--show-secrets", timeout=SHORT_TIMEOUT)
        self.step_no += 1
        problem = None if shown.rc == 0 else f"exit status {shown.rc}"
        if problem is None:
            offline = offline_config(self.project, stack)
            found = lane.config_mismatches(offline, _json(shown.stdout))
            self.mismatches.setdefault(f"{stack} (config)", []).extend(found)
            if found:
                problem = f"the offline loader reads {len(found)} value(s) differently"
            planted = dict(TOKENS)
            if stack == "example-live":
                planted |= {"phone": SECRET_PHONE}
            stack_file = self.project / "stacks" / f"Pulumi.{stack}.yaml"
            leaked = lane.plaintext_secrets(stack_file.read_text(encoding="utf-8"), planted)
            self.plaintext[f"{stack} (stack file)"] = leaked
            if leaked:
                problem = f"plain-text secrets in the stack file: {', '.join(leaked)}"
        self._record(stack, "config --json (CLI vs offline loader)", shown, lane.changes_of({}),
                     self.doubles.counts(), problem)  # fmt: skip
        if stack == PROBE_STACK and self.scalar_cases and shown.rc == 0:
            entry = _json(shown.stdout).get(f"pantheon-oncall:{PROBE_CASES}") or {}
            found = lane.scalar_case_differences(self.scalar_cases, entry.get("objectValue"))
            self.mismatches.setdefault(f"{stack} (scalar cases)", []).extend(found)
            self.check(
                stack,
                f"CLI reads the {len(self.scalar_cases)} cases of {SCALAR_CASES.name} as listed",
                f"{len(found)} case(s) read otherwise" if found else None,
            )
        self.plan_as_written(stack)
        return True

    def deploy(self, stack: str) -> None:
        """preview (compared with the offline plan), up with the policy pack, then a preview,
        a refresh and a `preview --refresh` that must all find no change."""
        if not self.ok(stack):
            return
        preview, _ = self.step(stack, "preview --json", ["preview", "--json"])
        if preview.rc == 0 and stack in self.offline_plans:
            found = lane.plan_mismatches(self.offline_plans[stack], _json(preview.stdout))
            self.mismatches.setdefault(stack, []).extend(found)
        up, _ = self.step(
            stack,
            "up --policy-pack policy",
            ["up", "--yes", "--skip-preview", "--policy-pack", "policy"],
        )
        if up.rc != 0:
            return
        self.step(stack, "preview --expect-no-changes", ["preview", "--expect-no-changes"])
        self.step(stack, "refresh --expect-no-changes", ["refresh", "--yes", "--expect-no-changes"])
        self.step(
            stack,
            "preview --refresh --expect-no-changes",
            ["preview", "--refresh", "--expect-no-changes"],
        )

    def scan_secrets(self, stack: str) -> None:
        """`pulumi stack export` must hold none of the planted secrets in plain text: the
        tokens, the integration keys (read from the decrypted export) and the secret phone."""
        shown = self.pulumi(stack, "stack", "export", "--show-secrets", timeout=SHORT_TIMEOUT)
        export = self.pulumi(stack, "stack", "export", timeout=SHORT_TIMEOUT)
        self.step_no += 1
        problem = None
        if export.rc != 0 or shown.rc != 0:
            problem = f"exit status {export.rc or shown.rc}"
        else:
            planted = dict(TOKENS)
            keys = lane.state_values(
                _json(shown.stdout),
                "pagerduty:index/serviceIntegration:ServiceIntegration",
                "integrationKey",
            )
            planted |= {f"integrationKey#{i}": key for i, key in enumerate(keys)}
            if stack == "example-live":
                planted |= {"phone": SECRET_PHONE, "phone digits": SECRET_PHONE_DIGITS}
            found = lane.plaintext_secrets(export.stdout, planted)
            self.plaintext[stack] = found
            if found:
                problem = f"plain-text secrets in state: {', '.join(found)}"
        self._record(
            stack,
            "stack export (secrets scan)",
            export,
            lane.changes_of({}),
            self.doubles.counts(),
            problem,
        )

    def change_member(self) -> None:
        """team-example: Marco's phone number and his phone rule's delay change. The offline
        `oncall diff` and the engine's `preview --diff` must agree; then `up`."""
        stack = "team-example"
        git = ["git", "-c", "user.email=e2e@localhost", "-c", "user.name=e2e"]
        env = self.env()
        run(["git", "add", "-A"], env=env, cwd=self.project, timeout=60)
        run([*git, "commit", "-qm", "deployed"], env=env, cwd=self.project, timeout=60)
        path = self.project / "stacks" / f"Pulumi.{stack}.yaml"
        text = path.read_text(encoding="utf-8")
        old = 'phone: "+1 312 555 0177", sms: "+1 312 555 0177"}'
        new = (
            'phone: "+1 312 555 0188", sms: "+1 312 555 0177", '
            "notify: {high: [{via: email}, {via: sms}, {via: phone, afterMinutes: 20}]}}"
        )
        if old not in text:
            raise LaneError(f"{path.name}: Marco's numbers are not as the lane expects")
        path.write_text(text.replace(old, new), encoding="utf-8")
        diff = self.oncall("diff", "--base", "HEAD", "--json", stack)
        preview, _ = self.step(
            stack, "preview --diff --json (change)", ["preview", "--diff", "--json"]
        )
        if diff.rc != 0:
            self.mismatches.setdefault(f"{stack} (change)", []).append(
                f"oncall diff failed: {diff.stderr.strip()[-300:]}"
            )
        elif preview.rc == 0:
            found = lane.diff_mismatches(_json(diff.stdout), stack, _json(preview.stdout))
            self.mismatches.setdefault(f"{stack} (change)", []).extend(found)
        self.step(stack, "up (change)", ["up", "--yes", "--skip-preview"])
        self.step(
            stack, "preview --expect-no-changes (after change)", ["preview", "--expect-no-changes"]
        )

    def destroy(self, stack: str, protected: bool) -> None:
        """Destroy; a protected stack must refuse first, then protect is lifted (config, up)."""
        if protected:
            self.step(stack, "destroy (protected: refused)", ["destroy", "--yes"], expect=_refused)
            self.pulumi(stack, "config", "set", "pantheon-oncall:protect", "false")
            self.step(stack, "up (protect: false)", ["up", "--yes", "--skip-preview"])
        self.step(stack, "destroy", ["destroy", "--yes"])

    # --- Adoption ---

    def check(self, stack: str, command: str, problem: str | None) -> None:
        """Record a check the lane makes itself (no command of its own)."""
        self.step_no += 1
        self._record(
            stack,
            command,
            Result(0, "", problem or "", 0.0),
            lane.changes_of({}),
            self.doubles.counts(),
            problem,
        )

    def adopt(self, engine: bool) -> None:
        """Seed a fresh PagerDuty double with the account the guide leaves behind and write
        stack files from it with `oncall import`: a team stack (`--team`) and a site stack
        (`--service --site`). Offline, each file's plan must match what exists (every imported
        object's fields, no existing rule left out). With the engine, `up` of the site stack (else
        the team stack) must only import, a preview then find nothing, and a destroy leave the
        adopted users in place."""
        pd = _double_class("pagerduty")().start()
        try:
            front = TlsProxy({"api.pagerduty.com": pd.url}, fronts=("api.pagerduty.com",))
            with front, self.doubles.pagerduty_account(pd):
                self._adopt_from(pd, front, engine)
        finally:
            pd.stop()

    def _adopt_from(self, pd: Any, front: TlsProxy, engine: bool) -> None:
        ids = pd.seed(importlib.import_module("e2e.doubles.pagerduty").guide_account())
        env = self.env() | {"PAGERDUTY_TOKEN": TOKENS["pagerduty:token"]}
        tls = [
            "--api-url",
            front.front_url("api.pagerduty.com"),
            "--ca-file",
            str(front.ca_file),
        ]
        cmd = [
            str(self.venv / "bin/python"),
            "-m",
            "oncall",
            "--project-dir",
            str(self.project),
        ]
        ready = []
        for stack, how in ADOPTIONS:
            out = ["--out", f"stacks/Pulumi.{stack}.yaml"]
            imported = self.tool_step(
                stack, f"oncall import {how[0]}", [*cmd, "import", *how, *out, *tls], env
            )
            if imported.rc == 0:
                self.adoption_matches(stack, pd.state())
                ready.append(stack)
        if engine and ready:
            self.adopt_with_engine(ready[-1], pd, ids)

    def adoption_matches(self, stack: str, state: Mapping[str, Any]) -> bool:
        """The offline plan of an imported stack file against the account; recorded."""
        plan = self.oncall("plan", "--json", stack)
        if plan.rc != 0:
            self.check(
                stack, "oncall plan (imported file)", f"exit {plan.rc}: {plan.stderr[-500:]}"
            )
            return False
        data = _json(plan.stdout)
        found = lane.import_mismatches(data, state)
        self.import_findings[stack] = found
        pd_types = [r for r in data.get("resources", []) if r["type"].startswith("pagerduty:")]
        self.offline_adoption[stack] = {
            "import": sum(1 for r in pd_types if r.get("import")),
            "create": sum(1 for r in pd_types if not r.get("import")),
            "creates": [r["name"] for r in pd_types if not r.get("import")],
        }
        problem = f"{len(found)} difference(s) from the account" if found else None
        self.check(stack, "imported file matches the account (offline plan)", problem)
        return not found

    def adopt_with_engine(self, stack: str, pd: Any, ids: Mapping[str, str]) -> None:
        """`up` of an imported stack: imports only; then no change; destroy keeps the users."""
        if not self.init_stack(stack, pd_url=pd.url):
            return
        self.pulumi(stack, "config", "set", "pantheon-oncall:protect", "false")
        _, events = self.step(
            stack,
            "up (adopt: imports only)",
            ["up", "--yes", "--skip-preview"],
            expect=_imports_only,
        )
        self.adoption = {
            "source": f"pulumi up of {stack}",
            "import": len(events.ops_by_type("import")),
            "create": len(
                [s for s in events.ops_by_type("create") if s["type"].startswith("pagerduty:")]
            ),
            "update": len(events.ops_by_type("update")),
        }
        self.step(stack, "preview --expect-no-changes", ["preview", "--expect-no-changes"])
        self.step(stack, "destroy (adopted: retained)", ["destroy", "--yes"])
        users = {u["id"] for u in pd.state()["users"]}
        gone = [k for k, v in ids.items() if k.startswith("user:") and v not in users]
        self.check(
            stack,
            "adopted users stay after destroy",
            f"deleted by destroy: {', '.join(gone)}" if gone else None,
        )

    # --- The CLI and the YAML host alone ---

    def yaml_host_smoke(self) -> None:
        """What runs with the CLI and the YAML host alone: a YAML program that reads the team
        stack through the name site stacks give `teamStack` (a file backend resolves the
        `organization/` form), and exports a value set with `config set --secret`; then
        `pulumi stack export` must hold that value only encrypted."""
        stack = "yaml-host"
        folder = self.work / "yaml-host"
        folder.mkdir(exist_ok=True)
        program = {
            "name": "oncall-yaml-host",
            "runtime": "yaml",
            "config": {"phone": {"type": "string"}},
            "resources": {
                "team": {
                    "type": "pulumi:pulumi:StackReference",
                    "properties": {"name": "organization/pantheon-oncall/team-example"},
                }
            },
            "outputs": {"phone": "${phone}", "teamOutputs": "${team.outputs}"},
        }
        (folder / "Pulumi.yaml").write_text(yaml.safe_dump(program, sort_keys=False))
        init = self.pulumi(stack, "stack", "init", "--secrets-provider", "passphrase", cwd=folder)
        secret = self.pulumi(stack, "config", "set", "--secret", "phone", SECRET_PHONE, cwd=folder)
        if init.rc or secret.rc:
            self.check(
                stack, "stack init + config set --secret", (init.stderr + secret.stderr)[-500:]
            )
            return
        up, _ = self.step(
            stack, "up (YAML host, stack reference)", ["up", "--yes", "--skip-preview"], cwd=folder
        )
        if up.rc != 0:
            return
        export = self.pulumi(stack, "stack", "export", cwd=folder, timeout=SHORT_TIMEOUT)
        found = (
            lane.plaintext_secrets(export.stdout, {"phone": SECRET_PHONE}) if export.rc == 0 else []
        )
        self.plaintext[stack] = found
        problem = f"exit status {export.rc}" if export.rc else None
        if found:
            problem = "the secret output is in the state in plain text"
        self.check(stack, "stack export (secret output encrypted)", problem)
        self.step(stack, "destroy (YAML host)", ["destroy", "--yes"], cwd=folder)

    # --- The component package from YAML ---

    def yaml_program(self) -> None:
        """A Pulumi YAML program that uses TeamOnCall through components/PulumiPlugin.yaml."""
        stack = "yaml-team"
        folder = self.work / "yaml-program"
        folder.mkdir(exist_ok=True)
        (folder / "Pulumi.yaml").write_text(
            yaml.safe_dump(_yaml_program(self.project / "components"), sort_keys=False),
            encoding="utf-8",
        )
        if not self.init_stack(stack, cwd=folder):
            return
        self.step(stack, "preview (YAML program)", ["preview"], cwd=folder)
        up, _ = self.step(stack, "up (YAML program)", ["up", "--yes", "--skip-preview"], cwd=folder)
        if up.rc == 0:
            self.step(
                stack,
                "preview --expect-no-changes (YAML)",
                ["preview", "--expect-no-changes"],
                cwd=folder,
            )
            self.step(stack, "destroy (YAML program)", ["destroy", "--yes"], cwd=folder)

    # --- The summary ---

    def write_summary(
        self, versions: Mapping[str, Any], seconds: float, blocked: Mapping[str, Mapping[str, Any]]
    ) -> dict[str, Any]:
        """build/e2e/summary.json and build/e2e/mismatches.json."""
        adoption: dict[str, Any] = dict(self.adoption)
        if not adoption and self.offline_adoption:
            stack, counted = list(self.offline_adoption.items())[-1]
            adoption = {**counted, "source": f"oncall plan of {stack} (the engine did not run it)"}
        data = lane.summary(
            versions=versions,
            steps=self.steps,
            adoption=adoption,
            plaintext=sum(len(v) for v in self.plaintext.values()),
            mismatches=sum(len(v) for v in self.mismatches.values()),
            requests=self.doubles.counts(),
            unimplemented=self.doubles.unimplemented(),
            refused=[f"{r['method']} {r['target']}" for r in self.doubles.proxy.refused],
            seconds=seconds,
            blocked=blocked,
        )
        (self.out / "summary.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        findings = {
            "offline_vs_engine": self.mismatches,
            "import_vs_account": self.import_findings,
            "offline_adoption": self.offline_adoption,
            "plaintext_secrets": {k: v for k, v in self.plaintext.items() if v},
        }
        (self.out / "mismatches.json").write_text(
            json.dumps(findings, indent=2) + "\n", encoding="utf-8"
        )
        return data


PROBE_CASES = "probeCases"


def probe_file(cases_file: Path) -> tuple[str, dict[str, Any]]:
    """The probe stack's file: PROBE_FILE, plus every case of `cases_file` (when it exists) as
    `c00: <yaml>`, `c01: …` under pantheon-oncall:probeCases; and the case of each key."""
    if not cases_file.exists():
        return PROBE_FILE, {}
    cases = json.loads(cases_file.read_text(encoding="utf-8"))["cases"]
    lines = [f"  pantheon-oncall:{PROBE_CASES}:"]
    expected: dict[str, Any] = {}
    for number, case in enumerate(cases):
        key = f"c{number:02d}"
        lines.append(f"    {key}: {case['yaml']}".rstrip())
        expected[key] = case
    return PROBE_FILE + "\n".join(lines) + "\n", expected


def offline_config(project: Path, stack: str) -> dict[str, str]:
    """The stack's config as the offline loader reads it, in the strings the engine passes to a
    program (oncall.config.stackfile's `engine_config`); keys with problems are left out there."""
    from oncall.config import stackfile
    from oncall.config.errors import ConfigError

    try:
        loaded = stackfile.load(project, stack)
    except stackfile.StackFileError as e:
        loaded = e.partial
    except ConfigError:
        return {}
    return loaded.engine_config()


def _exit_ok(result: Result, events: lane.EventLog) -> str | None:
    if result.rc == 0:
        return None
    reason = events.errors[-1] if events.errors else result.stderr.strip()[-500:]
    return f"exit status {result.rc}: {reason[:500]}"


def _refused(result: Result, events: lane.EventLog) -> str | None:
    """A destroy of a protected stack must fail, naming protection."""
    text = result.stdout + result.stderr + "\n".join(events.errors)
    if result.rc != 0 and "protect" in text:
        return None
    return (
        "destroy of a protected stack did not refuse"
        if result.rc == 0
        else _exit_ok(result, events)
    )


def _imports_only(result: Result, events: lane.EventLog) -> str | None:
    """The adoption's `up`: ok, and no create of a PagerDuty object, no update."""
    problem = _exit_ok(result, events)
    if problem:
        return problem
    creates = [s for s in events.ops_by_type("create") if s["type"].startswith("pagerduty:")]
    updates = events.ops_by_type("update")
    if creates or updates:
        names = [lane.urn_name(s["urn"]) for s in creates + updates]
        return f"{len(creates)} create(s), {len(updates)} update(s): {', '.join(names)}"
    return None


def _json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _use_venv(manifest: Path, venv: Path) -> None:
    """Point a manifest's python runtime at the project's venv (a relative `virtualenv` would
    resolve inside the copy, where there is none, and the host would create and fill one)."""
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    options = data.setdefault("runtime", {}).setdefault("options", {})
    options["virtualenv"] = str(venv)
    manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _yaml_program(components: Path) -> dict[str, Any]:
    """A one-member team in Pulumi YAML, through the component package at `components`."""
    return {
        "name": "oncall-yaml",
        "runtime": "yaml",
        "packages": {"pantheon-oncall": str(components)},
        "resources": {
            "team": {
                "type": "pantheon-oncall:index:TeamOnCall",
                "properties": {
                    "name": "YAML Team",
                    "timeZone": "America/Chicago",
                    "members": {
                        "yuki": {
                            "name": "Yuki Tanaka",
                            "email": "yuki@yaml.example",
                            "role": "responder",
                            "phone": {"countryCode": 1, "number": "3125550199"},
                        }
                    },
                    "schedules": {
                        "main": {
                            "name": "YAML primary",
                            "layers": [
                                {
                                    "name": "Backstop",
                                    "members": ["yuki"],
                                    "start": "2026-11-02T00:00:00-06:00",
                                    "rotationTurnLengthSeconds": 604800,
                                }
                            ],
                        }
                    },
                    "escalationPolicy": {
                        "name": "YAML escalation",
                        "rules": [
                            {
                                "escalationDelayInMinutes": 15,
                                "targets": [{"type": "schedule", "ref": "main"}],
                            }
                        ],
                    },
                },
            }
        },
        "outputs": {"escalationPolicyId": "${team.escalationPolicyId}"},
    }


def engine_bin(given: str | None) -> Path:
    """The engine's bin dir: --engine-bin, $PANTHEON_ONCALL_ENGINE, or `engine/build.sh --path`."""
    if given is None:
        given = os.environ.get("PANTHEON_ONCALL_ENGINE")
    if given is None:
        script = ROOT / "engine" / "build.sh"
        if not script.exists():
            raise LaneError("no engine: engine/build.sh is missing (or pass --engine-bin DIR)")
        found = run([str(script), "--path"], env=os.environ, cwd=ROOT, timeout=60)
        if found.rc != 0:
            raise LaneError(
                f"no engine built: {found.stderr.strip() or found.stdout.strip()}; run make engine"
            )
        given = found.stdout.strip().splitlines()[-1]
    path = Path(given)
    if not (path / "pulumi").exists():
        raise LaneError(f"engine bin {path}: no pulumi in it")
    return path


def versions(bin_dir: Path) -> dict[str, Any]:
    """What the engine build recorded beside the bin dir (versions.json), compact: each binary's
    main module@version, and each binary it could not build with the module it needed."""
    path = bin_dir.parent / "versions.json"
    if not path.exists():
        out = run(
            [str(bin_dir / "pulumi"), "version"],
            env={"PATH": "/usr/bin:/bin"},
            cwd=bin_dir,
            timeout=60,
        )
        return {"pulumi": out.stdout.strip()}
    data = json.loads(path.read_text(encoding="utf-8"))
    compact: dict[str, Any] = {"go": data.get("go")}
    for name, built in (data.get("binaries") or {}).items():
        compact[name] = built.get("module") if isinstance(built, Mapping) else built
    for name, why in (data.get("unavailable") or {}).items():
        module = why.get("module") if isinstance(why, Mapping) else why
        compact[name] = f"not built ({module})"
    return compact


def main(argv: Sequence[str] | None = None) -> int:
    """Run the lane; 0 when green."""
    parser = argparse.ArgumentParser(prog="python -m e2e.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--engine-bin", help="the engine's bin dir (default: engine/build.sh --path)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "e2e")
    parser.add_argument("--only", choices=["team-example"], help="only the team stack's cycle")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--allow-blocked",
        action="store_true",
        help="exit 0 when every step that could run is green, although parts are blocked by "
        "binaries the engine could not build (the summary lists them); the CI gate meanwhile",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        bin_dir = engine_bin(args.engine_bin)
        (args.out / "steps").mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="pantheon-oncall-e2e-"))
        try:
            data = _run_lane(bin_dir, work, args.out, args.only)
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    except LaneError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    reasons = lane.failed(data, allow_blocked=args.allow_blocked)
    seconds = time.monotonic() - started
    print(f"[e2e] {len(data['steps'])} steps in {seconds:.0f} s; see {args.out / 'summary.json'}")
    if args.allow_blocked:
        for line in lane.blocked_lines(data):
            print(f"[e2e] BLOCKED {line}")
    for reason in reasons:
        print(f"[e2e] {reason}", file=sys.stderr)
    if not reasons and data["blocked"]:
        print(f"[e2e] green: every step that could run; {len(data['blocked'])} part(s) blocked")
    return 1 if reasons else 0


def missing(bin_dir: Path, part: str) -> list[str]:
    """The engine binaries `part` of the lane needs that `bin_dir` lacks."""
    return [name for name in NEEDS[part] if not (bin_dir / name).exists()]


def blocked(bin_dir: Path) -> dict[str, dict[str, Any]]:
    """The parts the engine cannot run: part → what it runs, and each missing binary with the
    module the engine build could not have (versions.json's `unavailable`, beside bin/)."""
    path = bin_dir.parent / "versions.json"
    record = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    unavailable = record.get("unavailable") or {}
    found: dict[str, dict[str, Any]] = {}
    for part in NEEDS:
        names = missing(bin_dir, part)
        if names:
            needs = {}
            for name in names:
                why = unavailable.get(name)
                module = why.get("module") if isinstance(why, Mapping) else why
                needs[name] = module or "not built (the engine build recorded no module)"
            found[part] = {"runs": RUNS[part], "needs": needs}
    return found


def _run_lane(bin_dir: Path, work: Path, out: Path, only: str | None) -> dict[str, Any]:
    started = time.monotonic()
    with doubles(work / "ca") as running:
        the_lane = Lane(bin_dir, work, out, running)
        the_lane.prepare()
        stacks = DEPLOY_STACKS[:1] if only else DEPLOY_STACKS
        for stack in (*stacks, PROBE_STACK):
            the_lane.configure(stack)
        cannot = blocked(bin_dir)
        runnable = [s for s in stacks if ("team" if s == "team-example" else "sites") not in cannot]
        the_lane.cycle(runnable)
        if not only:
            the_lane.adopt(engine="adoption" not in cannot)
        if not only and "yaml-host" not in cannot:
            the_lane.yaml_host_smoke()
        if not only and "yaml" not in cannot:
            the_lane.yaml_program()
        if only:
            cannot = {k: v for k, v in cannot.items() if k == "team"}
        return the_lane.write_summary(versions(bin_dir), time.monotonic() - started, cannot)


if __name__ == "__main__":
    sys.exit(main())
