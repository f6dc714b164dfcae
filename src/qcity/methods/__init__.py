"""Method implementations, one module per kind. ``qcity.methods.registry.load_methods()``
imports them all (the registries do so on first lookup), so importing one module here
does not pay for the others."""

METHOD_MODULES = (
    "aggregate",
    "coupling",
    "denominate",
    "direction",
    "impute",
    "normalise",
    "obstacle",
    "screen",
    "transform",
    "treat",
    "weighting",
)
