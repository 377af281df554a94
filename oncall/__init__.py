"""pantheon-oncall: the Pulumi program (program.py, wiring.py) and the offline tools around it."""
