"""Capture: registering samples at a desk or door to door, scan by scan or in batches (ADR 0005)."""
