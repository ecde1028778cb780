"""Work a web process would otherwise do on its first requests, done once before gunicorn forks.

Without it each new worker's first consultation request took about 0.1 s longer than the next
ones (Celery binding its tasks, kombu importing the Redis transport, the message machinery built
on first use), and the requests queued behind it waited too: after every deploy or restart, the
first visitors to ask for help were the slowest. Done here, in the parent, the work is shared by
every worker (`preload_app`, gunicorn.conf.py).

Nothing here connects to anything: sockets opened before a fork would be shared by every worker.
"""

from importlib import import_module


def warm_up_before_serving() -> None:
    from resilience.celery import app

    # Imports every app's tasks module (as a worker does on start) and binds the tasks.
    app.loader.import_default_modules()
    app.finalize(auto=True)
    # The broker's transport class (kombu's Redis transport), and Celery's router and message
    # builder: imported and made, not connected.
    app.connection_for_write().transport  # noqa: B018 (the attribute loads the transport)
    app.amqp.router  # noqa: B018
    import_module("celery.events.dispatcher")  # made, disabled, for each message sent
    # Looked up by every apply_async (no results are kept, but finding that out costs a scan of
    # the installed packages' entry points).
    app.backend  # noqa: B018
