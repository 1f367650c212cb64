"""The sweeps' `--as-of DATE` option: run as if today were that date (docs/api.md, "Management commands")."""

import argparse
import datetime as dt


def agency_date(value) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("takes a date as YYYY-MM-DD, e.g. 2026-11-30, not %r" % value) from None


def add_as_of(parser):
    parser.add_argument("--as-of", type=agency_date, default=None, metavar="YYYY-MM-DD",
                        help="Run as if today were this date in the agency's time zone (default: today).")
