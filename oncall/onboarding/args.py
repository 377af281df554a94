"""The argument checks of `oncall import`, made before anything is read from PagerDuty.

A bad option is refused at once with one message naming it, instead of after the whole account
has been read (the site and env), or as a traceback from the HTTP client (`--api-url`), the TLS
layer (`--ca-file`) or the file system (`--out`).
"""

from __future__ import annotations

import re
import ssl
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from oncall.config import stack_write
from oncall.config.errors import shown
from oncall.config.site import Site, meant_env
from oncall.config.urls import url_problem
from oncall.onboarding.account import ImportFailed
from oncall.onboarding.newsite import ESC_NAME


def checked_options(args: Any) -> ssl.SSLContext | None:
    """Raise ImportFailed for the first bad option; return the TLS context of --ca-file."""
    _check_out(args.out, args.force, args.project_dir)
    if args.api_url is not None:
        problem = url_problem(args.api_url, loopback_http=False)
        if problem is not None:
            raise ImportFailed(f"--api-url {shown(args.api_url)}: {problem}")
    _check_site(args.site, args.env, args.domain, getattr(args, "multidev", False))
    for name in args.environment:
        if not re.fullmatch(ESC_NAME, name):
            raise ImportFailed(
                f"--environment {shown(name)}: expected a Pulumi ESC environment name, "
                "e.g. acme/pagerduty-credentials"
            )
    return ca_context(args.ca_file) if args.ca_file else None


def _check_out(out: Path, force: bool, project_dir: Path) -> None:
    refused = stack_write.refusal(out, project_dir, named_outside_ok=True)
    if refused is not None:  # a symbolic link, or outside the project: even with --force
        raise ImportFailed(f"--out {shown(str(out))}: {refused}")
    if out.is_dir():
        raise ImportFailed(
            f"--out {shown(str(out))}: a folder; expected the stack file to write, "
            "e.g. stacks/Pulumi.<stack>.yaml"
        )
    if out.exists() and not force:
        raise ImportFailed(f"{out} exists: pass --force to overwrite it")
    folder = out.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise ImportFailed(f"--out {shown(str(out))}: {folder} is a file, not a folder")


def _check_site(site: str | None, env: str | None, domain: str | None, multidev: bool) -> None:
    if domain is not None and site is None:
        raise ImportFailed("--domain is the site's host: it goes with --site and --env")
    if site is None or env is None:
        return  # the import itself says that --site and --env go together
    meant = None if multidev else meant_env(env)
    if meant is not None:
        raise ImportFailed(
            f"--env {shown(env)}: did you mean {meant}? As written it would be a multidev "
            "(low urgency, no ping monitor); --multidev writes it as one"
        )
    try:
        Site(name=site, env=env, domain=domain)
    except ValidationError as e:
        error = e.errors(include_url=False)[0]
        option = {"name": "--site", "env": "--env", "domain": "--domain"}[str(error["loc"][0])]
        value = {"--site": site, "--env": env, "--domain": domain}[option]
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ImportFailed(f"{option} {shown(value)}: {message}") from None


def ca_context(ca_file: Path) -> ssl.SSLContext:
    """The TLS context that trusts the certificate authorities of --ca-file (a PEM file)."""
    expected = "expected a PEM file of certificate authorities (a TLS proxy's)"
    try:
        return ssl.create_default_context(cafile=str(ca_file))
    except ssl.SSLError:
        raise ImportFailed(
            f"--ca-file {shown(str(ca_file))}: no certificate in it; {expected}"
        ) from None
    except OSError as e:
        raise ImportFailed(f"--ca-file {shown(str(ca_file))}: {e.strerror}; {expected}") from None
