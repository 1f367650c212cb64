"""The one rule for cells a spreadsheet would run as formulas, and the writer every export uses."""

import csv
import io
from decimal import Decimal

import pytest

from config.parsers import json_depth_exceeds
from config.spreadsheet_csv import csv_download, csv_text, neutralise, starts_like_formula


@pytest.mark.parametrize("text", [
    '=HYPERLINK("http://x","y")', "+SUM(A1)", "-2+3+cmd|' /C calc'!A0", "@cmd", "\t=1", "\r=1", "\t5",
    " =1+1", "\u00a0=1", "\u200b=1", "\ufeff=1", "\u202e=1", "\n@x", "\uff1d1+1", "- none", "-", "+",
])
def test_text_that_starts_like_a_formula(text):
    assert starts_like_formula(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["-5", "+1.5", " -0.5", "12", "Weld safely", "e-mail", "", "'=already", "3 - 2"])
def test_text_that_does_not(text):
    assert not starts_like_formula(text)
    assert neutralise(text) == text


def test_numbers_stay_numbers_and_none_is_empty():
    assert [neutralise(value) for value in (-5, Decimal("-2.5"), -1.5, None)] == [-5, Decimal("-2.5"), -1.5, ""]
    rows = list(csv.reader(io.StringIO(csv_text([["=1+1", -5, None, "-5"]], header=["a", "b", "c", "d"]))))
    assert rows == [["a", "b", "c", "d"], ["'=1+1", "-5", "", "-5"]]


def test_a_download_starts_with_a_byte_order_mark_and_a_safe_name():
    response = csv_download("a\r\n", filename='report "2027".csv')
    assert response.content.startswith("\ufeff".encode())
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="report \\"2027\\".csv"'


@pytest.mark.parametrize(("text", "too_deep"), [
    ("[" * 33 + "]" * 33, True),
    ("[" * 32 + "]" * 32, False),
    ('{"a": "' + "[" * 100 + '"}', False),  # brackets inside a string are text
    ('{"a": "\\"[[[[" }', False),
    ('{"a":' * 40 + "1" + "}" * 40, True),
])
def test_json_depth_is_judged_before_parsing(text, too_deep):
    assert json_depth_exceeds(text) is too_deep
