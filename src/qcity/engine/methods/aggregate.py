"""Methods: aggregate."""
