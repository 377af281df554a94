"""Reviewing a change: what it does to each stack, and to each person on call."""
