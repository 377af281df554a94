"""pantheon-oncall's program: the stack config contract, Pantheon presets, wiring, offline plan."""
