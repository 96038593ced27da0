"""Helpers shared by the test suites of several apps (not a layer: test code only)."""
