"""Model fields that read the system's clock (``programme.clock``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models

from programme import clock


class SavedAtField(models.DateTimeField):
    """``auto_now`` by the system clock: a row saved by a service acting as of a past date
    (``clock.travel_to``: the demo, an imported portfolio) is dated then, not on the real day.

    Django's own ``auto_now`` reads ``timezone.now()`` past the clock; this field differs from
    it only there.  The column and its options are the same, so migrations keep seeing the
    plain ``DateTimeField(auto_now=True)`` it replaces.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["auto_now"] = True
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance: models.Model, add: bool) -> datetime:
        value = clock.now()
        setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs
