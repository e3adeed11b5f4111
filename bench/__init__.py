"""Benchmarks of the real service processes over loopback: `python -m bench.run [--smoke]`.

Each benchmark starts gunicorn, `f0care worker`, the morning-prompts job and a Twilio-compatible
stub as separate processes, drives them like Twilio would, and writes its numbers to
docs/benchmarks.md (a smoke run writes to a temporary file instead).
"""
