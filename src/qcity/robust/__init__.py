"""qcity.robust."""
