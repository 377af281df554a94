"""What runs against the live accounts once a stack is up."""
