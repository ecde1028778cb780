"""The staff roles (groups made by migration 0007, members managed in admin).

- Admissions staff: see and work leads (log calls, notes, call-backs, assign to themselves,
  move the status, close with an outcome); no export, no delete.
- Admissions supervisors: the same, plus assign to anyone, export, the dashboard, on-call shifts,
  the audit log and lead history. They also hear about urgent and overdue leads.
- Marketing: the public content (programs, pages, articles); no access to leads at all.

Nobody deletes a lead from admin, superusers included: removal is retention's job.
"""

STAFF_GROUP = "Admissions staff"
SUPERVISORS_GROUP = "Admissions supervisors"
MARKETING_GROUP = "Marketing"
