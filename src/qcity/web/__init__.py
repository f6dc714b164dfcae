"""qcity.web."""
