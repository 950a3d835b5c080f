"""OpenTelemetry: tracer and meter providers, optional OTLP export, W3C context in headers.

Kafka headers carry `traceparent` (and `tracestate`) so one trace runs from a
database write through the outbox relay and Kafka into every consumer.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from trellis_shared.metrics.provider import configure_metrics

_configured = False


def configure_telemetry(
    service: str, *, extra_processor: SpanProcessor | None = None
) -> TracerProvider:
    """Install a tracer provider once per process, and the meter provider with the
    same resource (`trellis_shared.metrics`).

    Spans (and metrics) are exported over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set, so
    a developer machine without a collector pays nothing and logs no errors.
    """
    global _configured
    current = trace.get_tracer_provider()
    if _configured and isinstance(current, TracerProvider):
        if extra_processor is not None:
            current.add_span_processor(extra_processor)
        return current
    resource = Resource.create({"service.name": service})
    configure_metrics(resource)
    provider = TracerProvider(resource=resource)
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    if extra_processor is not None:
        provider.add_span_processor(extra_processor)
    trace.set_tracer_provider(provider)
    _instrument_pymongo()
    _configured = True
    return provider


def _instrument_pymongo() -> None:
    from opentelemetry.instrumentation.pymongo import PymongoInstrumentor

    instrumentor = PymongoInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument()


def current_traceparent() -> dict[str, str]:
    """The current trace context as W3C headers (empty when no span is active)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def context_from_headers(headers: Mapping[str, str]) -> otel_context.Context:
    """Rebuild a trace context from W3C headers; an empty context when absent."""
    return propagate.extract(dict(headers))


def trace_id_hex() -> str | None:
    span_context = trace.get_current_span().get_span_context()
    return format(span_context.trace_id, "032x") if span_context.is_valid else None
