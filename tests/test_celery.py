import pytest

from config.celery import app


@app.task(ignore_result=False, name="tests.add")
def add(x, y):
    return x + y


@pytest.mark.worker
def test_a_real_worker_consumes_from_the_broker_and_returns_the_result(celery_worker):
    result = add.delay(2, 3)
    assert result.get(timeout=30) == 5
