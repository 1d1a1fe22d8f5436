"""Places: county, town and village from free address text or structured columns.

Parsing is by administrative suffix (县/区/市/旗, 镇/乡/街道, 村/社区/居委会), left
to right. It is a best effort for blocking and comparison, not a gazetteer.
"""

from __future__ import annotations

import polars as pl

from pipeline.normalise.distinct import per_distinct_value

PlaceColumn = str | pl.Expr

PLACE_LEVELS = ("county", "town", "village")

# Labels in front of the address proper: `户籍地:`, `住址：` (NFKC makes `：` a `:`).
_LABEL = r"^[^:]{0,8}:"
_NOISE = r"[\s\p{Cc}\p{Cf}]+"
# Long official forms -> the short form the poverty export uses.
_CANONICAL_SUFFIXES = (
    (r"街道办事处$|街道办$", "街道"),
    (r"社区居民委员会$|社区居委会$", "社区"),
    (r"村民委员会$|村委会$", "村"),
    (r"居民委员会$", "居委会"),
)
# Name bodies may not run across a unit boundary: after the first character (which
# may be 镇, as in 镇安县), no level suffix may appear inside.
_UNIT_SUFFIXES = "省市县区旗镇乡村"
_PROVINCE = r"(?:中国)?(?:[^省]{2,7}?省|[^区]{2,12}?自治区|(?:北京|天津|上海|重庆)市)"
_CITY = rf"[^{_UNIT_SUFFIXES}]{{1,10}}?(?:自治州|地区|盟|市)"
_COUNTY = (
    r"(?P<county>[^省市县区旗]{2,12}?自治[县旗]"
    rf"|[^省市县区旗][^{_UNIT_SUFFIXES}社小]{{0,9}}?[县区市]"
    # a banner has three characters or more (正蓝旗, 土默特左旗): 红旗 of 红旗村 is none
    rf"|[^省市县区旗][^{_UNIT_SUFFIXES}社小]{{1,9}}?旗)"
)
_TOWN = rf"(?P<town>[^省市县区旗][^{_UNIT_SUFFIXES}]{{0,9}}?(?:镇|乡|街道办事处|街道办|街道))"
# A village name may hold 旗 (红旗村 is among the commonest village names): a
# banner (旗) is a county-level unit, and the county part before the village takes it.
_VILLAGE_BODY = _UNIT_SUFFIXES.replace("旗", "")
_VILLAGE = (
    rf"(?P<village>[^省市县区旗][^{_VILLAGE_BODY}]{{0,9}}?"
    r"(?:村民委员会|村委会|村|社区居民委员会|社区居委会|社区|居民委员会|居委会))"
)
_ADDRESS = rf"^(?:{_PROVINCE})?(?P<city>{_CITY})?{_COUNTY}?{_TOWN}?{_VILLAGE}?"


def _to_expr(col: PlaceColumn) -> pl.Expr:
    return pl.col(col) if isinstance(col, str) else col


def _canonical_suffix(expr: pl.Expr) -> pl.Expr:
    for pattern, short in _CANONICAL_SUFFIXES:
        expr = expr.str.replace(pattern, short)
    return expr


def _clean_text(expr: pl.Expr) -> pl.Expr:
    text = expr.cast(pl.String).str.normalize("NFKC").str.replace_all(_NOISE, "")
    # Dropping a space can join a letter and a combining mark: compose now, not on a rerun.
    return text.str.normalize("NFKC")


def clean_place(col: PlaceColumn) -> pl.Expr:
    """A structured place value (county, town or village column) in comparable form.

    NFKC, no spaces, long official suffixes shortened (城关街道办事处 -> 城关街道,
    东岭村民委员会 -> 东岭村); null when empty.
    """
    cleaned = _canonical_suffix(_clean_text(_to_expr(col)))
    return cleaned.replace("", None)


def place_parts(col: PlaceColumn) -> pl.Expr:
    """Struct of county, town and village parsed from free address text.

    Province and prefecture prefixes are skipped; a level that is absent is null.
    A city with no county after it (韩城市芝川镇) is taken as a county-level city.
    """
    text = _clean_text(_to_expr(col)).str.replace(_LABEL, "")
    parts = text.str.extract_groups(_ADDRESS)
    city = parts.struct.field("city")
    county = pl.coalesce(parts.struct.field("county"), city)
    return pl.struct(
        county.alias("county"),
        _canonical_suffix(parts.struct.field("town")).alias("town"),
        _canonical_suffix(parts.struct.field("village")).alias("village"),
    ).alias("place_parts")


def with_place_columns(df: pl.DataFrame, address_col: str = "address") -> pl.DataFrame:
    """Add county, town and village parsed from `address_col`."""
    parts = "__place_parts"
    while parts in df.columns:
        parts += "_"
    dtype = pl.Struct({level: pl.String for level in PLACE_LEVELS})
    # once per distinct address: addresses repeat (a household, a village's petitioners)
    by_address = per_distinct_value(address_col, place_parts(address_col), dtype)
    return (
        df.with_columns(by_address.alias(parts))
        .with_columns(pl.col(parts).struct.field(level) for level in PLACE_LEVELS)
        .drop(parts)
    )
