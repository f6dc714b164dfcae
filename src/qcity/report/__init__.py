"""qcity.report."""
