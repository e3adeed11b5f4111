"""The daily rhythm: morning prompts, reminders, the 10:00 digest, escalation, end of monitoring."""
