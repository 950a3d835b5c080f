"""Scrape a process's `/metrics` over HTTP, as Prometheus does, for tests."""

from __future__ import annotations

import asyncio
import urllib.request
from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families


@dataclass(frozen=True)
class Scrape:
    """One scrape's samples: (name, labels, value) in the exposition's order."""

    samples: tuple[tuple[str, dict[str, str], float], ...]

    def value(self, name: str, **labels: str) -> float | None:
        """The sample called `name` whose labels include `labels`; None when absent."""
        for sample_name, sample_labels, value in self.samples:
            if sample_name == name and labels.items() <= sample_labels.items():
                return value
        return None


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as reply:
        body: bytes = reply.read()
    return body.decode()


async def scrape(port: int, host: str = "127.0.0.1") -> Scrape:
    text = await asyncio.to_thread(_fetch, f"http://{host}:{port}/metrics")
    return Scrape(
        tuple(
            (sample.name, dict(sample.labels), float(sample.value))
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        )
    )
