"""Publish events onto a test's topics as their owning service would.

Replica tests and end-to-end benchmarks of one service need what other
services publish (profile snapshots, postings) without running those
services: this puts payloads on `<prefix><topic>`, keyed by aggregate id, in
the one envelope every consumer expects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from trellis_shared.events.envelope import Envelope, EventPayload, kafka_headers
from trellis_shared.kafka.broker import make_broker


@dataclass
class Feeder:
    bootstrap: str
    prefix: str
    source: str = "test-feeder"

    async def publish(self, events: Sequence[tuple[str, str, EventPayload]]) -> None:
        """(topic, key, payload), in order, through one producer (acks=all)."""
        broker = make_broker(self.bootstrap, client_id=self.source)
        await broker.start()
        try:
            for topic, key, payload in events:
                envelope = Envelope.wrap(payload, source=self.source, subject=key)
                await broker.publish(
                    envelope.to_bytes(),
                    topic=self.prefix + topic,
                    key=key.encode(),
                    headers=kafka_headers(envelope, {}),
                )
        finally:
            await broker.stop()
