"""The English pages write dates and thousands as the Norwegian ones do: ``07.12.2026``,
``14:30``, ``1 250 000`` (programme.numbers); only the decimal sign is English (``4.5``).  The
programme's dates and amounts are Norwegian, in its letters and registers as on its pages, and
an English reader in Norway meets these forms everywhere else; American ``12/07/2026`` would
read as the twelfth of July, and ``1,250`` as one and a quarter to a Norwegian colleague.
Long dates in e-mails: ``7 December 2026``."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%y %H:%M",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = "\u00a0"  # no-break space
NUMBER_GROUPING = 3
