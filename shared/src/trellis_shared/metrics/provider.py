"""The process's meter provider: a Prometheus reader always, OTLP when configured.

The Prometheus reader costs nothing until something scrapes it (it is pulled);
OTLP export follows the rule of the traces (`telemetry.py`): only when
OTEL_EXPORTER_OTLP_ENDPOINT is set, so a machine without a collector logs no
export errors.
"""

from __future__ import annotations

import os

from opentelemetry import metrics
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource

_provider: MeterProvider | None = None


def configure_metrics(resource: Resource) -> MeterProvider:
    """Install the meter provider once per process; later calls return it.

    Instruments created before this (module-level counters) are proxies that
    start recording here, so import order does not matter.
    """
    global _provider
    if _provider is not None:
        return _provider
    # The Prometheus reader registers itself with prometheus_client's default
    # registry, which `endpoint` serves; a second one would report every metric twice.
    readers: list[MetricReader] = [PrometheusMetricReader()]
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter

        readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
    _provider = MeterProvider(metric_readers=readers, resource=resource)
    metrics.set_meter_provider(_provider)
    return _provider
