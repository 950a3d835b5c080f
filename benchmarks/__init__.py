"""Micro-benchmarks run by `make bench`: each prints a figure and its ratio to a
baseline measured in the same run, so a noisy shared machine skews both alike."""
