"""pantheon-oncall: PagerDuty on-call, New Relic alerting and Slack for one Pantheon site and env.

Thin on purpose: oncall.program reads and validates this stack's config, wires the components and
exports the stack outputs.
"""

from oncall.program import main

main()
