# The naive first attempt the product image is measured against: the whole
# source tree copied in, an unpinned `pip install .`, a recursive chown, and
# Flask's development server. Built on the same base as the product image.
ARG BASE_IMAGE=python:3.13-slim-trixie
FROM ${BASE_IMAGE}
WORKDIR /app
COPY . /app
RUN python3 -m venv /venv && /venv/bin/pip install .
RUN useradd --create-home app && chown -R app /app
USER app
ENV FLASK_APP=hello.wsgi:app FLASK_RUN_HOST=0.0.0.0 FLASK_RUN_PORT=8000
CMD ["/venv/bin/flask", "run"]
