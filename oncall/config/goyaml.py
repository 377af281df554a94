"""What a YAML scalar becomes when the `pulumi` CLI reads a stack file, written in Python.

pulumi 3.272.0 (the pinned SDK) reads stack files with gopkg.in/yaml.v3 v3.0.1: its
`sdk/go/common/encoding/marshal.go` imports `gopkg.in/yaml.v3` and `sdk/go.mod` pins v3.0.1. That
library's `resolve.go` (github.com/go-yaml/yaml, tag v3.0.1, func `resolve`) decides what a plain
scalar is, and it is neither PyYAML's YAML 1.1 nor YAML 1.2:

- only `true`/`True`/`TRUE` and `false`/`False`/`FALSE` are booleans (`yes`, `on`, `y` are text);
- `~`, `null`, `Null`, `NULL` and the empty scalar are null;
- numbers go through Go's `strconv.ParseInt(s, 0, 64)` with every `_` removed first, so `017` and
  `0o17` are 15, `0x1F` is 31, `0b101` is 5, `1_000` is 1000; then `ParseUint`; then a float when
  the text matches `yamlStyleFloat` (`1e3`, `.5`, `1.`, and `09`, which is 9.0); then the quirks
  `0b-101` (-5) and `0o-17` (-15); anything else is text;
- there are no base-60 numbers: `18:00` stays text;
- `.inf`, `-.inf`, `.nan` (and their capitalised forms) are the IEEE values (refused later: the
  engine's JSON cannot carry them); a float beyond the double range is text;
- `YYYY-M-D`, `YYYY-M-DTh:m:s[.f](Z|±hh:mm)` and `YYYY-M-D h:m:s[.f]` are timestamps;
- a `<<` key merges mappings (go-yaml's decode.go `isMerge`, as in PyYAML).

Then the CLI rewrites what it read: `sdk/go/common/workspace/loaders.go` (`LoadProjectStackBytes`)
decodes the file, encodes it again and decodes that, and `sdk/go/common/resource/config/object.go`
(`unmarshalObject`) turns a timestamp into Go's `time.Time.String()` text and hands numbers on as
JSON. So the program sees `2026-01-05` as '2026-01-05 00:00:00 +0000 UTC' and a whole float
(`1e3`, `15.0`) as the integer 1000 or 15 (Go writes such floats without a fraction, below 1e21).
A timestamp with a numeric offset (`-05:00`) becomes text in the time zone of the machine that
runs `pulumi`, so it is refused here: quote it.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

STR, NULL, BOOL, INT, FLOAT, TIMESTAMP, MERGE = (
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "null", "bool", "int", "float", "timestamp", "merge")
)
RESOLVABLE: Final = (NULL, BOOL, INT, FLOAT, TIMESTAMP)
"""Explicit tags go-yaml resolves the text for (`!!str` takes any text as it is)."""

_WORDS: Final[dict[str, tuple[str, Any]]] = {
    **{w: (BOOL, True) for w in ("true", "True", "TRUE")},
    **{w: (BOOL, False) for w in ("false", "False", "FALSE")},
    **{w: (NULL, None) for w in ("", "~", "null", "Null", "NULL")},
    **{w: (FLOAT, math.nan) for w in (".nan", ".NaN", ".NAN")},
    **{w: (FLOAT, math.inf) for w in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")},
    **{w: (FLOAT, -math.inf) for w in ("-.inf", "-.Inf", "-.INF")},
}
_INT_BASE0 = re.compile(  # Go's ParseInt(s, 0, 64) syntax, underscores already removed
    r"([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)"
)
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?")  # what ParseFloat takes after a leading dot
_TIMESTAMP = re.compile(  # go-yaml's allowedTimestampFormats, as Go's time.Parse reads them
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:[Tt](?P<h>[0-9]{1,2}):(?P<mi>[0-9]{1,2}):(?P<s>[0-9]{1,2})(?:[.,](?P<f>[0-9]+))?"
    r"(?P<z>Z|[+-][0-9]{2}:[0-9]{2})"
    r"| (?P<h2>[0-9]{1,2}):(?P<mi2>[0-9]{1,2}):(?P<s2>[0-9]{1,2})(?:[.,](?P<f2>[0-9]+))?)?"
)
_INT64: Final = 2**63
_UINT64: Final = 2**64


class ScalarError(ValueError):
    """go-yaml refuses the scalar (an explicit tag it does not fit), or the CLI's reading of it
    depends on the machine (a timestamp with an offset); the message says which and why."""


def resolve(tag: str | None, text: str) -> Any:
    """The value the program sees for a scalar: `tag` None for a plain scalar, else one of
    RESOLVABLE (an explicit `!!int`…). Raises ScalarError."""
    rtag, value = _resolve(tag, text)
    if tag is not None and rtag != tag:
        if tag == FLOAT and rtag == INT:
            value = float(value)
        else:
            raise ScalarError(f"cannot read {text!r} as {_short(tag)} (it is {_short(rtag)})")
    if rtag == TIMESTAMP:
        return _go_time_string(text, value)
    if (
        isinstance(value, float)
        and math.isfinite(value)
        and value.is_integer()
        and abs(value) < 1e21
    ):
        return int(value)
    return value


def _resolve(tag: str | None, text: str) -> tuple[str, Any]:
    """go-yaml v3.0.1 resolve.go `resolve`, for a plain scalar (tag None) or an explicit tag."""
    hint = _hint(text)
    if hint is None:
        return STR, text
    if text in _WORDS:
        return _WORDS[text]
    if hint == ".":
        value = _parse_float(text) if _DOT_FLOAT.fullmatch(text) else None
        return (FLOAT, value) if value is not None else (STR, text)
    if hint != "D":  # a letter from the words above ('y', 'n', 't', 'f', 'o', '~'): text
        return STR, text
    if tag in (None, TIMESTAMP):
        found = _TIMESTAMP.fullmatch(text)
        if found and _valid_date_time(found):
            return TIMESTAMP, found
    resolved = _number(text.replace("_", ""))
    return (STR, text) if resolved is None else resolved


def _number(plain: str) -> tuple[str, Any] | None:
    """The number part of go-yaml's resolve for a scalar starting with a digit or a sign, with
    every `_` removed: ParseInt base 0, ParseUint, yamlStyleFloat, then the 0b/0o quirks."""
    number = _parse_int_base0(plain)
    if number is not None:
        return INT, number
    if _YAML_STYLE_FLOAT.fullmatch(plain):
        value = _parse_float(plain)
        if value is not None:
            return FLOAT, value
    for prefix, base, digits in (("0b", 2, "[01]"), ("0o", 8, "[0-7]")):
        if plain.startswith(prefix):  # ParseInt(plain[2:], base): a sign may follow the prefix
            rest = plain[2:]
            if re.fullmatch(rf"[+-]?{digits}+", rest):
                value = int(rest, base)
                if -_INT64 <= value < _INT64 or (0 <= value < _UINT64 and rest[0] not in "+-"):
                    return INT, value
    return None


def _hint(text: str) -> str | None:
    """go-yaml's resolveTable for the first byte: 'D' digit or sign, '.', 'M' a word's letter."""
    if text == "":
        return "M"
    first = text[0]
    if first in "+-0123456789":
        return "D"
    if first == ".":
        return "."
    return "M" if first in "yYnNtTfFoO~" else None


def _parse_int_base0(plain: str) -> int | None:
    """Go's ParseInt(plain, 0, 64), else ParseUint(plain, 0, 64); None when both fail."""
    found = _INT_BASE0.fullmatch(plain)
    if not found:
        return None
    sign, digits = found.groups()
    body = digits[2:] if digits[1:2] in ("x", "X", "o", "O", "b", "B") else digits
    base = {"x": 16, "X": 16, "o": 8, "O": 8, "b": 2, "B": 2}.get(digits[1:2], 0)
    if base == 0:
        base = 8 if len(digits) > 1 and digits[0] == "0" else 10
    value = int(body, base) if body else 0
    if sign == "-":
        value = -value
    if -_INT64 <= value < _INT64 or (not sign and 0 <= value < _UINT64):
        return value
    return None


