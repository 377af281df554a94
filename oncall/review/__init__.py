"""What a change does: plans compared across a git change, the stacks it touches, URN checks."""
