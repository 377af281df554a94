"""A seeded mutation fuzzer for stack files: bad input must end in a clean rejection.

Each mutant is one of the project's stack files with one thing broken, the way people and
editors break YAML: a key deleted, misspelled or duplicated; a value replaced by one of the wrong
type, out of range, huge, non-finite, full of control characters or shaped like a credential;
unquoted timestamps, `!!binary`, a recursive alias, deep nesting, an alias bomb, invalid UTF-8, a
truncated file. Every mutant is planned in-process with `oncall plan`'s own `main`, and
the outcome is one of: planned (exit 0), rejected (exit 1 with `error:` messages), crashed (any
exception: a traceback a user would see) or hung (past the time limit). A mutant that plans is
also given to `check` (the schedule model), where only a crash or a hang counts.

    python -m tools.fuzz                     # 300 mutants of every stack, seed 8
    python -m tools.fuzz --count 2000 --seed 1

The same seed gives the same mutants. tests/tools/test_fuzz.py runs it and asserts no crash, no
hang.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import shutil
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import yaml

# Values that broke, or could break, something downstream of the loader.
NASTY_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    2**63,
    10**300,
    1e308,
    -1e308,
    float("inf"),
    float("nan"),
    0.5,
    "",
    " ",
    "x" * 5000,
    "\x1b[31mred\x1b[0m",
    "\u202eevil",
    "a\x00b",
    "2026-11-02",
    "9999-12-31T23:59:59",
    "0001-01-01T00:00:00",
    "America",
    "A" * 256,
    "EST",
    "+1 000",
    "+44 20 7946 0958 0",
    "#channel",
    "schedule:",
    "user:nobody",
    "NRAK-FUZZFUZZFUZZFUZZFUZZFUZZFUZZ0",
    {"secure": "v1:fuzz"},
    [],
    {},
    [[[[]]]],
    {"a": {"b": {"c": None}}},
]

TEXT_MUTATIONS = (
    "unquote",
    "duplicate key",
    "truncate",
    "bad utf-8",
    "binary",
    "tab",
    "recursive alias",
    "deep nesting",
    "alias bomb",
    "drop line",
    "swap lines",
)


@dataclass
class Report:
    """What happened to the mutants."""

    tried: int = 0
    planned: int = 0
    rejected: int = 0
    crashed: list[tuple[str, str]] = field(default_factory=list)
    """(what the mutant was, the traceback)."""
    hung: list[tuple[str, str]] = field(default_factory=list)
    """(what the mutant was, where it was when stopped)."""

    def summary(self) -> str:
        """One line for the end of a run: how many mutants planned, were rejected cleanly, crashed
        or hung."""
        return (
            f"{self.tried} mutants: {self.planned} planned, {self.rejected} rejected cleanly, "
            f"{len(self.crashed)} tracebacks, {len(self.hung)} hangs"
        )


class _Hang(BaseException):
    """Raised in the main thread when a mutant runs past its time limit."""


def mutants(text: str, rng: random.Random) -> Iterator[tuple[str, bytes]]:
    """Endless (description, file content) mutants of one stack file's text."""
    doc = yaml.safe_load(text)
    while True:
        if rng.random() < 0.4:
            kind = rng.choice(TEXT_MUTATIONS)
            yield kind, _text_mutant(text, kind, rng)
        else:
            mutant = yaml.safe_load(text) if doc is not None else {}
            description = _tree_mutant(mutant, rng)
            yield description, yaml.safe_dump(mutant, sort_keys=False).encode()


