"""Scheduled decisions as pure rules: rows and `now` in, effects out (the scheduler applies them)."""