def _parse_float(text: str) -> float | None:
    """Go's ParseFloat(text, 64) for the texts the callers pass; None when it overflows."""
    value = float(text)
    return value if math.isfinite(value) else None


def _valid_date_time(found: re.Match[str]) -> bool:
    """The range checks Go's time.Parse makes (month, day of that month, hour, minute, second)."""
    year, month, day = int(found["y"]), int(found["mo"]), int(found["d"])
    if not 1 <= month <= 12:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    hour, minute, second = (
        found["h"] or found["h2"] or "0",
        found["mi"] or found["mi2"] or "0",
        found["s"] or found["s2"] or "0",
    )
    if found["z"] and found["z"] != "Z":
        zone_hour, zone_minute = int(found["z"][1:3]), int(found["z"][4:6])
        if zone_hour > 24 or zone_minute > 60:
            return False
    return 1 <= day <= days and int(hour) < 24 and int(minute) < 60 and int(second) < 60


def _go_time_string(text: str, found: re.Match[str]) -> str:
    """Go's time.Time.String() of the timestamp, as the CLI hands it on (UTC only)."""
    zone = found["z"]
    if zone and zone != "Z":
        raise ScalarError(
            f"pulumi reads {text!r} as a date-time and rewrites it in the time zone of the "
            "machine that runs it; quote it to keep the text"
        )
    hour = int(found["h"] or found["h2"] or 0)
    minute = int(found["mi"] or found["mi2"] or 0)
    second = int(found["s"] or found["s2"] or 0)
    fraction = ((found["f"] or found["f2"] or "")[:9]).rstrip("0")
    date = f"{int(found['y']):04d}-{int(found['mo']):02d}-{int(found['d']):02d}"
    clock = f"{hour:02d}:{minute:02d}:{second:02d}" + (f".{fraction}" if fraction else "")
    return f"{date} {clock} +0000 UTC"


def _short(tag: str) -> str:
    return "!!" + tag.rsplit(":", 1)[-1]
