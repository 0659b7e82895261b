"""Run inside the production image by .ci/docker-image: the image's Celery worker makes a letter.

On a fresh SQLite database in the container: migrate, load the demo, ask for the offer letter
of an approved case (what the board's approval does), start the worker as docker-compose does
and wait until the letter is stored; then copy it to the folder named on the command line for
.ci/docker-image to read (only what requirements.txt installs is at hand here: no PDF reader).
Exits non-zero, with the worker's log, when no letter comes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

WAIT_SECONDS = 180
OUT = Path(sys.argv[1])

os.chdir("/app")
sys.path.insert(0, "/app")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "programme.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from workflow import tasks  # noqa: E402
from workflow.models import CaseFile, Decision  # noqa: E402

call_command("migrate", verbosity=0)
with open(os.devnull, "w") as quiet:
    call_command("load_demo", stdout=quiet)

decision = Decision.objects.filter(outcome=Decision.Outcome.APPROVE).order_by("pk").first()
if decision is None:
    sys.exit("The demo has no approved case to write an offer letter for.")
case = decision.case
# The demo may have queued or made its letters already; this one the worker must make now.
CaseFile.objects.filter(case=case, kind=CaseFile.Kind.LETTER).delete()
tasks.issue_letter.delay(case.pk, "offer")

log = OUT / "worker.log"
worker = subprocess.Popen(  # noqa: S603
    [sys.executable, "-m", "celery", "-A", "programme", "worker", "--pool=solo", "--loglevel=info"],
    stdout=log.open("w"),
    stderr=subprocess.STDOUT,
)
letter = None
try:
    deadline = time.monotonic() + WAIT_SECONDS
    while letter is None and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(1)
        letter = CaseFile.objects.filter(case=case, kind=CaseFile.Kind.LETTER).first()
finally:
    worker.terminate()
    worker.wait(timeout=30)

if letter is None:
    sys.stdout.write(log.read_text())
    sys.exit(f"The worker made no offer letter for {case.reference} in {WAIT_SECONDS} s.")
with letter.file.open("rb") as handle:
    pdf = handle.read()
(OUT / "letter.pdf").write_bytes(pdf)
(OUT / "reference.txt").write_text(case.reference)
print(f"The image's worker made {letter.original_name} ({len(pdf)} bytes).")
