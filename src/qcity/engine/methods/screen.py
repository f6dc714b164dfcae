"""Methods: screen."""
