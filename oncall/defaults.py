"""The schedule checks' defaults, stated both by the stack file's `team.load` keys and by the
`check` and `calendar` commands' --help.

A module of its own that imports nothing: the config package loads every model (pydantic) when
any of its modules is imported, and `oncall check --help` must answer without that.
"""

from __future__ import annotations

from typing import Final

DEFAULT_WEEKS: Final = 4
"""The horizon of `check`, `calendar` and the plan's coverage lines, in weeks."""
MAX_AFTER_HOURS_SHARE: Final = 0.8
"""`team.load.maxAfterHoursShare`'s default (oncall.config.team.LoadLimits)."""
MAX_AFTER_HOURS_DAYS_PER_MONTH: Final = 10
"""`team.load.maxAfterHoursDaysPerMonth`'s default (oncall.config.team.LoadLimits)."""
