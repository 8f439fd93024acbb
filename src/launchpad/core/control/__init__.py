"""Launch control: the count and its holds, go/no-go polls, rollback, and what to announce."""
