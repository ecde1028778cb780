"""Staff groups admissions relies on (created by migration 0002; members managed in admin)."""

# Supervisors hear about urgent requests, leads nobody is on call for, and leads not contacted
# within ADMISSIONS_SLA_MINUTES.
SUPERVISORS_GROUP = "Admissions supervisors"
