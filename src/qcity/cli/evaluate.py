"""CLI commands: evaluate."""
