"""The organisation's postings policy (configuration, read once at start)."""

from __future__ import annotations

from dataclasses import dataclass

from trellis_postings.domain.confidentiality import DisclosurePoint


@dataclass(frozen=True)
class PostingsPolicy:
    disclosure_point: DisclosurePoint = DisclosurePoint.AT_OFFER
    release_wait_working_days: int = 5
    max_open_interview_requests: int = 3
