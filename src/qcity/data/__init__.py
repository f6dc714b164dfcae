"""qcity.data."""
