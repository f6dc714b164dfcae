"""qcity.monitor."""
