"""Run cookiecutter safely for web requests.

Cookiecutter is made for one user at a terminal: it changes the working
directory and sys.path, writes replay files under ~, leaves every rendered hook
(with the user's values) in the temp folder, and renders values as Jinja
without a sandbox. So each generation here runs:

* on values that already passed the template's rules (see values.py), without the hook
  subprocesses: the post_gen hook's file removals run in the worker (``worker``);
* in a warm worker process, one job at a time (``pool``), with its own HOME, TMPDIR,
  replay and output folders inside a job folder that is removed afterwards (``jobs``);
* with Jinja's sandbox in place of cookiecutter's plain environment (``sandbox``);
* under a time limit: a worker that overruns is killed and replaced (``pool``);
* with every generated file checked to lie inside the job's output folder (``worker``).

A bounded number of requests may wait for a worker; beyond that the caller
gets :class:`~generator_service.generation.errors.Busy` (the API answers 503 with Retry-After).
Hosts without worker processes (AWS Lambda) generate in the server's process (``in_process``);
``runner`` picks one of the two.
"""
