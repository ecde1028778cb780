"""PostgreSQL with a circuit breaker and fail-fast connection options; see base.py."""
