"""The store-wide database: replication of each till's journal to PostgreSQL (docs/store.md)."""
