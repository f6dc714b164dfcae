"""qcity.engine."""
