"""Schedules: who is on call when, their checks, calendars, and the hours of high urgency."""
