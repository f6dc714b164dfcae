"""qcity.framework: the indicator framework model, its YAML files and their validation."""

from qcity.framework.io import dump_framework, framework_to_yaml, load_framework, parse_framework
from qcity.framework.problems import FrameworkError, Problem
from qcity.framework.validate import validate_file, validate_framework, validate_text

__all__ = [
    "FrameworkError",
    "Problem",
    "dump_framework",
    "framework_to_yaml",
    "load_framework",
    "parse_framework",
    "validate_file",
    "validate_framework",
    "validate_text",
]
