"""TeamOnCall: PagerDuty users, contact methods, notification rules, schedules and the escalation
policy of one team. `component` builds the resources, `args` is the input contract, `checks`
refuses bad args (with property paths), `rules` and `schedules` turn args into provider inputs."""
