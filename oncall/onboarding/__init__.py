"""Writing stack files: imported from a PagerDuty account (`oncall import`) or new (`new-site`)."""
