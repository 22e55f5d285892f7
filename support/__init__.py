"""Machinery shared by the tests and the benchmarks, free of pytest.

- :mod:`support.lambda_runtime`: AWS's own runtime client (awslambdaric) running a function's code
  against a Lambda Runtime API on loopback, as Lambda runs it.
- :mod:`support.aws_stand_in`: an AWS API on loopback (moto's server, with what moto lacks for a
  Zappa deploy added), for the deploy rehearsal.
"""
