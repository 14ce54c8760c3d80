"""Shared fixtures `case` and `circuits` live in tests/conftest.py."""
