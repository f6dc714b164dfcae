"""Methods: impute."""
