"""Methods: obstacle."""
