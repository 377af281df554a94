"""Writing a stack file (`new-site`, `import --out`) without being steered by the file system.

A stack file is written only inside the project folder, never through a symbolic link (a dangling
one in stacks/ would otherwise create its target wherever it points), and never over an existing
file without `force`. The checks and the write are one `open`: O_NOFOLLOW refuses a link as the
last part, O_EXCL refuses anything already there, so no link can appear between check and write.
"""

from __future__ import annotations

import os
from pathlib import Path

from oncall.config.errors import MISSING, ConfigError, Problem


class Exists(Exception):  # noqa: N818 (a state, not a failure: callers skip or refuse)
    """The stack file is there already and `force` was not given."""


_LINK = "a symbolic link; a stack file is never written through one (remove the link)"


def refusal(path: Path, project_dir: Path, named_outside_ok: bool = False) -> str | None:
    """Why `path` may not be written as a stack file of `project_dir`, or None: a symbolic link,
    or a path that resolves outside the project (through a linked folder, or `..`). With
    `named_outside_ok` (`import --out`), a path the user names outside the project is theirs
    to choose; one named inside must still resolve inside."""
    try:
        if path.is_symlink():
            return _LINK
        root = project_dir.resolve()
        inside = (path.parent.resolve() / path.name).is_relative_to(root)
        named_inside = Path(os.path.abspath(path)).is_relative_to(os.path.abspath(project_dir))
    except OSError as e:  # a name too long for the file system, a loop of links
        return f"cannot write it: {e.strerror}"
    if not inside and (named_inside or not named_outside_ok):
        return f"resolves outside the project folder {root}; stack files are written inside it"
    return None


def write(
    path: Path, text: str, project_dir: Path, force: bool, named_outside_ok: bool = False
) -> None:
    """Write `text` to `path` (folders made as needed). Exists when the file is there and not
    `force`; ConfigError naming the path when it is refused (see `refusal`) or the write fails."""
    reason = refusal(path, project_dir, named_outside_ok)
    if reason is not None:
        raise ConfigError([Problem(str(path), MISSING, reason)])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        said = "a file is there, not a folder" if isinstance(e, FileExistsError) else e.strerror
        raise ConfigError([Problem(_where(e, path), MISSING, f"cannot write it: {said}")]) from None
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_TRUNC if force else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as e:
        if os.path.islink(path):  # a link that appeared after the check: O_NOFOLLOW or O_EXCL
            raise ConfigError([Problem(str(path), MISSING, _LINK)]) from None
        if isinstance(e, FileExistsError):
            raise Exists(str(path)) from None
        raise ConfigError(
            [Problem(_where(e, path), MISSING, f"cannot write it: {e.strerror}")]
        ) from None
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)


def _where(error: OSError, path: Path) -> str:
    return error.filename if isinstance(error.filename, str) else str(path)
