"""Staff groups that admissions relies on. Membership is managed in admin (Users → Groups)."""

ADMISSIONS_STAFF_GROUP = "Admissions staff"
# Supervisors hear about urgent requests, leads nobody is on call for, and leads not contacted
# within ADMISSIONS_SLA_MINUTES.
SUPERVISORS_GROUP = "Admissions supervisors"
