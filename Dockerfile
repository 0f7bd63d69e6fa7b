# syntax=docker/dockerfile:1
# The tfsync bot: the queue consumer and the Slack app (Socket Mode or HTTP mode), as `python -m bot` runs them.
# Production dependencies only, each pinned with its hashes (requirements.lock); no sandbox, no test tools, no
# compiler in the final image; runs as an unprivileged user. Build: docker build -t tfsync:<version> .
# The adopt job runs in CodeBuild (TFSYNC_RUNNER=codebuild), so the image needs neither git nor jq.

ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY requirements.lock /tmp/requirements.lock
RUN python -m venv /opt/tfsync \
    && /opt/tfsync/bin/pip install --require-hashes --only-binary=:all: -r /tmp/requirements.lock

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="tfsync" \
      org.opencontainers.image.description="Slack-first bot that keeps AWS and Terraform in sync"
ENV PATH=/opt/tfsync/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
RUN groupadd --system --gid 10001 tfsync \
    && useradd --system --uid 10001 --gid tfsync --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin tfsync
COPY --from=build /opt/tfsync /opt/tfsync
WORKDIR /app
COPY --chown=root:root app.py ./
COPY --chown=root:root bot/ bot/
COPY --chown=root:root handlers/ handlers/
COPY --chown=root:root renderers/ renderers/
COPY --chown=root:root slack_adapters/ slack_adapters/
USER 10001:10001
# HTTP mode's port (Slack's requests, /healthz and /readyz); Socket Mode listens on nothing.
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["python", "-m", "bot", "health"]
ENTRYPOINT ["python", "-m", "bot"]
