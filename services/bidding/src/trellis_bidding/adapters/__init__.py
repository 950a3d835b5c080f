"""Adapters of the bidding service: repository, publisher, gRPC clients."""
