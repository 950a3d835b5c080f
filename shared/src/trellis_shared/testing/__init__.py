"""Test support: the pytest plugin that provides real Kafka and MongoDB-wire databases."""
