"""Pipelines: sources, mapping onto canonical records, validation, quarantine, loads."""
