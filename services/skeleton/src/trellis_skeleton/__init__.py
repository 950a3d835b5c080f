"""Walking skeleton: a tally aggregate that proves the platform end to end."""
