"""Signals of what every app shares.

``working_time_changed`` is sent when the office hours or the calendar's corrections change: every clock
counted in working time must then be counted again. ``core`` cannot reach the apps whose clocks run (they
sit to its right), so they listen: ``inspections`` recomputes its issues' and tasks' clocks."""

from django.dispatch import Signal

# Sent with ``days``: the changed days (a calendar correction), or None when any day may have changed.
working_time_changed = Signal()
