"""Application services: import, analyse and open cases, scan orchestration, demo, scheduler.

The layer above storage, monitor, nlp and briefs: it wires them together. The faces (the CLI and
the web app) call these functions and nothing below them does.
"""
