"""The queue benchmark's baseline: a Celery app on the benchmark's Redis server (its own
database number). `bench.noop` does what the original REF's Celery path does per execution
at the least: it receives the execution definition in the message, runs nothing, and returns
a small result through the Redis result backend. `bench.noop_spawn` does the same and also
starts and reaps one process (BENCH_CHILD_PROGRAM, by default /bin/true), as an isolated
execution must.

  BENCH_CELERY_URL=redis://127.0.0.1:PORT/1 celery -A celery_noop worker ...

JSON serialisation for the task and its result (the definition is JSON already)."""
import os
import subprocess

from celery import Celery

url = os.environ.get("BENCH_CELERY_URL", "redis://127.0.0.1:6379/1")
app = Celery("ref_bench_queue", broker=url, backend=url)
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_expires=3600,
    worker_hijack_root_logger=False,
)


child_program = os.environ.get("BENCH_CHILD_PROGRAM", "/bin/true")


def result_of(execution_id, definition):
    return {
        "execution_id": execution_id,
        "successful": True,
        "retryable": False,
        "output_directory": definition.get("output_directory"),
        "metric_bundle_filename": "diagnostic.json",
        "output_bundle_filename": None,
        "series_filename": None,
    }


@app.task(name="bench.noop")
def noop(execution_id, definition):
    # The original's task runs the diagnostic here; the benchmark's does nothing with it.
    return result_of(execution_id, definition)


@app.task(name="bench.noop_spawn")
def noop_spawn(execution_id, definition):
    subprocess.run([child_program], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    return result_of(execution_id, definition)
