"""Operational metrics of every Trellis process, as OpenTelemetry metrics.

What an operator needs to see that the delivery guarantees hold: events waiting
in outboxes and for how long, consumer lag, records retried and dead-lettered.
The names (Prometheus form in brackets):

- `trellis.outbox.pending` (`trellis_outbox_pending`), gauge per database and
  collection: outbox events not yet published;
- `trellis.outbox.oldest_pending_age` (`trellis_outbox_oldest_pending_age_seconds`),
  gauge: how long the oldest of them has waited;
- `trellis.outbox.published` / `trellis.outbox.publish_failures`
  (`..._total`), counters per collection and topic;
- `trellis.consumer.lag` (`trellis_consumer_lag`), gauge per consumer group,
  topic and partition: records not yet committed;
- `trellis.consumer.retries` (`trellis_consumer_retries_total`), counter per
  consumer, topic and reason (`transient`, `unknown`): failed attempts that
  will be tried again;
- `trellis.consumer.dead_letters` (`trellis_consumer_dead_letters_total`),
  counter per consumer, topic and reason (`unparseable`, `poison`, `failed`).

`provider` installs the meter provider (Prometheus always, OTLP when
configured), `counters` counts at the source, `gauges` samples the backlog and
lag, `endpoint` serves `/metrics`, `runtime` puts them together for a service.
"""
