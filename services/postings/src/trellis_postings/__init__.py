"""Trellis postings service: opportunities, applications, interest interviews, recommendations."""
