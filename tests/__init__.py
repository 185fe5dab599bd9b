"""The test suite: fixtures in conftest.py, server helpers in servers.py, one file per module."""
