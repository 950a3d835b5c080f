"""Trellis bidding service: stretch-assignment rounds, sealed point bids and the clearing engine."""
