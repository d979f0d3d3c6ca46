from datetime import timedelta

import pendulum
from airflow.sdk import dag, task
from include.pipe import quality

default_args = {
    "owner": "data-team",
    "retries": 3,
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(minutes=30),
}


@dag(
    schedule="@daily",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    default_args=default_args,
    tags=["pipe"],
)
def pipe():
    @task
    def extract():
        return [{"id": 1}]

    @task(retries=4)
    def check(rows):
        quality.check(rows)
        return rows

    check(extract())


pipe()
