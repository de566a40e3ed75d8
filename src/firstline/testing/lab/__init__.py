"""The lab: one result per tube (ADR 0006), lab files, and what positives set off."""
