"""The functional core: plain dataclasses and pure functions, no Textual, no HTTP, no file writes."""
