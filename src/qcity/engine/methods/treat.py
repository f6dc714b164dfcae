"""Methods: treat."""
