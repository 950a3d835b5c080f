"""What operators and metrics ask of a running Trellis: backlogs, lag, dead letters."""
