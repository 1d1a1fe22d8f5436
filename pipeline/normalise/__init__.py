"""Normalisers: pure polars expressions that make source fields comparable.

One module per noun (ids, names, phones, places, dates). Each public expression
builder is named after the column it makes and accepts a column name or an
expression; each module's `with_*_columns` adds its standard columns to a frame
(column names in docs/architecture.md, "Frame contracts").
"""

from pipeline.normalise.dates import date_precision, parse_date, with_date_columns
from pipeline.normalise.ids import (
    ID_STATUSES,
    TRUSTED_ID_STATUSES,
    id_birth,
    id_check_char,
    id_norm,
    id_region,
    id_sex,
    id_status,
    id_text,
    is_trusted_id,
    with_id_columns,
)
from pipeline.normalise.names import name_norm, name_pinyin, with_name_columns
from pipeline.normalise.phones import phone_norm, with_phone_columns
from pipeline.normalise.places import clean_place, place_parts, with_place_columns

__all__ = [
    "ID_STATUSES",
    "TRUSTED_ID_STATUSES",
    "clean_place",
    "date_precision",
    "id_birth",
    "id_check_char",
    "id_norm",
    "id_region",
    "id_sex",
    "id_status",
    "id_text",
    "is_trusted_id",
    "name_norm",
    "name_pinyin",
    "parse_date",
    "phone_norm",
    "place_parts",
    "with_date_columns",
    "with_id_columns",
    "with_name_columns",
    "with_phone_columns",
    "with_place_columns",
]
