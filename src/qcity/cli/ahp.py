"""CLI commands: ahp."""
