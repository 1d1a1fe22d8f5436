"""Phone numbers: mainland mobiles and landlines as plain digit strings."""

from __future__ import annotations

import polars as pl

from pipeline.normalise.distinct import per_distinct_value

PhoneColumn = str | pl.Expr

# Cells often hold several numbers: `13912345678/0914-2312345`, `139…；138…`.
_LIST_SEPARATORS = r"[,;/、|\\]"
# A numeric cell read back from a float: `13912345678.0`.
_FLOAT_TEXT = r"^\s*'?\s*(\d+)\.0*\s*$"
_SCIENTIFIC = r"\d[.,]\d+\s*[Ee][+-]?\d"
_COUNTRY_PREFIX = r"(?:0086|86)"
_MOBILE = rf"^{_COUNTRY_PREFIX}?(1[3-9]\d{{9}})$"
# Area code without its leading 0: 10 and 2x are followed by 8 digits; 3xx-9xx by 7 or 8.
# Local numbers do not start with 0 or 1.
_AREA_AND_NUMBER = r"((?:10|2\d)[2-9]\d{7}|[3-9]\d{2}[2-9]\d{6,7})"
_LANDLINE = rf"^(?:{_COUNTRY_PREFIX}0?|0){_AREA_AND_NUMBER}$"
# Last resort for text around or between numbers: a mobile standing alone among non-digits.
_MOBILE_IN_TEXT = r"(?:^|\D)(1[3-9]\d{9})(?:\D|$)"


def _to_expr(col: PhoneColumn) -> pl.Expr:
    return pl.col(col) if isinstance(col, str) else col


def _phone_from_part(part: pl.Expr) -> pl.Expr:
    """One candidate number: every non-digit dropped, then matched as mobile or landline."""
    digits = part.str.replace_all(r"\D", "")
    mobile = digits.str.extract(_MOBILE, 1)
    landline = pl.concat_str(pl.lit("0"), digits.str.extract(_LANDLINE, 1))
    return (
        pl.when(part.str.contains(_SCIENTIFIC)).then(None).otherwise(pl.coalesce(mobile, landline))
    )


def phone_norm(col: PhoneColumn) -> pl.Expr:
    """11-digit mobile (`1[3-9]…`) or landline with area code (`09142312345`), else null.

    Country prefixes (+86, 0086, 86), separators, spaces, full-width digits and a
    trailing `.0` are removed; of several numbers in one cell the first usable wins.
    """
    text = _to_expr(col).cast(pl.String).str.normalize("NFKC")
    text = pl.coalesce(text.str.extract(_FLOAT_TEXT, 1), text)
    parts = text.str.replace_all(_LIST_SEPARATORS, ",").str.split(",")
    first_usable = parts.list.eval(_phone_from_part(pl.element()).drop_nulls()).list.first()
    in_text = text.str.extract(_MOBILE_IN_TEXT, 1)
    return pl.coalesce(first_usable, in_text).alias("phone_norm")


def with_phone_columns(df: pl.DataFrame, col: str = "phone") -> pl.DataFrame:
    """Add phone_norm derived from `col` (once per distinct number: a household shares one)."""
    return df.with_columns(
        per_distinct_value(col, phone_norm(col), pl.String()).alias("phone_norm")
    )
