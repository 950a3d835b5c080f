"""Use cases of the bidding service (to be written by the service wiring)."""
