"""The exports: files and workbooks for people, declared and written apart.

- ``spec``: the declarative sheet spec (``Col``, ``Sheet``, ``SheetSpec``: a sheet is a
  key, a title in Chinese and English and a source function building its rows);
- ``columns``: the catalogues of the results folder (files, machine columns, readable
  columns);
- ``folder``: the results folder (``write_results_folder``, its workbook ``FOLDER_SHEETS``);
- ``results_book``: the sheets of a stored run's results workbook (``RESULTS_SHEETS``);
- ``xlsx``, ``csv_writer``: the writers, reading only the spec.

The service layer calls these (``qcity.service.folder``, ``qcity.service.workbook`` and
``qcity.service.results_workbook`` keep their import paths).
"""
