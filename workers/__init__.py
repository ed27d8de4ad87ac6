"""Celery workers: the same services as `callbrief run`, spread over many processes and machines.

`app` holds the Celery application and its delivery settings, `tasks` the task definitions,
`beat` the schedule (the `run` schedule, reused), `control` what the CLI calls: start a worker or
beat, hand work to the queues, show their state. See docs/workers.md.
"""
