"""Run the site itself on AWS Lambda, behind API Gateway or a function URL, through Mangum.

Lambda has no /dev/shm, so no worker processes: generations run one at a time in the function's
own process (GENERATOR_RUNNER=inprocess), which Lambda's own timeout bounds.

Handler: generator_service.aws_lambda.handler
"""

import os

from mangum import Mangum

os.environ.setdefault("GENERATOR_RUNNER", "inprocess")

from generator_service.main import create_app  # noqa: E402  (reads the settings above)

handler = Mangum(create_app(), lifespan="auto")
