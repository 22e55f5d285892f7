"""Machinery shared by the tests and the benchmarks, free of pytest (the tests wrap what should fail a test).

- :mod:`support.paths`: the repository's folder and the cache (.cache/) where built things are kept.
- :mod:`support.commands`: running a command, raising :class:`~support.commands.CommandFailed` with its output.
- :mod:`support.interpreters`: interpreters for the Lambda Python runtimes, and how to install a missing one.
- :mod:`support.venvs`: venvs in the cache, built once: a generated project's, a tool's.
- :mod:`support.postgres`: the local PostgreSQL (TEST_POSTGRES_DSN) and throwaway databases in it.
- :mod:`support.pgbouncer`: PgBouncer on a free port, standing in for RDS Proxy.
- :mod:`support.generator_site`: the generator site under uvicorn on a free port.
- :mod:`support.events`: API Gateway events as AWS sends them.
- :mod:`support.ports`: free TCP ports on loopback. :mod:`support.locks`: one process at a time over a cache entry.
- :mod:`support.lambda_runtime`: AWS's own runtime client (awslambdaric) running a function's code
  against a Lambda Runtime API on loopback, as Lambda runs it; the runtime's own packages, in the cache.
- :mod:`support.drivers`: scripts run in other interpreters (a Lambda package's, a generated project's).
- :mod:`support.aws_stand_in`: an AWS API on loopback (moto's server, with what moto lacks for a
  Zappa deploy added), for the deploy rehearsal.
"""
