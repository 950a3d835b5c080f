"""Trellis mentorship service: mentor offers, mentee requests, cycles and the matching engine."""
