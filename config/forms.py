"""Forms render with the Ontario Design System's markup: label, hint, error, then the input.

Django (5.2) already ties hints and errors to the input with aria-describedby and marks
invalid inputs with aria-invalid; the templates in templates/forms/ keep those ids.
"""

from django import forms
from django.forms.renderers import TemplatesSetting

_WIDGET_CLASSES = (
    (forms.Textarea, "ontario-textarea"),
    (forms.CheckboxInput, "ontario-checkboxes__input"),
    (forms.CheckboxSelectMultiple, ""),
    (forms.RadioSelect, ""),
    (forms.Select, "ontario-input ontario-dropdown"),
)


class OntarioFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class OntarioFormMixin:
    """Gives every widget the design system's class."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = next((c for kind, c in _WIDGET_CLASSES if isinstance(widget, kind)), "ontario-input")
            if css:
                widget.attrs.setdefault("class", css)
