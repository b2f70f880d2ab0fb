"""`{% url %}` with its answers kept: `{% load cached_url %}` in a template makes its
`{% url %}` tags this one (same syntax, same output).

A step page reverses some sixty URLs (the steps in the sidebar and the top bar, a form
per question, a link per finding), and each `reverse()` walks the URL resolver: about
a tenth of a page's render. The answer depends only on the view name, the arguments,
the current app, the URLconf and the script prefix, so it is kept per process under
exactly those (and forgotten when a test swaps the URLconf).
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@register.tag
def url(parser, token) -> URLNode:
    node = django_url(parser, token)
    node.__class__ = CachedURLNode
    return node


@lru_cache(maxsize=4096)
def _reverse(view_name, args: tuple, kwargs: tuple, current_app, urlconf, prefix) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


@receiver(setting_changed)
def _forget(setting: str, **kwargs) -> None:
    """A test that swaps the URLconf (or what reverse() reads) starts afresh."""
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _reverse.cache_clear()


class CachedURLNode(URLNode):
    def render(self, context) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple((k, v.resolve(context)) for k, v in self.kwargs.items())
        view_name = self.view_name.resolve(context)
        try:  # as Django's own tag decides it
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        found = ""
        try:
            urlconf = get_urlconf() or settings.ROOT_URLCONF
            found = _reverse(view_name, args, kwargs, current_app, urlconf, get_script_prefix())
        except TypeError:  # an argument that cannot be a key: reverse it as Django does
            found = reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = found
            return ""
        return conditional_escape(found) if context.autoescape else found
