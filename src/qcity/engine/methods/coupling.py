"""Methods: coupling."""
