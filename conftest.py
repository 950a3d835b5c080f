"""Root pytest configuration: the shared infrastructure plugin for every test."""

pytest_plugins = ["trellis_shared.testing.infrastructure"]
