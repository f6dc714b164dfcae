"""CLI commands: framework."""
