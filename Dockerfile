FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY panel panel
COPY provider provider
COPY orders orders
COPY payments payments
COPY support support
COPY affiliates affiliates
COPY templates templates
COPY locale locale
COPY static static
COPY manage.py ./
RUN pip install . && useradd --system --home /app panel \
    && SECRET_KEY=build python manage.py collectstatic --noinput \
    && SECRET_KEY=build python manage.py compile_translations \
    && mkdir -p /app/var && chown -R panel /app/var

USER panel
EXPOSE 8000
CMD ["gunicorn", "panel.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
