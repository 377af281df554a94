"""NewRelicPagerDutyChannel: the PagerDuty service New Relic pages, and New Relic's alert policy,
ping and certificate monitors, conditions and notification workflow. `channel` builds the
resources, `args` is the input contract, `checks` and `sla_checks` refuse bad args, `nrql` and
`sla` build the conditions' queries and the support-hours/certificate parts."""
