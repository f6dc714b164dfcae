"""Methods: transform."""
