"""qcity.framework."""
