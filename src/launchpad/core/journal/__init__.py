"""The session journal: its entries and their fold, the live document, replay, report and activity words."""
