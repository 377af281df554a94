"""What Pantheon's `terminus` prints, read: `site:list` and `domain:list`, both `--format=json`.

The shapes, as pantheon-systems/terminus 3.6 (commit 581296d) prints them:

- `terminus site:list --format=json` (src/Commands/Site/ListCommand.php) prints the rows of
  `Site::serialize()` (src/Models/Site.php), keyed by site id (`TerminusCollection::serialize`),
  with the command's `@default-fields`: `name` (the machine name), `id`, `plan_name` (the plan's
  label: "Sandbox", "Basic", "Performance Small", "Elite"…), `framework`, `region`, `owner`,
  `created` (a Unix time), `memberships` and `frozen` (`Site::isFrozen()`, a boolean).
- `terminus domain:list <site>.<env> --format=json` (src/Commands/Domain/ListCommand.php) prints
  the rows of `Domain::serialize()` (src/Models/Domain.php), keyed by domain: `id` (the host),
  `type` ("platform" for Pantheon's `<env>-<site>.pantheonsite.io`, "custom" for the site's own),
  `primary` and `deletable` (booleans), `status`.
- `--format=json` is consolidation/output-formatters' JsonFormatter (src/Formatters/
  JsonFormatter.php): `json_encode` of the rows. It is not a RenderDataInterface formatter, so the
  renderer terminus adds for tables (booleans as the words "true"/"false") does not apply: flags
  stay JSON booleans. PHP encodes an empty result as `[]`, rows as an object; a list of rows is
  accepted as well (what `jq '[.[]]'` makes of it).

A field a check needs (`plan_name`, `frozen`, `primary`) is required: a file saved with
`--fields` that leaves one out is refused, naming the row, rather than read as "not frozen".
Files are read up to MAX_BYTES, and at most MAX_PROBLEMS problems are listed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError

from oncall.config.errors import MISSING, ConfigError, Problem
from oncall.config.site import Host, SiteName

MAX_BYTES: Final = 64 * 2**20
"""The largest terminus export read (a site list of 100,000 sites is about 40 MiB)."""
MAX_PROBLEMS: Final = 20
"""The most problems one file reports (a file of a million bad rows is one screen, not a flood)."""
SITE_LIST: Final = "terminus site:list --format=json"
DOMAIN_LIST: Final = "terminus domain:list <site>.<env> --format=json"
_TRUE: Final = (True, "true", "1", 1)
_FALSE: Final = (False, "false", "0", 0, "")
_SITE_NAME: TypeAdapter[str] = TypeAdapter(SiteName)
_HOST: TypeAdapter[str] = TypeAdapter(Host)


@dataclass(frozen=True)
class PantheonSite:
    """A site as `terminus site:list` lists it."""

    name: str
    """The machine name (`pantheon-oncall:site.name` in a stack file)."""
    id: str
    plan: str
    """The plan's label, e.g. "Basic"."""
    frozen: bool
    framework: str | None = None


@dataclass(frozen=True)
class Domain:
    """A domain of a site environment, as `terminus domain:list` lists it."""

    host: str
    type: str
    """"platform" (`*.pantheonsite.io`) or "custom"."""
    primary: bool


def read_json(path: Path, option: str, expected: str) -> Any:
    """The JSON document in `path` (`-`: standard input); ConfigError naming the file (or the
    option, for standard input) when it cannot be read, is larger than MAX_BYTES or is not JSON.
    `expected` says what it should hold, e.g. SITE_LIST."""
    where = f"{option} -" if str(path) == "-" else str(path)
    try:
        if str(path) == "-":
            text = sys.stdin.read(MAX_BYTES + 1)
            size = len(text)
        else:
            with path.open("rb") as file:
                data = file.read(MAX_BYTES + 1)
            size = len(data)
            text = data.decode("utf-8") if size <= MAX_BYTES else ""
        if size > MAX_BYTES:
            message = f"larger than {MAX_BYTES // 2**20} MiB; expected {expected}"
            raise ConfigError([Problem(where, MISSING, message)])
        return json.loads(text)
    except FileNotFoundError:
        raise ConfigError([Problem(where, MISSING, "file not found")]) from None
    except UnicodeDecodeError as e:
        message = f"not UTF-8 text (byte {e.start}); expected {expected}"
        raise ConfigError([Problem(where, MISSING, message)]) from None
    except json.JSONDecodeError as e:
        message = f"not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})"
        raise ConfigError([Problem(where, MISSING, message)]) from None
    except RecursionError:
        raise ConfigError([Problem(where, MISSING, "not valid JSON: nested too deeply")]) from None
    except ValueError as e:  # a number of more digits than Python converts
        raise ConfigError([Problem(where, MISSING, f"not valid JSON: {e}")]) from None
    except OSError as e:
        raise ConfigError([Problem(where, MISSING, f"cannot read it: {e.strerror}")]) from None


