"""The fixtures of tests/demo, from kit.py (where tests import its helpers from)."""

from tests.demo.kit import (  # noqa: F401
    demo,
)