def _nodes(value: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(path, container, key) of every value in the tree."""
    if isinstance(value, dict):
        for key in list(value):
            yield f"{path}.{key}", value, key
            yield from _nodes(value[key], f"{path}.{key}")
    elif isinstance(value, list):
        for index in range(len(value)):
            yield f"{path}[{index}]", value, index
            yield from _nodes(value[index], f"{path}[{index}]")


def _tree_mutant(doc: Any, rng: random.Random) -> str:
    nodes = list(_nodes(doc))
    if not nodes:
        return "unchanged"
    path, container, key = rng.choice(nodes)
    operation = rng.choice(("replace", "replace", "replace", "delete", "rename", "wrap", "repeat"))
    if operation == "replace":
        value = rng.choice(NASTY_VALUES)
        container[key] = value
        return f"{path} = {value!r:.40}"
    if operation == "delete":
        del container[key]
        return f"{path} deleted"
    if operation == "rename" and isinstance(container, dict):
        new = _misspelled(str(key), rng)
        container[new] = container.pop(key)
        return f"{path} renamed {new!r}"
    if operation == "wrap":
        container[key] = rng.choice(([container[key]], {"value": container[key]}))
        return f"{path} wrapped"
    if isinstance(container, list):
        container.insert(key, container[key])
        return f"{path} repeated"
    container[key] = [container[key], container[key]]
    return f"{path} doubled"


def _misspelled(word: str, rng: random.Random) -> str:
    if not word:
        return "x"
    at = rng.randrange(len(word))
    return (
        rng.choice(
            (
                word[:at] + word[at + 1 :],
                word[:at] + word[at] * 2 + word[at + 1 :],
                word.upper(),
                word.capitalize(),
                word + "s",
            )
        )
        or "x"
    )


def _text_mutant(text: str, kind: str, rng: random.Random) -> bytes:
    lines = text.splitlines()
    keyed = [i for i, line in enumerate(lines) if ":" in line and not line.lstrip().startswith("#")]
    at = rng.choice(keyed) if keyed else 0
    if kind == "unquote":
        return text.replace('"', "").encode()
    if kind == "duplicate key" and keyed:
        lines.insert(at + 1, lines[at])
    elif kind == "truncate":
        return text[: rng.randrange(len(text) + 1)].encode()
    elif kind == "bad utf-8":
        data = text.encode()
        cut = rng.randrange(len(data) + 1)
        return data[:cut] + rng.choice((b"\x85", b"\xff\xfe", b"\xc3")) + data[cut:]
    elif kind == "binary" and keyed:
        head = lines[at].split(":", 1)[0]
        lines[at] = f"{head}: !!binary aGVsbG8="
    elif kind == "tab" and keyed:
        lines[at] = "\t" + lines[at]
    elif kind in ("recursive alias", "deep nesting", "alias bomb") and keyed:
        head = lines[at].split(":", 1)[0]
        indent = head[: len(head) - len(head.lstrip())]
        lines[at : at + 1] = _structure(kind, head, indent, rng)
    elif kind == "drop line" and lines:
        del lines[at]
    elif kind == "swap lines" and len(lines) > 1:
        other = rng.randrange(len(lines))
        lines[at], lines[other] = lines[other], lines[at]
    return ("\n".join(lines) + "\n").encode()


def _structure(kind: str, head: str, indent: str, rng: random.Random) -> list[str]:
    if kind == "recursive alias":
        return [f"{head}: &loop {{x: 1, y: *loop}}"]
    if kind == "deep nesting":
        depth = rng.choice((40, 200, 500, 2000))
        return [f"{head}: " + "[" * depth + "]" * depth]
    bomb = [f"{head}:", f"{indent}  l0: &l0 [a, a, a, a, a, a, a, a, a]"]
    bomb += [f"{indent}  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]
    return bomb


def run(
    project_dir: Path,
    count: int = 300,
    seed: int = 8,
    timeout: float = 10.0,
    stacks: list[str] | None = None,
    on_mutant: Callable[[str, str], None] | None = None,
) -> Report:
    """Plan `count` mutants, spread over `stacks` (default: every stack), in a scratch copy of
    the project; report what happened to them."""
    from oncall.config import stackfile

    rng = random.Random(seed)
    names = stacks or stackfile.stack_names(project_dir)
    _, stacks_dir = stackfile.project_name(project_dir)
    sources = {name: (stacks_dir / f"Pulumi.{name}.yaml").read_text() for name in names}
    generators = {name: mutants(text, rng) for name, text in sources.items()}
    report = Report()
    with tempfile.TemporaryDirectory(prefix="oncall-fuzz-") as scratch:
        root = Path(scratch)
        shutil.copy(project_dir / "Pulumi.yaml", root / "Pulumi.yaml")
        shutil.copy(project_dir / "__main__.py", root / "__main__.py")
        shutil.copytree(stacks_dir, root / stacks_dir.relative_to(project_dir))
        target = root / stacks_dir.relative_to(project_dir) / "Pulumi.fuzz.yaml"
        for index in range(count):
            name = names[index % len(names)]
            description, content = next(generators[name])
            label = f"{name}: {description}"
            if on_mutant is not None:
                on_mutant(label, content.decode("utf-8", "replace"))
            target.write_bytes(content)
            _plan_one(root, label, timeout, report)
    return report


def _plan_one(root: Path, label: str, timeout: float, report: Report) -> None:
    """Plan the mutant; when it plans, `check` its schedules too (crashes and hangs only: a
    schedule error is check's exit 1, not a failure)."""
    report.tried += 1
    outcome = _run(root, ["plan", "fuzz"], label, timeout, report)
    if outcome is None:
        return
    status, message = outcome
    if status == 0:
        report.planned += 1
        _run(root, ["check", "fuzz", "--weeks", "8"], f"{label} (check)", timeout, report)
    elif status == 1 and message.startswith(("error:", "usage:")) and _clean(message):
        report.rejected += 1
    else:
        report.crashed.append((label, f"exit {status}: {message[:2000]!r}"))


def _run(
    root: Path, argv: list[str], label: str, timeout: float, report: Report
) -> tuple[int, str] | None:
    """Run the CLI in-process: (exit status, stderr), or None after a crash or hang (reported)."""
    from oncall import cli

    out, err = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cli.run(["--project-dir", str(root), *argv])
    except _Hang:
        report.hung.append((label, traceback.format_exc()))
        return None
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else 1
    except Exception:
        report.crashed.append((label, traceback.format_exc()))
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return status, err.getvalue()


def _clean(message: str) -> bool:
    """A message fit for a terminal: short lines, no raw control characters."""
    lines = message.splitlines()
    return all(len(line) < 1000 and line.isprintable() for line in lines)


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _Hang


def main(argv: list[str] | None = None) -> int:
    """`python -m tools.fuzz`: plan mutants of every stack; exit 1 when one crashed or hung."""
    parser = argparse.ArgumentParser(prog="python -m tools.fuzz", description=__doc__)
    parser.add_argument("--project-dir", type=Path, default=Path.cwd())
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per mutant")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.project_dir.resolve()))
    report = run(args.project_dir, args.count, args.seed, args.timeout)
    for label, trace in report.crashed:
        print(f"TRACEBACK {label}\n{trace}", file=sys.stderr)
    for label, trace in report.hung:
        print(f"HANG {label}\n{trace}", file=sys.stderr)
    print(report.summary())
    return 1 if report.crashed or report.hung else 0


if __name__ == "__main__":
    sys.exit(main())
