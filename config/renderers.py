"""The form renderer: Django's widgets through Jinja2, everything else as Django does.

Widgets are most of a form's rendering time, and Django ships every built-in widget's
template in Jinja2 too: through Jinja2 they render the same HTML in about half the
time (docs/benchmarks.md). The admin's and contrib.auth's own widgets exist only as
Django templates, so a template Jinja2 does not have is taken from Django's engine.
"""

from functools import cached_property

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    @cached_property
    def django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)
