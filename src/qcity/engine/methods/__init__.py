"""Method implementations; importing this package registers every method by name."""

from qcity.engine.methods import (  # noqa: F401
    aggregate,
    coupling,
    denominate,
    direction,
    impute,
    normalise,
    obstacle,
    screen,
    transform,
    treat,
    weighting,
)
