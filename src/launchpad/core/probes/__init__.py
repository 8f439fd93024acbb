"""Health probes and metrics as configured, their history and status, and the rollback triggers judged on them."""
