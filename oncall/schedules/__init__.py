"""On-call schedules resolved into shifts: the model, its checks (gaps, load) and the calendar."""
