"""The workspace's sidebar is drawn in Python (`{% plan_sidebar %}`): it says what the
template it replaced said, for every step, every status and both ways it is sent."""

import re

import pytest
from django.template import engines

from planner.workspace import StepProgress, percent_done

# The partial as it was written in templates/planner/workspace.html.
TEMPLATE = """{% load cached_url %}
<nav id="plan-sidebar" class="plan-sidebar" aria-label="Plan steps"{% if oob %} hx-swap-oob="true"{% endif %}>
  <div class="d-flex justify-content-between align-items-baseline mb-1">
    <span class="fw-semibold">Plan progress</span><span class="small text-body-secondary">{{ percent_done }}%</span>
  </div>
  <progress class="plan-progress w-100 mb-3" value="{{ percent_done }}" max="100" aria-label="Plan progress">{{ percent_done }}%</progress>
  <ol class="list-unstyled step-list">
    {% for s in progress %}
    <li>
      <a href="{% url 'workspace_step' project.pk s.step %}" class="step-link{% if s.step == step %} active{% endif %}"{% if s.step == step %} aria-current="step"{% endif %}>
        <span class="status-dot status-{{ s.status }}" aria-hidden="true"></span>
        <span class="flex-grow-1">{% if s.step != "context" and s.step != "core" %}{{ s.step }}. {% endif %}{{ s.title }}</span>
        <span class="visually-hidden">({{ s.status|cut:"_" }})</span>
        {% if s.detail %}<span class="badge text-bg-light border">{{ s.detail }}</span>{% endif %}
      </a>
    </li>
    {% endfor %}
  </ol>
  <a class="btn btn-sm btn-outline-secondary w-100 mb-2" href="{% url 'findings' project.pk %}">All findings</a>
</nav>
"""  # noqa: E501


def words(html: str) -> str:
    """The HTML with the whitespace between tags and runs of it made one space."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


STATUSES = ["not_started", "in_progress", "complete", "skipped"]
STEPS = ["context", "1", "2", "3", "4", "5", "6", "core"]


@pytest.mark.parametrize("here", STEPS)
@pytest.mark.parametrize("oob", [False, True])
def test_the_sidebar_says_what_its_template_said(project, here, oob):
    progress = [
        StepProgress(step, f"Title <{step}> & “{i}”", STATUSES[i % 4], str(i) if i % 3 else "")
        for i, step in enumerate(STEPS)
    ]
    context = {
        "project": project,
        "step": here,
        "oob": oob,
        "progress": progress,
        "percent_done": percent_done(progress),
    }
    engine = engines["django"]
    drawn = engine.from_string("{% load cards %}{% plan_sidebar %}").render(context)
    assert words(drawn) == words(engine.from_string(TEMPLATE).render(context))
    assert "&lt;1&gt; &amp;" in drawn and 'aria-current="step"' in drawn
