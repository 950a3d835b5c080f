"""Clients of other Trellis services, shared by the services that call them."""
