"""FastStream Kafka broker with the delivery settings Trellis relies on."""

from __future__ import annotations

import logging

from faststream.kafka import KafkaBroker


def make_broker(bootstrap: str, *, client_id: str) -> KafkaBroker:
    """A broker whose producer is idempotent and waits for all in-sync replicas.

    Idempotence stops a retried send from writing a duplicate record; acks=all
    means an acknowledged event survives the loss of the leader.
    """
    return KafkaBroker(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        # Topics come from the checked-in manifest; a typo must fail loudly,
        # not create a stray topic.
        allow_auto_create_topics=False,
        # Through the standard logging tree, so FastStream's lines come out as
        # our JSON lines too; its per-message access log stays at DEBUG.
        logger=logging.getLogger("faststream"),
        log_level=logging.DEBUG,
    )
