"""Django's SQLite backend, with the tests' flush; see base.py."""
