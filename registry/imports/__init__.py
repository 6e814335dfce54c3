"""Filling the registry: import runs, their schedule, pre-flight checks and the demo's months."""
