"""Onboarding: adopting what a PagerDuty account has, and writing new sites."""
