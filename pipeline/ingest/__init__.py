"""Ingest: export files -> one canonical text frame per source.

Every cell is read as text (xlsx, csv in any of the encodings real exports use, folders of
either), the header row is found and mapped through the aliases of schemas/sources.yaml,
layout rows (blank, 合计, a repeated header) are marked, and every row gets its record
reference (`source:file[:sheet]:row_number`). Nothing is parsed or judged here.
"""
