"""Kafka plumbing on FastStream (aiokafka): broker factory, topics, reliable consumers."""
