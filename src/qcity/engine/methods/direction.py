"""Methods: direction."""
