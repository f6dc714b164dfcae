"""Methods: normalise."""
