"""Helpers shared by the test suites of several apps (not a layer: test code only)."""

#: The password of every staff member the fixtures make (autocrm/conftest.py).
STAFF_PASSWORD = "autocrm-test-pass-1"  # noqa: S105 - test-only credential
