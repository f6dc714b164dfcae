"""The statuses a value may carry, in order of reliability (a light module: the checks of
an import need them without loading the database schema)."""

#: ``final`` official figures, ``preliminary`` and ``estimated`` ones, and ``illustrative``
#: generated values (the demo) that every output made from them must label.
STATUSES: tuple[str, ...] = ("final", "preliminary", "estimated", "illustrative")
