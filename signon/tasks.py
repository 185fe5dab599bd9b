"""Mail through a worker: queueing what a signature is owed, sending it, retrying it.

Django's tasks framework (``django.tasks`` on Django 6, the ``django-tasks``
backport on 5.2) with the database backend (``django-tasks-db``):

- ``queue_mail`` writes the task row in the caller's transaction, so a
  signature and the mail it owes commit together or not at all; nothing is
  sent inside a request, so a slow or stalled mail server never holds one.
- ``manage.py db_worker`` runs ``send_signature_mail``, which sends what the
  signature still owes (``emails.send_due_mail``: the ``*_sent_at`` fields say
  what went out, so a second run sends nothing twice). A failure is recorded on
  the signature (``mail_failed_at``, ``mail_error``) and retried after each
  delay in ``SIGNON_MAIL_RETRY_DELAYS``; what still fails after the last stays
  recorded, for staff to see and retry from admin (``queue_mail`` again).
  ``retry_later`` is that policy for any mail task (outreach's uses it too).
- A worker killed mid-send leaves its task "running": ``requeue_stalled`` puts
  such tasks back in the queue once they are older than
  ``SIGNON_MAIL_STALLED_SECONDS``, when a worker starts (signon's ``db_worker``)
  and after every task a worker finishes.
"""

import logging
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import emails

try:  # Django 6
    from django.tasks import task
    from django.tasks.signals import task_finished
except ImportError:  # Django 5.2: the backport, same API
    from django_tasks import task
    from django_tasks.signals import task_finished

log = logging.getLogger(__name__)

# Two tasks for one signature (a sign-on, then a quick approval) must not send
# at once on two workers: each holds this advisory lock on the signature's id.
_LOCK_NAMESPACE = 0x5160


@task()
def send_signature_mail(signature_id: int, attempt: int = 1) -> str:
    """Send what the signature owes; on failure enqueue the next attempt (or give up)."""
    signature_model = apps.get_model("signon", "Signature")
    with transaction.atomic():
        if not _lock(signature_id):
            # Another worker is mailing this signature: come back when it is done.
            _enqueue(signature_id, attempt, delay=5)
            return "busy"
        signature = signature_model.objects.select_related("letter").filter(pk=signature_id)
        signature = signature.first()
        if signature is None:
            return "gone"
        if emails.send_due_mail(signature):
            return "sent"
    if retry_later(send_signature_mail, attempt, signature_id):
        return "retrying"
    log.error(
        "Gave up mailing signature %s after %s attempts: %s",
        signature_id,
        attempt,
        signature.mail_error,
    )
    return "failed"


def retry_later(runner, attempt: int, *args) -> bool:
    """Enqueue attempt ``attempt + 1`` of a mail task (``runner(*args, attempt)``) after
    its delay in ``SIGNON_MAIL_RETRY_DELAYS``; False once the last retry was made.
    Outreach's mail retries through this too, so both follow one policy."""
    delays = settings.SIGNON_MAIL_RETRY_DELAYS
    if attempt > len(delays):
        return False
    when = timezone.now() + timedelta(seconds=delays[attempt - 1])
    runner.using(run_after=when).enqueue(*args, attempt + 1)
    return True


def mail_task(runner):
    """Register another app's mail task: a worker's stalled runs of it are requeued too."""
    _MAIL_TASKS.add(runner.module_path)
    return runner


_MAIL_TASKS = {send_signature_mail.module_path}


def queue_mail(signature) -> None:
    """Enqueue the mail this signature owes, in the caller's transaction."""
    _enqueue(signature.pk, 1, delay=0)


def _enqueue(signature_id: int, attempt: int, delay: float) -> None:
    runner = send_signature_mail
    if delay:
        runner = runner.using(run_after=timezone.now() + timedelta(seconds=delay))
    runner.enqueue(signature_id, attempt)


def _lock(signature_id: int) -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite (make run) has one worker and serializes writes anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, signature_id])
        return cursor.fetchone()[0]


def requeue_stalled() -> int:
    """Put mail tasks a dead worker left "running" back in the queue; returns how many."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(seconds=settings.SIGNON_MAIL_STALLED_SECONDS)
    stalled = DBTaskResult.objects.running().filter(
        task_path__in=_MAIL_TASKS, started_at__lt=cutoff
    )
    count = stalled.update(status="READY", started_at=None)
    if count:
        log.warning("Requeued %s mail task(s) a stopped worker left unfinished.", count)
    return count


def _after_a_task(sender, task_result, **kwargs) -> None:
    requeue_stalled()


task_finished.connect(_after_a_task, dispatch_uid="signon.tasks.requeue_stalled")


def backlog() -> dict:
    """What the admin index shows: mail waiting, the oldest's age, and failures."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=send_signature_mail.module_path, status__in=["READY", "RUNNING"]
    )
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    failed = apps.get_model("signon", "Signature").objects.filter(mail_failed_at__isnull=False)
    return {
        "waiting": waiting.count(),
        "oldest_age": timezone.now() - oldest if oldest else None,
        "failed": failed.count(),
    }
