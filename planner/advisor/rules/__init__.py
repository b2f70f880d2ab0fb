"""Every advisor rule, by topic. Importing this package registers them in `RULES`."""

from planner.advisor.rules import context, gaps, guide, red_flags, skips  # noqa: F401
