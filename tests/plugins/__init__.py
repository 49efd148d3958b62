"""Fixtures shared by several test folders, loaded by the root conftest (``pytest_plugins``)."""
