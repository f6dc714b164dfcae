"""Methods: denominate."""