def rows(doc: Any, where: str, expected: str) -> Iterator[tuple[str, Any]]:
    """The rows of a terminus export (an object of rows, or a list of them), each with where it
    is (`file[3]`); ConfigError when the document is neither."""
    if isinstance(doc, Mapping):
        values: Iterable[Any] = doc.values()
    elif isinstance(doc, list):
        values = doc
    else:
        raise ConfigError([Problem(where, doc, f"expected the rows of {expected}")])
    for index, row in enumerate(values):
        yield f"{where}[{index}]", row


def read_sites(path: Path, option: str = "--sites") -> list[PantheonSite]:
    """The sites of a `terminus site:list --format=json` file (`-`: standard input)."""
    where = f"{option} -" if str(path) == "-" else str(path)
    sites, problems = [], _Problems(where)
    seen: dict[str, str] = {}
    for at, row in rows(read_json(path, option, SITE_LIST), where, SITE_LIST):
        site = _site(at, row, problems)
        if site is None:
            continue
        if site.name in seen:
            problems.add(at, site.name, f"a second site of this name (first at {seen[site.name]})")
            continue
        seen[site.name] = at
        sites.append(site)
    problems.raise_any()
    return sorted(sites, key=lambda s: s.name)


def read_domains(path: Path) -> list[Domain]:
    """The domains of a `terminus domain:list <site>.<env> --format=json` file."""
    domains, problems = [], _Problems(str(path))
    for at, row in rows(read_json(path, str(path), DOMAIN_LIST), str(path), DOMAIN_LIST):
        domain = _domain(at, row, problems)
        if domain is not None:
            domains.append(domain)
    problems.raise_any()
    return domains


def _site(at: str, row: Any, problems: _Problems) -> PantheonSite | None:
    if not isinstance(row, Mapping):
        problems.add(at, row, f"expected a site (a row of {SITE_LIST})")
        return None
    name = problems.valid(f"{at}.name", row.get("name", MISSING), _SITE_NAME)
    plan = row.get("plan_name", MISSING)
    if not (isinstance(plan, str) and plan.strip() and plan.isprintable()):
        why = "expected the site's plan, e.g. Basic (saved with --fields without plan_name?)"
        problems.add(f"{at}.plan_name", plan, why)
        plan = None
    frozen = problems.flag(f"{at}.frozen", row.get("frozen", MISSING))
    site_id, framework = row.get("id"), row.get("framework")
    if name is None or plan is None or frozen is None:
        return None
    return PantheonSite(
        name=name,
        id=site_id if isinstance(site_id, str) else "",
        plan=plan.strip(),
        frozen=frozen,
        framework=framework if isinstance(framework, str) else None,
    )


def _domain(at: str, row: Any, problems: _Problems) -> Domain | None:
    if not isinstance(row, Mapping):
        problems.add(at, row, f"expected a domain (a row of {DOMAIN_LIST})")
        return None
    host = problems.valid(f"{at}.id", row.get("id", MISSING), _HOST)
    kind = row.get("type", MISSING)
    if not (isinstance(kind, str) and kind.isprintable() and 0 < len(kind) <= 40):
        problems.add(f"{at}.type", kind, "expected the domain's type: platform or custom")
        kind = None
    primary = problems.flag(f"{at}.primary", row.get("primary", MISSING))
    if host is None or kind is None or primary is None:
        return None
    return Domain(host=host, type=kind, primary=primary)


class _Problems:
    """The problems of one file, at most MAX_PROBLEMS of them listed."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.found: list[Problem] = []
        self.count = 0

    def add(self, path: str, value: object, message: str) -> None:
        self.count += 1
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(Problem(path, value, message))

    def valid(self, path: str, value: object, adapter: TypeAdapter[str]) -> str | None:
        """`value` checked by `adapter` (a site name, a host); None (and a problem) if not."""
        if value is MISSING or not isinstance(value, str):
            expected = "a site machine name" if adapter is _SITE_NAME else "a host name"
            self.add(path, value, f"expected {expected}")
            return None
        try:
            return adapter.validate_python(value)
        except ValidationError as e:
            message = str(e.errors(include_url=False)[0]["msg"]).removeprefix("Value error, ")
            self.add(path, value, message)
            return None

    def flag(self, path: str, value: object) -> bool | None:
        """A terminus flag: true or false (or terminus's table words for them)."""
        if value in _TRUE and value is not MISSING:
            return True
        if value in _FALSE and value is not MISSING:
            return False
        self.add(path, value, "expected true or false")
        return None

    def raise_any(self) -> None:
        if self.count > len(self.found):
            more = self.count - len(self.found)
            self.found.append(Problem(self.where, MISSING, f"and {more} more problem(s)"))
        if self.found:
            raise ConfigError(self.found)
