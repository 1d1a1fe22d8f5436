"""Row-wise expressions of one column, evaluated once per distinct value of it.

Exports repeat their values heavily: 2 M monitoring rows hold 26 counties, 657 villages
and 78 risk dates, and the date and place normalisers run several regular expressions a
value. The same expression on the distinct values, joined back onto the rows, gives every
row the value it would have had, for the cost of the distinct values and one join.
"""

from __future__ import annotations

import polars as pl

_VALUE = "__per_distinct_value"


def per_distinct_value(column: str, expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """`expr`, which reads `column` alone and row by row, evaluated per distinct value.

    Null is a value like any other (the expression's result for null goes to every null).
    The result is named after `column`; `dtype` is the expression's type.
    """

    def evaluate(values: pl.Series) -> pl.Series:
        rows = values.to_frame(column)
        table = rows.unique().with_columns(expr.alias(_VALUE))
        joined = rows.join(table, on=column, how="left", nulls_equal=True, maintain_order="left")
        return joined.get_column(_VALUE).cast(dtype)

    return (
        pl.col(column).map_batches(evaluate, return_dtype=dtype, is_elementwise=True).alias(column)
    )
