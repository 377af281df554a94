"""Schedules offline: who is on call when, and what to check about it."""
