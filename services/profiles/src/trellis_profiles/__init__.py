"""Profiles service: who people are, what they can do, want, and have time for."""
