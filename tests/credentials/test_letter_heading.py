"""Both letters take their heading (addressee and references) from one include, so a change
to it reaches every letter the agency sends."""

import pytest
from django.test.signals import template_rendered

from credentials.letters.render import assessment_letter_html, decision_letter_html

from .letter_samples import assessment_letter, decision_letter, french_catalogue


@pytest.fixture(scope="module", autouse=True)
def _french():
    french_catalogue()


def _templates_used(render, letter):
    used = []

    def record(sender, template, context, **kwargs):
        used.append(template.name)

    template_rendered.connect(record)
    try:
        html = render(letter)
    finally:
        template_rendered.disconnect(record)
    return used, html


@pytest.mark.parametrize(("render", "sample", "label"), [
    (assessment_letter_html, assessment_letter, "Assessment reference"),
    (decision_letter_html, decision_letter, "Application reference"),
    # (each label in English, then in French in a span of its own)
])
def test_each_letter_takes_its_heading_from_the_shared_include(render, sample, label):
    letter = sample()
    used, html = _templates_used(render, letter)
    assert "letters/_heading.html" in used
    assert '<dt>%s<span class="fr" lang="fr-CA"> / ' % label in html
    assert "</span></dt><dd>%s</dd>" % letter.reference in html


def test_only_the_register_letter_carries_a_verification_code_and_version():
    _, html = _templates_used(assessment_letter_html, assessment_letter(version=2))
    assert "Verification code" in html and "2 (replaces earlier versions)" in html
    _, html = _templates_used(decision_letter_html, decision_letter())
    assert "Verification code" not in html and "Letter version" not in html
