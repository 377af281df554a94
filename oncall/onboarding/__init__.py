"""Bringing sites in: stack files from PagerDuty or terminus; the fleet checked against Pantheon."""
