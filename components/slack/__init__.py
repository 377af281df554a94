"""SlackExtension: PagerDuty's two-way Slack integration for one or more services. `component`
holds the args, their checks and the resources (small enough for one module)."""
