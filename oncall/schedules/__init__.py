"""Schedules: the model, its checks, the calendar, and roster handovers."""
