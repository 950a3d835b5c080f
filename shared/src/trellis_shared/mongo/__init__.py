"""MongoDB plumbing on PyMongo's async API: client, aggregate store with outbox, relay, inbox."""
