"""The whole pipeline in parts: files, text slices, region partitions and lead slices that a
cluster's workers run (flows/distributed.py, `relief-leads run --cluster`), given as a
`map_fn`. No Prefect or Dask here: the same functions run with the built-in `map`."""
