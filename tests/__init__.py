"""The tests, one folder per area of the project (components/, config/, offline/, ...).

Each area's tests import what they share from `tests.support`; this package registers it for
pytest's assertion rewriting before anything imports it, so its assertion helpers show pytest's
detailed comparison.
"""

import pytest

pytest.register_assert_rewrite("tests.support")
