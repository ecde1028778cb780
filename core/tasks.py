from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def clear_expired_sessions():
    # Staff sign-ins are the only sessions; keep none past their expiry.
    call_command("clearsessions")
