"""The demo's present: the programme as it runs this year, with a case in every open state,
dated in days from the day the demo is loaded.

What a demo user meets on that day (``today``):

- the advisers: an application submitted two days ago, one in screening and one past the
  14-day service level (reminder due today), one returned 14 days ago (reminder due today),
  one deferred by the board and ready for the next meeting;
- the board: the meeting a week from today with three cases on its agenda (reminder due
  today), one of them with a member's declared conflict of interest;
- the applicant (``soker@demo.no``): an offer sent 14 days ago that can be accepted for
  another week (reminder due today), a refusal still open to appeal, a part payment asked for
  three days ago, a final report due in 30 days (reminder due today), a returned application;
- the administrator: the pending payment request, a final report with its final payment
  waiting, an appeal to place on an agenda, a completed project in its job follow-up.

Every open case was last touched within the last 120 days.
"""

from __future__ import annotations

import datetime as dt

from workflow.management.commands._demo_data import P

# The board's meetings, in days from today: three earlier ones that granted the running
# projects, one two weeks ago, and the next one a week from today.
MEETINGS = (-280, -210, -48, -14, 7)


def live_projects(today: dt.date) -> list[P]:
    """The present's applications and the state each case is in on ``today``."""

    def day(n: int) -> str:
        return (today + dt.timedelta(days=n)).isoformat()

    first, second, third, last, next_ = (day(n) for n in MEETINGS)
    # fmt: off
    return [
        # The first one marks the day the present was made (``made_on``).
        P("lena", "Havredrikk av Totenhavre", "bio", "pre_study", 280_000,
          130_000, 2, day(-2), None, day(60), day(300), "submitted"),
        P("glass", "Glassfasader med integrerte solceller", "industri", "development", 900_000,
          400_000, 6, day(-15), None, day(45), day(400), "screening"),
        P("fall", "Kortreist konstruksjonsvirke", "bio", "development", 700_000,
          300_000, 4, day(-6), None, day(90), day(450), "screening"),
        P("mjosdata", "KI-assistent for byggesaksbehandling", "ikt", "development", 640_000,
          300_000, 5, day(-19), None, day(60), day(420), "returned"),
        P("kapp", "Landstrøm for småbåthavner", "industri", "development", 520_000,
          240_000, 3, day(-45), last, day(60), day(360), "recommended"),
        P("boverbru", "Styring av varmepumper i driftsbygninger", "ikt", "development", 600_000,
          280_000, 4, day(-40), next_, day(40), day(400), "on_agenda", recommended=day(-12), placed=day(-8)),
        P("snertingdal", "Gardsmeieri med selvbetjent utsalg", "bio", "development", 480_000,
          220_000, 3, day(-30), next_, day(45), day(330), "on_agenda", recommended=day(-10), placed=day(-7),
          conflict=day(-5)),
        P("regnskap", "Digital regnskapsrådgivning for landbruket", "annet", "development", 350_000,
          170_000, 2, day(-33), next_, day(30), day(300), "on_agenda", advice="reject", recommended=day(-11),
          placed=day(-7)),
        P("eina", "Sporbar resirkulert plast for bilindustrien", "industri", "development", 800_000,
          360_000, 6, day(-75), third, day(30), day(500), "appealed"),
        P("trebat", "Utleiebåter med elektrisk drift", "industri", "development", 620_000,
          280_000, 3, day(-50), last, day(45), day(400), "rejected", advice="reject"),
        P("vardal", "Fuktsensorer for trehus", "ikt", "development", 760_000,
          350_000, 5, day(-45), last, day(30), day(400), "approved"),
        P("mjosdata", "Prediktivt vedlikehold for vannverk", "ikt", "development", 900_000,
          420_000, 7, day(-80), third, day(-35), day(330), "accepted", path="accepted_with_request",
          part=150_000, part_on=day(-3)),
        P("vardal", "Trådløs måling av snølast på tak", "ikt", "development", 540_000,
          250_000, 3, day(-240), second, day(-195), day(-30), "accepted", part_on=day(-45)),
        P("hov", "Limtrebjelker med lavere karbonavtrykk", "industri", "development", 820_000,
          380_000, 5, day(-310), first, day(-260), day(-25), "reporting"),
        P("totenaasen", "Biokull fra bark", "bio", "development", 660_000,
          300_000, 4, day(-305), first, day(-265), day(-100), "completed"),
    ]
    # fmt: on


def made_on(submitted: dt.date) -> dt.date:
    """The day the present was made, from the day its first application was submitted."""
    reference = dt.date(2000, 1, 1)
    return submitted + (reference - dt.date.fromisoformat(live_projects(reference)[0].submitted))


def meeting_days(today: dt.date) -> list[dt.date]:
    return [today + dt.timedelta(days=n) for n in MEETINGS]


def budget_years(today: dt.date) -> list[int]:
    """The years the present needs a budget for: this year, and those of its meetings."""
    return sorted({today.year, *(day.year for day in meeting_days(today))})
