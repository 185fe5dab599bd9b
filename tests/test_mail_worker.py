"""Mail through the worker: bulk approval stays quick, a killed worker loses nothing, Procfiles.

The worker here is the real ``manage.py db_worker`` in a child process, run with
the command the Procfile gives, on the suite's database.
"""

import re
import shlex
import subprocess
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from signon.models import Signature
from signon.tasks import backlog, queue_mail

from .conftest import CHANGELIST, log_in_with_device, make_signature, run_queued_mail
from .servers import BASE_DIR, app_environment


def procfile(name: str = "Procfile") -> dict[str, str]:
    lines = (BASE_DIR / name).read_text().splitlines()
    return dict(re.match(r"(\w+): (.+)", line).groups() for line in lines if line[:1].isalpha())


@pytest.mark.django_db
def test_bulk_approval_of_500_signatures_queues_500_notices_and_sends_none_in_the_request(
    staff_client, letter, settings
):
    settings.SIGNON_STAFF_EMAILS = []
    Signature.objects.bulk_create(
        Signature(
            letter=letter,
            mayor_first_name="Ada",
            mayor_last_name=f"Mayor{i}",
            city=f"Town {i}",
            state="OH",
            office_key=f"OH:town {i}",
            contact_first_name="Chris",
            contact_last_name="Aide",
            contact_email=f"aide{i}@town{i}.oh.gov",
            contact_phone="+12175550143",
            receipt_sent_at=timezone.now(),
        )
        for i in range(500)
    )
    chosen = list(Signature.objects.values_list("pk", flat=True))
    started = time.monotonic()
    response = staff_client.post(
        CHANGELIST, {"action": "approve_selected", "_selected_action": chosen, "apply": "Approve"}
    )
    took = time.monotonic() - started
    print(f"bulk approval of 500 signatures: {took:.2f} s (the issue asks for under 2 s)")
    assert response.status_code == 302
    assert Signature.objects.filter(status=Signature.Status.APPROVED).count() == 500
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 500
    assert backlog()["waiting"] == 500
    assert run_queued_mail() == ["sent"] * 500
    assert len(mail.outbox) == 500
    assert backlog()["waiting"] == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_send_leaves_nothing_unsent_once_a_worker_runs_again(
    letter, stalled_mail_server, tmp_path
):
    signature = make_signature(letter)
    queue_mail(signature)
    command = shlex.split(procfile()["worker"])
    stalled = app_environment({"EMAIL_URL": f"smtp://127.0.0.1:{stalled_mail_server}"})
    with (tmp_path / "first-worker.log").open("wb") as log:
        first = subprocess.Popen(  # noqa: S603 (the Procfile's own command)
            command, cwd=BASE_DIR, env=stalled, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        # The worker polls and picks the task up on its own clock: wait for it, then kill it.
        deadline = time.monotonic() + 30
        while not DBTaskResult.objects.filter(status="RUNNING").exists():
            assert time.monotonic() < deadline, (tmp_path / "first-worker.log").read_text()
            time.sleep(0.1)
        time.sleep(0.5)  # now talking to the stalled server
    finally:
        first.kill()
        first.wait()
    assert DBTaskResult.objects.get().status == "RUNNING"  # left behind, as a crash leaves it
    signature.refresh_from_db()
    assert signature.receipt_sent_at is None

    # A new worker (its mail printed to the console) starts: the task is no longer
    # stalled-young (SIGNON_MAIL_STALLED_SECONDS=0 here), so it is queued and sent once.
    working = app_environment({"EMAIL_URL": "consolemail://", "SIGNON_MAIL_STALLED_SECONDS": "0"})
    second = subprocess.run(  # noqa: S603 (the Procfile's own command)
        [*command, "--batch", "--no-startup-delay"],
        cwd=BASE_DIR, env=working, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert second.stdout.count("To: chris.aide@springfield.il.gov") == 1  # the receipt, once
    assert "Requeued 1 mail task(s) a stopped worker left unfinished." in second.stdout
    signature.refresh_from_db()
    assert signature.receipt_sent_at is not None
    assert signature.mail_failed_at is None
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"]


@pytest.mark.django_db
def test_a_task_running_on_a_live_worker_is_not_taken_from_it(letter, settings):
    signature = make_signature(letter)
    queue_mail(signature)
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now())
    from signon.tasks import requeue_stalled

    assert requeue_stalled() == 0  # younger than SIGNON_MAIL_STALLED_SECONDS (300 s)
    settings.SIGNON_MAIL_STALLED_SECONDS = 0
    assert requeue_stalled() == 1


def test_the_procfile_runs_web_worker_and_release_and_make_run_uses_the_dev_one():
    production = procfile()
    assert production == {
        "release": ".venv/bin/python manage.py migrate --noinput",
        "web": ".venv/bin/gunicorn -c config/gunicorn.py config.wsgi:application",
        "worker": ".venv/bin/python manage.py db_worker",
    }
    development = procfile("Procfile.dev")
    assert set(development) == {"web", "worker"}
    assert "manage.py db_worker" in development["worker"]
    makefile = (BASE_DIR / "Makefile").read_text()
    assert "honcho -f Procfile.dev start" in makefile
    assert not (BASE_DIR / "signon/management/commands/retry_signon_mail.py").exists()


@pytest.mark.django_db
def test_the_admin_index_shows_the_mail_backlog_its_oldest_age_and_the_failures(
    staff_client, letter
):
    assert "0 e-mail tasks waiting for the worker. No failed e-mail." in " ".join(
        staff_client.get("/admin/").text.split()
    )
    with time_machine.travel(timezone.now() - timedelta(minutes=12), tick=False):
        queue_mail(make_signature(letter, city="Peoria"))
    queue_mail(make_signature(letter, city="Joliet"))
    make_signature(letter, city="Aurora", mail_failed_at=timezone.now(), mail_error="receipt: X")
    page = " ".join(staff_client.get("/admin/").text.split())
    assert "2 e-mail tasks waiting for the worker; the oldest queued 12 minutes ago." in page
    assert (
        '<a href="/admin/signon/signature/?mail=failed">1 signature with failed e-mail</a>' in page
    )


@pytest.mark.django_db
def test_staff_who_may_not_see_signatures_get_no_backlog(client, letter):
    from django.contrib.auth.models import User

    log_in_with_device(client, User.objects.create_user("clerk", is_staff=True))
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "mail-backlog" not in index.text


@pytest.mark.django_db
def test_two_tasks_for_one_signature_send_each_message_once(letter, staff, settings):
    settings.SIGNON_STAFF_EMAILS = ["desk@usmayors.example"]
    signature = make_signature(letter)
    queue_mail(signature)  # the sign-on's task, not yet run
    signature.approve(staff)  # queues its own before the worker gets to the first
    assert DBTaskResult.objects.count() == 2
    assert run_queued_mail() == ["sent", "sent"]
    subjects = sorted(m.subject.split(":")[0].split(" is ")[0] for m in mail.outbox)
    assert len(mail.outbox) == 3, subjects  # receipt, staff notice, approval notice: once each
