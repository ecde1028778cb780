from django.core.management.base import BaseCommand

from admissions import spool


class Command(BaseCommand):
    help = (
        "Show the requests kept in the spool while the database was unreachable, store what "
        "waits now, or put back requests that were set aside once their cause is fixed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry", action="store_true", help="put set-aside requests back in the queue"
        )
        parser.add_argument("--drain", action="store_true", help="store waiting requests now")

    def handle(self, *args, retry=False, drain=False, **options):
        if retry:
            self.stdout.write(f"Put back {spool.retry_set_aside()} set-aside request(s).")
        if drain or retry:
            self.stdout.write(f"Stored {spool.drain()} request(s).")
        self.stdout.write(
            f"Waiting: {spool.waiting_count()}; set aside: {spool.set_aside_count()}."
        )
