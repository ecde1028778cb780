"""Database plumbing: telling an outage from a bug, and failing fast while the database is away."""
