# A public, read-only Datasette over one published release: stateless, so run as many replicas
# as you like behind the platform's load balancer. One image per release (docs/publishing.md):
#
#   registry publish --db db/registry.db --out releases
#   docker build --build-arg RELEASE=releases/registry-2026-11-28-3f9c0a1b2c4d \
#       -t REGISTRY/needling-registry:2026-11-28-3f9c0a1b2c4d .
#   docker run -p 8080:8080 REGISTRY/needling-registry:2026-11-28-3f9c0a1b2c4d
#
# Listens on $PORT (8080 unless the platform sets it). To turn arbitrary SQL off, set
# REGISTRY_NO_SQL=1 (docker run -e, or the platform's env settings); saved queries still run.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PORT=8080
WORKDIR /app

# The project with its pinned dependencies (the same pins as scripts/setup).
COPY pyproject.toml constraints.txt README.md ./
COPY registry registry
COPY scrapers scrapers
COPY db/*.py db/
COPY emulators emulators
RUN pip install --no-cache-dir -c constraints.txt . \
    && useradd --system --no-create-home --shell /usr/sbin/nologin registry

# The release: registry.db, metadata.json, inspect-data.json, manifest.json, SHA256SUMS.
ARG RELEASE
COPY ${RELEASE} /srv/release
RUN test -f /srv/release/SHA256SUMS \
    || { echo "build with --build-arg RELEASE=releases/registry-..." >&2; exit 1; } \
    && cd /srv/release && sha256sum -c SHA256SUMS

USER registry
EXPOSE 8080
# Checks the release's checksums, then execs `datasette serve -i registry.db --inspect-file
# inspect-data.json -m metadata.json` with the public limits (`registry serve-release --print`
# shows the exact command line).
CMD ["registry", "serve-release", "/srv/release", "--host", "0.0.0.0"]
