"""The statuses a value may carry, in order of reliability (a light module: the checks of
an import need them without loading the database schema)."""

#: ``final`` official figures, ``preliminary`` and ``estimated`` ones, and ``illustrative``
#: generated values (the demo) that every output made from them must label.
STATUSES: tuple[str, ...] = ("final", "preliminary", "estimated", "illustrative")

#: The status of generated values, and the one label every output made from them carries
#: (the CLI, NOTICE.txt, workbooks, the audit folder); ``qcity.service.notice`` builds its
#: sentences from these words.
ILLUSTRATIVE = "illustrative"
ILLUSTRATIVE_LABEL = "示例数据 ILLUSTRATIVE"
ILLUSTRATIVE_BANNER = f"{ILLUSTRATIVE_LABEL} — not real statistics / 非真实统计数据"
