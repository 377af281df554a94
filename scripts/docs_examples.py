"""The outputs the documentation shows, made by the project's own commands (`make pictures`).

    venv/bin/python scripts/docs_examples.py

Writes into docs/examples/:
- plan-guide-test.txt: `oncall plan guide-test` of the tests' fixture project, as docs/plan.md
  shows it;
- calendar-example-live.txt: `oncall calendar example-live --from 2026-11-30` of the example
  stack in stacks/ (the guide's setup a new user starts from), which docs/calendar.md shows with
  the picture the Makefile draws of the same weeks;
- pr-comment.md: the report `oncall diff` writes for a pull request, the one CI posts as the PR
  comment, for a change made in a copy of the fixture project (a git repository of its own): the
  first escalation rule of guide-live waits 10 minutes instead of 15, and a member is renamed
  (joe to joseph, without `formerly`, so the report calls out the person it would delete);
- pr-comment.png: that Markdown rendered as GitHub renders a comment (HTML in a scratch folder,
  then a screenshot by headless Chromium), which docs/diff.md shows.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import markdown

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "examples"
ONCALL = [sys.executable, "-m", "oncall"]
FIXTURES = ROOT / "tests" / "project"
FROM = "2026-12-02T12:00"
"""Where the example PR comment's roster review looks from: a Wednesday, mid-rotation."""
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><style>
body {{ margin: 0; background: #fff; }}
.comment {{ width: 860px; margin: 16px; border: 1px solid #d0d7de; border-radius: 6px;
  font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
  color: #1f2328; }}
.head {{ background: #f6f8fa; border-bottom: 1px solid #d0d7de; padding: 8px 16px;
  color: #59636e; border-radius: 6px 6px 0 0; }}
.body {{ padding: 4px 16px 8px; }}
code {{ font: 12px ui-monospace, "DejaVu Sans Mono", monospace; background: #eff1f3;
  padding: 0.1em 0.3em; border-radius: 4px; }}
pre {{ background: #f6f8fa; padding: 12px; border-radius: 6px; white-space: pre-wrap;
  word-break: break-all; }}
.add {{ color: #116329; background: #dafbe1; }} .del {{ color: #82071e; background: #ffebe9; }}
blockquote.warning {{ margin: 8px 0; padding: 0 16px; border-left: 4px solid #9a6700; }}
blockquote.warning .title {{ color: #9a6700; font-weight: 600; }}
pre code {{ background: none; padding: 0; }}
table {{ border-collapse: collapse; }} th, td {{ border: 1px solid #d0d7de; padding: 4px 10px; }}
h3 {{ margin: 12px 0 8px; }}
</style></head><body><div class="comment">
<div class="head"><b>github-actions</b> commented</div>
<div class="body">{body}</div></div></body></html>
"""


def run(argv: list[str], cwd: Path = ROOT) -> str:
    """stdout of `argv`, which must exit 0."""
    return subprocess.run(argv, cwd=cwd, check=True, capture_output=True, text=True).stdout


def plan() -> None:
    """docs/examples/plan-guide-test.txt."""
    text = run([*ONCALL, "--project-dir", str(FIXTURES), "plan", "guide-test"])
    (OUT / "plan-guide-test.txt").write_text(text)


def calendar() -> None:
    """docs/examples/calendar-example-live.txt."""
    text = run([*ONCALL, "calendar", "example-live", "--from", "2026-11-30", "--weeks", "4"])
    (OUT / "calendar-example-live.txt").write_text(text)


def changed_project(folder: Path) -> Path:
    """A git repository holding the fixture project, with the documented change uncommitted."""
    shutil.copy(ROOT / "Pulumi.yaml", folder / "Pulumi.yaml")
    shutil.copy(ROOT / "__main__.py", folder / "__main__.py")
    shutil.copytree(FIXTURES / "stacks", folder / "stacks")
    git = ["git", "-C", str(folder), "-c", "user.name=docs", "-c", "user.email=docs@example.com"]
    run([*git, "init", "--quiet"])
    run([*git, "add", "."])
    run([*git, "commit", "--quiet", "-m", "base"])
    live = folder / "stacks" / "Pulumi.guide-live.yaml"
    text = live.read_text()
    edits = {
        "{targets: [schedule:default], escalateAfterMinutes: 15}": (
            "{targets: [schedule:default], escalateAfterMinutes: 10}"
        ),
        "      joe: {name: Joe Smith": "      joseph: {name: Joe Smith",
        "members: [joe, anita]": "members: [joseph, anita]",
    }
    for old, new in edits.items():
        if old not in text:
            raise SystemExit(f"{live.name} no longer holds {old!r}: update {__file__}")
        text = text.replace(old, new)
    live.write_text(text)
    return folder


def pr_comment() -> None:
    """docs/examples/pr-comment.md and .png."""
    with tempfile.TemporaryDirectory() as tmp:
        project = changed_project(Path(tmp))
        report = subprocess.run(
            # The roster review looks from a fixed moment, so the page is the same on every run
            # (by default it is the head commit's date, and this repository is made anew).
            [*ONCALL, "--project-dir", str(project), "diff", "--base", "HEAD", "--from", FROM],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if report.returncode != 0 or not report.stdout:
        raise SystemExit(f"oncall diff failed ({report.returncode}): {report.stderr}")
    # What pr-comment.yml posts: its marker line, its heading, then the report.
    comment = f"### pantheon-oncall diff\n\n{report.stdout}"
    (OUT / "pr-comment.md").write_text(comment)
    # Lines as wrapped at the page's width (about 100 characters of code).
    wrapped = sum(1 + len(line) // 100 for line in comment.splitlines())
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "pr-comment.html"
        page.write_text(PAGE.format(body=github_html(comment)))
        screenshot(page, OUT / "pr-comment.png", lines=wrapped)


def github_html(text: str) -> str:
    """The comment's Markdown as GitHub shows it: a list may start right after a line of text
    (CommonMark), `> [!WARNING]` is an alert, and a `diff` block colours added and removed lines."""
    lines: list[str] = []
    for line in text.splitlines():
        if re.match(r"> *- ", line) and lines and not re.match(r"> *(- |$)", lines[-1]):
            lines.append(">")
        lines.append(line)
    body = markdown.markdown("\n".join(lines), extensions=["tables", "fenced_code"])
    body = body.replace(
        "<blockquote>\n<p>[!WARNING]",
        '<blockquote class="warning">\n<p class="title">⚠ Warning</p>\n<p>',
    )

    def coloured(block: re.Match[str]) -> str:
        rows = []
        for row in block.group(2).split("\n"):
            kind = {"+": "add", "-": "del"}.get(row[:1])
            rows.append(f'<span class="{kind}">{row}</span>' if kind else row)
        return block.group(1) + "\n".join(rows) + block.group(3)

    return re.sub(r'(<code class="language-diff">)(.*?)(</code>)', coloured, body, flags=re.S)


def screenshot(page: Path, png: Path, lines: int) -> None:
    """`page` as a PNG, by headless Chromium, about as tall as `lines` lines of text."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install -y chromium)")
    common = [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    height = min(4000, 60 + 21 * lines)
    run(
        [
            *common,
            "--force-device-scale-factor=1",
            f"--window-size=900,{height}",
            f"--screenshot={png}",
            page.as_uri(),
        ]
    )


def main() -> int:
    """Write every example."""
    OUT.mkdir(exist_ok=True)
    plan()
    calendar()
    pr_comment()
    for path in sorted(OUT.iterdir()):
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
