"""The warehouse: schema, calendar, org rollup, metric registry, snapshots, query API."""
