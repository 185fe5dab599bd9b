"""django-tasks-db's worker, which first requeues the mail a stopped worker left unsent.

Same name, options and behaviour as ``django_tasks_db``'s ``db_worker`` (this
app comes first in INSTALLED_APPS); a worker killed mid-send leaves its task
"running", and the next worker to start puts it back in the queue
(``signon.tasks.requeue_stalled``, also run after every task).
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from signon.tasks import requeue_stalled


class Command(DatabaseWorkerCommand):
    def handle(self, *args, **options) -> None:
        requeue_stalled()
        super().handle(*args, **options)
