"""The demo: Liyang, its nine peers in southern Jiangsu and its 12 towns and streets,
2015-2024 — public figures where they exist (``public_figures``), every other value
generated and labelled ``illustrative`` (``generator``, ``specs``, ``units``); ``build``
writes it into a store."""
