"""The launch plan as written: the plan file, its checklist (GitHub task lists), owners, T-offsets, the timeline."""
