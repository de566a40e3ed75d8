"""Antigen self-tests and follow-ups (used by testing today; by quarantine and errands later)."""
