"""Storage: sqlmodel tables, the engine and its migrations, and the queries the rest needs."""
