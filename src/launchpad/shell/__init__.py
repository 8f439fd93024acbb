"""The imperative shell: glue that connects the session store and the probe engine to the cockpit."""
