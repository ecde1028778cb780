"""Telling "the database cannot be reached right now" apart from other database errors."""

from django.db import InterfaceError, OperationalError

# Refused or timed-out connections, a server that went away mid-query, a failover in progress.
# A request that meets one of these is kept elsewhere (admissions.spool) rather than lost.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)
