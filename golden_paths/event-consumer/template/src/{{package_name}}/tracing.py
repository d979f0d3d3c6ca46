"""OpenTelemetry: the trace context comes with each message (W3C ``traceparent`` header).

Each message is processed in a CONSUMER span whose parent is the producer's span, so the
service's logs (logging_config.py adds trace_id and span_id) and spans join the producer's
trace. Spans are exported only when you add an exporter to the provider (for example
opentelemetry-exporter-otlp, configured by the OTEL_EXPORTER_OTLP_* variables).
"""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagate import extract
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider


def configure_tracing(service_name: str) -> TracerProvider:
    """The process's tracer provider, named after the service."""
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    trace.set_tracer_provider(provider)
    return provider


def context_from_headers(headers: Mapping[str, str]) -> Context:
    """The trace context of the message (an empty context when it carries none)."""
    return extract(dict(headers))
