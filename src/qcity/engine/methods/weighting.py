"""Methods: weighting."""
