# The generator site as a container image, for ECS, Kubernetes or any container host
# (docs/deploying-the-site.md). At the repository's root because the image holds the template, which is
# the root: build it from a checkout, naming the commit it holds (downloads record it in .cruft.json):
#
#   docker build --build-arg TEMPLATE_COMMIT="$(git rev-parse HEAD)" -t generator-site .
#
# Python 3.13, as the site's Lambda function runs; the tag says which release the digest pins.
FROM python:3.13.14-slim-trixie@sha256:9662417aace5ae7b8e2609cce472b72a8958e134ba372808abe9cc1a0c0125e6

# The template's commit: the image has no .git to read it from, and the site refuses to start without it.
ARG TEMPLATE_COMMIT
RUN if [ "${#TEMPLATE_COMMIT}" -ne 40 ] || case "${TEMPLATE_COMMIT}" in *[!0-9a-f]*) true;; *) false;; esac; then \
        echo "Build with --build-arg TEMPLATE_COMMIT=<the checkout's 40-digit commit id>" >&2; exit 1; \
    fi

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000 \
    WEB_CONCURRENCY=1 \
    GENERATOR_WORKERS=2 \
    GENERATOR_TEMPLATE_COMMIT=${TEMPLATE_COMMIT}

WORKDIR /app
COPY generator_service/requirements.txt generator_service/requirements.txt
RUN pip install --no-cache-dir --require-hashes -r generator_service/requirements.txt

# What the site reads: itself, the rules and the template (deploy/lambda_package.py packages the same).
COPY cookiecutter.json template_extensions.py ./
COPY docs/benchmarks.json docs/
COPY hooks/ hooks/
COPY option_rules/ option_rules/
COPY ["{{cookiecutter.project_slug}}/", "{{cookiecutter.project_slug}}/"]
COPY generator_service/ generator_service/
# Bytecode made now, as root: the site's user may not write here.
RUN python -m compileall -q generator_service option_rules template_extensions.py

# Not root. Job folders go to /dev/shm (each generation sets its own HOME and TMPDIR there).
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "generator_service.serve", "--check"]
CMD ["python", "-m", "generator_service.serve"]
