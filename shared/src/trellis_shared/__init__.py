"""Trellis platform library: plumbing every service shares.

Nothing in here knows about profiles, postings or any other domain; it only
knows how Trellis talks to Kafka, MongoDB, gRPC and OpenTelemetry.
"""
