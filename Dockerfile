# The nightly auditor as a service. Build: docker build -t auditor .
# Run:   docker run -v /path/auditor.toml:/etc/auditor/auditor.toml:ro -v auditor-reports:/var/lib/auditor/reports auditor
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/auditor
COPY pyproject.toml setup.py README.md LICENSE ./
COPY auditor ./auditor
COPY rules ./rules
RUN pip install . && rm -rf /opt/auditor/build

# An unprivileged user that owns nothing but the report volume.
RUN groupadd --system auditor \
    && useradd --system --gid auditor --home-dir /var/lib/auditor --create-home auditor \
    && mkdir -p /var/lib/auditor/reports /etc/auditor \
    && chown -R auditor:auditor /var/lib/auditor
USER auditor
WORKDIR /var/lib/auditor

VOLUME ["/var/lib/auditor/reports"]

ENTRYPOINT ["auditor"]
CMD ["daemon", "--config", "/etc/auditor/auditor.toml"]
