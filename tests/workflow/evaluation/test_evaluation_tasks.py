"""The evaluation's Celery configuration (issue 5): the periodic task is scheduled, the task
stops itself before the hard limit, and Redis never hands a running task to a second worker."""

from __future__ import annotations

import importlib
import os

import pytest
from django.conf import settings

from programme.celery import app
from workflow import tasks


def test_the_periodic_task_is_in_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["make-automatic-evaluations"]
    assert entry["task"] == tasks.make_automatic_evaluations.name == "workflow.tasks.make_automatic_evaluations"
    assert entry["schedule"] <= 24 * 60 * 60  # at least daily: the evaluation comes on the day
    assert entry["task"] in app.tasks


def test_the_evaluation_task_acks_late_and_stops_itself_before_the_hard_limit():
    task = tasks.make_evaluation
    assert task.acks_late is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert 0 < task.soft_time_limit < settings.CELERY_TASK_TIME_LIMIT
    # It may look again for as long as another worker may still be making the evaluation.
    assert task.max_retries * tasks.EVALUATION_BUSY_RETRY >= settings.CELERY_TASK_TIME_LIMIT


def test_the_redis_visibility_timeout_is_above_the_longest_task(monkeypatch: pytest.MonkeyPatch):
    """Read from the settings as they are with REDIS_URL set, whatever this run uses."""
    import programme.settings as module

    monkeypatch.setenv("REDIS_URL", os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    try:
        redis_settings = importlib.reload(module)
        timeout = redis_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        assert timeout > redis_settings.CELERY_TASK_TIME_LIMIT
    finally:
        monkeypatch.undo()
        importlib.reload(module)
