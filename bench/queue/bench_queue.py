"""The queue benchmark's driver (bench/queue/run.sh starts the servers and builds the engine).

No-op executions end to end through Redis with two workers, in tasks per second, side by side
with Celery on the same Redis server doing the equivalent no-op tasks, repetitions
interleaved (the order rotates from one repetition to the next). Prints Markdown.

ref-engine, per run: a fresh copy of an ingested database (one CMIP6 `tas` model per
execution, bench/queue/make_catalog.py), a fresh queue prefix, then
  - drain: `solve --no-wait` queues N executions; the workers start (`--exit-when-idle`) and
    the clock runs from their start until the stream is empty: a task leaves the stream only
    when its worker has recorded its result in the database and acknowledged it;
  - end to end: the workers are started first and wait on the empty queue; the clock runs
    from the start of `solve --no-wait` (which plans, writes and queues each execution) until
    the stream is empty.
Every run checks that the database holds N successful executions and no task was
dead-lettered. With --tmpfs, one more configuration keeps scratch and results in memory.

Celery, per run: a worker (prefork, 2 processes) is started and warmed up with 20 tasks;
the clock runs from the first `apply_async` of N tasks, each carrying the definition stored
for one of ref-engine's executions, until the last result is read from the result backend
(bench/queue/celery_noop.py). For reference, the same with a task that also spawns and reaps
`ref-engine-child`, which exits at once: the floor of running each execution in a process.

Besides the rates, the CPU time of every process involved is read from /proc (workers and
what they reaped, the solve, the Celery client, PostgreSQL's backends, Redis), per task: it
shows where the work goes, and it is much less sensitive than the rates to other load.

  bench_queue.py --engine ENGINE --plugins DIR --work DIR --redis-port PORT
                 [--postgres-url URL --postgres-pid PID] [--tmpfs DIR] [--executions N] [--runs R]"""
import argparse
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import redis  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PROVIDER = "bench-noop"
CELERY_DB = 1  # the Celery app's broker and results: their own database number on the same server


def cpu_times():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]  # idle + iowait
    return sum(v) - idle, sum(v)


def busy_between(a, b):
    return (b[0] - a[0]) / max(1, b[1] - a[1])


CLK = os.sysconf("SC_CLK_TCK")


def proc_stat(pid):
    """(ppid, own CPU seconds, CPU seconds of its reaped children) of a live process, else None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    v = s[s.rindex(")") + 2:].split()  # from field 3 (state) on
    return int(v[1]), (int(v[11]) + int(v[12])) / CLK, (int(v[13]) + int(v[14])) / CLK


def children_of(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = proc_stat(int(d))
            if st and st[0] == pid:
                out.append(int(d))
    return out


def tree_cpu(pids):
    """CPU seconds of the processes: their own, their reaped children's, their live children's
    (with what those reaped)."""
    own = reaped = live = 0.0
    for pid in pids:
        st = proc_stat(pid)
        if st:
            own += st[1]
            reaped += st[2]
        for c in children_of(pid):
            cst = proc_stat(c)
            if cst:
                live += cst[1] + cst[2]
    return own, reaped, live


def self_cpu(who):
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def sh(args, env=None, check=True, quiet=True, **kw):
    out = subprocess.run(args, env=env, stdout=subprocess.PIPE if quiet else None, stderr=subprocess.PIPE,
                         text=True, **kw)
    if check and out.returncode != 0:
        sys.exit(f"bench: {' '.join(args[:4])} ... failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return out.stdout


class Database:
    """A fresh database per run: a copy of the ingested SQLite file, or a PostgreSQL database
    made from the ingested template."""

    def __init__(self, kind, work, postgres_url):
        self.kind, self.work = kind, work
        self.server = postgres_url.rsplit("/", 1)[0] if postgres_url else None
        self.template = None

    def url_of(self, name):
        return f"sqlite:///{self.work}/{name}.db" if self.kind == "sqlite" else f"{self.server}/{name}"

    def create_template(self, ingest):
        if self.kind == "sqlite":
            self.template = self.url_of("template")
        else:
            self.psql("postgres", "DROP DATABASE IF EXISTS bench_template")
            self.psql("postgres", "CREATE DATABASE bench_template")
            self.template = self.url_of("bench_template")
        ingest(self.template)

    def fresh(self, name):
        if self.kind == "sqlite":
            shutil.copyfile(f"{self.work}/template.db", f"{self.work}/{name}.db")
        else:
            self.psql("postgres", f"DROP DATABASE IF EXISTS {name}")
            self.psql("postgres", f"CREATE DATABASE {name} TEMPLATE bench_template")
        return self.url_of(name)

    def drop(self, name):
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(f"{self.work}/{name}.db{suffix}"):
                    os.remove(f"{self.work}/{name}.db{suffix}")
        else:
            self.psql("postgres", f"DROP DATABASE IF EXISTS {name}")

    def psql(self, database, sql):
        return sh(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", f"{self.server}/{database}", "-c", sql])

    def query(self, name, sql):
        if self.kind == "sqlite":
            out = sh(["sqlite3", "-batch", "-separator", "\t", f"{self.work}/{name}.db", sql])
        else:
            out = sh(["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-d", f"{self.server}/{name}", "-c", sql])
        return [line.split("\t") for line in out.splitlines() if line]


class Bench:
    def __init__(self, a):
        self.a = a
        self.n = a.executions
        self.redis_url = f"redis://127.0.0.1:{a.redis_port}/0"
        self.redis = redis.Redis(port=a.redis_port, db=0)
        self.celery_redis = redis.Redis(port=a.redis_port, db=CELERY_DB)
        self.runs = 0
        self.databases = {"sqlite": Database("sqlite", a.work, None)}
        if a.postgres_url:
            self.databases["postgresql"] = Database("postgresql", a.work, a.postgres_url)

    def env(self, db_url, prefix, folder):
        e = dict(os.environ)
        e.update(REF_CONFIGURATION=f"{self.a.work}/config", REF_PLUGINS=self.a.plugins,
                 REF_PLUGIN_CACHE=f"{self.a.work}/plugins.json", REF_DATABASE_URL=db_url, REF_EXECUTOR="redis",
                 REF_REDIS_URL=self.redis_url, REF_QUEUE_PREFIX=prefix, REF_SCRATCH_ROOT=f"{folder}/scratch",
                 REF_RESULTS_ROOT=f"{folder}/results")
        return e

    def snapshot(self, pids):
        """CPU seconds so far: of `pids` (own; reaped and live children together), PostgreSQL, Redis,
        this process's reaped children, this process."""
        own, reaped, live = tree_cpu(pids)
        info = self.redis.info("cpu")
        pg = sum(tree_cpu([self.a.postgres_pid])) if self.a.postgres_pid else 0.0
        return {"own": own, "children": reaped + live, "postgresql": pg,
                "redis": info["used_cpu_sys"] + info["used_cpu_user"],
                "reaped": self_cpu(resource.RUSAGE_CHILDREN), "self": self_cpu(resource.RUSAGE_SELF)}

    def cpu_per_task(self, a, b, **names):
        """CPU milliseconds per task between two snapshots, under the given names."""
        return {name: (b[key] - a[key]) * 1000 / self.n for name, key in names.items()}

    def engine(self, args, env, **kw):
        return sh([self.a.engine] + args, env=env, **kw)

    # -- preparation -------------------------------------------------------------------------------

    def prepare(self):
        catalog = f"{self.a.work}/catalog.csv"
        sh([sys.executable, f"{HERE}/make_catalog.py", catalog, str(self.n)])

        def ingest(url):
            self.engine(["datasets", "ingest", "--source-type", "cmip6", "--catalog", catalog, "--set",
                         "data_dir=/archive"], self.env(url, "unused", self.a.work))

        for db in self.databases.values():
            db.create_template(ingest)
        # The definitions Celery will carry, and our task message: queue once, read both back.
        db = self.databases["sqlite"]
        url = db.fresh("definitions")
        self.engine(["solve", "--no-wait"], self.env(url, "bq-definitions", f"{self.a.work}/definitions"))
        key = f"bq-definitions:tasks:{PROVIDER}"
        entries = self.redis.xrange(key, count=1)
        self.task_message = entries[0][1][b"task"]
        self.stream_entry_bytes = sum(len(k) + len(v) for k, v in entries[0][1].items())
        self.redis.delete(key)
        rows = db.query("definitions", "SELECT id, definition FROM execution ORDER BY id")
        self.definitions = [(int(i), json.loads(d)) for i, d in rows]
        if len(self.definitions) != self.n:
            sys.exit(f"bench: the solve created {len(self.definitions)} executions, expected {self.n}")
        self.definition_bytes = [len(d) for _, d in rows]
        db.drop("definitions")

    # -- ref-engine -------------------------------------------------------------------------------

    def start_workers(self, env, workers, concurrency, folder, exit_when_idle):
        args = [self.a.engine, "worker", "--provider", PROVIDER, "--concurrency", str(concurrency)]
        if exit_when_idle:
            args.append("--exit-when-idle")
        procs = []
        for i in range(workers):
            log = open(f"{folder}/worker-{i}.log", "w")
            procs.append(subprocess.Popen(args + ["--name", f"bench-{i}"], env=env, stdout=log, stderr=log))
            log.close()
        return procs

    def wait_empty(self, key, also=lambda: True):
        xlen = self.redis.xlen
        while True:
            if also() and xlen(key) == 0:
                return time.perf_counter()
            time.sleep(0.002)

    def run_engine(self, kind, workers, concurrency, mode, tmpfs=False):
        self.runs += 1
        name = f"run{self.runs}"
        db = self.databases[kind]
        folder = f"{self.a.work}/{name}"
        os.makedirs(folder)
        url = db.fresh(name)
        prefix = f"bq{self.runs}"
        key, dead = f"{prefix}:tasks:{PROVIDER}", f"{prefix}:dead:{PROVIDER}"
        # Scratch and results on the work folder's file system, or in memory (tmpfs).
        files = f"{self.a.tmpfs}/{name}" if tmpfs else folder
        env = self.env(url, prefix, files)
        queued_s = None
        if mode == "drain":
            t = time.perf_counter()
            self.engine(["solve", "--no-wait"], env)
            queued_s = time.perf_counter() - t
            if self.redis.xlen(key) != self.n:
                sys.exit(f"bench: {self.redis.xlen(key)} tasks queued, expected {self.n}")
            s0, c0, t0 = self.snapshot([]), cpu_times(), time.perf_counter()
            procs = self.start_workers(env, workers, concurrency, folder, True)
            t1, c1 = self.wait_empty(key), cpu_times()
            time.sleep(0.05)  # let PostgreSQL reap what ended; the workers idle until they exit
            s1 = self.snapshot([p.pid for p in procs])
            s0["own"] = s0["children"] = 0.0
            cpu = self.cpu_per_task(s0, s1, worker="own", execution="children", postgresql="postgresql",
                                    redis="redis")
            for p in procs:
                p.wait(timeout=60)
        else:
            procs = self.start_workers(env, workers, concurrency, folder, False)
            deadline = time.time() + 30
            while True:  # every worker waits on the queue: blocked in XREADGROUP
                if self.redis.info("clients")["blocked_clients"] >= workers:
                    break
                if time.time() > deadline:
                    for p in procs:
                        p.kill()
                    sys.exit(f"bench: the workers did not start; see {folder}")
                time.sleep(0.01)
            s0, c0, t0 = self.snapshot([p.pid for p in procs]), cpu_times(), time.perf_counter()
            solve = subprocess.Popen([self.a.engine, "solve", "--no-wait"], env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
            t1 = self.wait_empty(key, lambda: solve.poll() is not None)
            c1 = cpu_times()
            time.sleep(0.05)
            s1 = self.snapshot([p.pid for p in procs])
            cpu = self.cpu_per_task(s0, s1, worker="own", execution="children", solve="reaped",
                                    postgresql="postgresql", redis="redis")
            if solve.returncode != 0:
                sys.exit(f"bench: solve failed:\n{solve.stderr.read()[-3000:]}")
            for p in procs:
                p.send_signal(signal.SIGTERM)
            for p in procs:
                p.wait(timeout=60)
        elapsed = t1 - t0
        for i, p in enumerate(procs):
            if p.returncode != 0:
                sys.exit(f"bench: worker {i} exited with {p.returncode}; see {folder}/worker-{i}.log")
        (total, ok, wall, child_cpu), = db.query(
            name, "SELECT COUNT(*), SUM(CASE WHEN successful THEN 1 ELSE 0 END), AVG(wall_seconds), "
                  "AVG(cpu_seconds) FROM execution")
        if int(total) != self.n or int(ok) != self.n or self.redis.xlen(dead) != 0:
            sys.exit(f"bench: {ok} of {total} executions succeeded ({self.n} expected), "
                     f"{self.redis.xlen(dead)} dead letters; see {folder}")
        self.redis.delete(key, dead)
        if not self.a.keep:
            db.drop(name)
            shutil.rmtree(folder)
        if tmpfs:
            shutil.rmtree(files)
        return {"rate": self.n / elapsed, "elapsed": elapsed, "queued": queued_s, "slots": workers * concurrency,
                "child_wall": float(wall), "child_cpu": float(child_cpu), "busy": busy_between(c0, c1), "cpu": cpu}

    # -- Celery -----------------------------------------------------------------------------------

    def celery_app(self):
        os.environ["BENCH_CELERY_URL"] = f"redis://127.0.0.1:{self.a.redis_port}/{CELERY_DB}"
        sys.path.insert(0, HERE)
        import celery_noop
        return celery_noop

    def celery_message_size(self, app):
        """The bytes of one task on the broker, queued while no worker runs, then removed."""
        self.celery_redis.flushdb()
        i, d = self.definitions[0]
        app.noop.apply_async((i, d))
        message = self.celery_redis.lindex("celery", 0)
        self.celery_redis.flushdb()
        return len(message)

    def run_celery(self, app, workers, spawn=False):
        task = app.noop_spawn if spawn else app.noop
        env = dict(os.environ, PYTHONPATH=HERE, PYTHONDONTWRITEBYTECODE="1",
                   BENCH_CHILD_PROGRAM=os.path.join(os.path.dirname(self.a.engine), "ref-engine-child"))
        log = open(f"{self.a.work}/celery-worker.log", "a")
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "celery_noop", "worker", "--pool", "prefork", "--concurrency",
             str(workers), "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING"],
            env=env, cwd=self.a.work, stdout=log, stderr=log)
        log.close()
        try:
            warm = [task.apply_async((0, {"output_directory": "warm-up"})) for _ in range(20)]
            for r in warm:
                r.get(timeout=60)
            s0, c0, t0 = self.snapshot([worker.pid]), cpu_times(), time.perf_counter()
            results = [task.apply_async((i, d)) for i, d in self.definitions]
            for r in results:
                if not r.get(timeout=300)["successful"]:
                    sys.exit("bench: a Celery task failed")
            t1, c1 = time.perf_counter(), cpu_times()
            s1 = self.snapshot([worker.pid])
            for s in (s0, s1):
                s["worker"] = s["own"] + s["children"]
            cpu = self.cpu_per_task(s0, s1, worker="worker", client="self", redis="redis")
            result_bytes = self.celery_redis.strlen(f"celery-task-meta-{results[-1].id}")
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
        self.celery_redis.flushdb()
        return {"rate": self.n / (t1 - t0), "elapsed": t1 - t0, "result_bytes": result_bytes, "busy": busy_between(c0, c1),
                "cpu": cpu}


def spread(values):
    return f"{min(values):.0f}–{max(values):.0f}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine", required=True)
    p.add_argument("--plugins", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--redis-port", type=int, required=True)
    p.add_argument("--postgres-url")
    p.add_argument("--postgres-pid", type=int, help="the postmaster's pid, for its CPU time")
    p.add_argument("--executions", type=int, default=300)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--keep", action="store_true", help="keep every run's database and folders")
    p.add_argument("--tmpfs", help="a folder on tmpfs: one more measurement with scratch and results there")
    p.add_argument("--command", default="bash bench/queue/run.sh")
    a = p.parse_args()
    b = Bench(a)
    b.prepare()
    app = b.celery_app()
    celery_message = b.celery_message_size(app)

    main_db = "postgresql" if a.postgres_url else "sqlite"
    label = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
    # (name, kind, workers, concurrency, mode); the first is the headline.
    engine_configs = [(f"ref-engine, 2 workers × 1, {label[main_db]}, drain", main_db, 2, 1, "drain"),
                      (f"ref-engine, 2 workers × 1, {label[main_db]}, end to end", main_db, 2, 1, "end to end"),
                      (f"ref-engine, 1 worker × 2, {label[main_db]}, drain", main_db, 1, 2, "drain")]
    if main_db != "sqlite":
        engine_configs.append(("ref-engine, 2 workers × 1, SQLite, drain", "sqlite", 2, 1, "drain"))
    if a.tmpfs:
        engine_configs.append((f"ref-engine, 2 workers × 1, {label[main_db]}, drain, scratch and results on tmpfs",
                               main_db, 2, 1, "drain", True))
    celery_name = "baseline: Celery, 1 worker × 2 (prefork), Redis result backend"
    c0 = cpu_times()
    time.sleep(1)
    idle_busy = busy_between(c0, cpu_times())
    if idle_busy > 0.1:
        print(f"bench: the CPUs are {idle_busy:.0%} busy before the runs: other work on this machine skews the "
              "rates (the CPU times per task much less)", file=sys.stderr)
    spawn_name = "reference: the same Celery task also spawns and reaps `ref-engine-child` (exits at once)"
    celery_configs = [(celery_name, False), (spawn_name, True)]
    results = {c[0]: [] for c in engine_configs}
    for name, _ in celery_configs:
        results[name] = []
    for run in range(a.runs):
        order = [("engine", c) for c in engine_configs] + [("celery", c) for c in celery_configs]
        order = order[run % len(order):] + order[:run % len(order)]  # interleaved, rotating
        for what, c in order:
            if what == "celery":
                results[c[0]].append(b.run_celery(app, 2, c[1]))
            else:
                results[c[0]].append(b.run_engine(*c[1:]))
        print(f"bench: run {run + 1} of {a.runs} done", file=sys.stderr)

    celery_rate = statistics.median(r["rate"] for r in results[celery_name])
    import celery
    print("## Queue: no-op executions through Redis, 2 workers, against Celery")
    print()
    print(f"Command: `{a.command}` ({os.cpu_count()} CPUs, {platform.release()}, "
          f"Redis {b.redis.info()['redis_version']}, Celery {celery.__version__}, "
          f"{a.executions} tasks per run, {a.runs} runs of each, interleaved; CPUs {idle_busy:.0%} busy "
          "in the second before the runs)")
    print()
    print("| measurement | tasks/s (median) | min–max | ratio to Celery | CPUs busy |")
    print("|---|---:|---:|---:|---:|")
    for name, rs in results.items():
        rates = [r["rate"] for r in rs]
        m = statistics.median(rates)
        busy = statistics.median(r["busy"] for r in rs)
        print(f"| {name} | {m:.0f} | {spread(rates)} | {m / celery_rate:.2f} | {busy:.0%} |")
    print()
    d = b.definition_bytes
    print("| bytes per task | ref-engine | Celery |")
    print("|---|---:|---:|")
    print(f"| message on the broker | {len(b.task_message)} (stream entry field `task`) | {celery_message} "
          f"(list entry: envelope + base64 body) |")
    print(f"| execution definition | {statistics.median(d):.0f} median ({min(d)}–{max(d)}), in the database "
          f"(`execution.definition`) | inside the message |")
    print(f"| result | in the database | {results[celery_name][-1]['result_bytes']} (`celery-task-meta-*` key) |")
    print()
    # CPU time per task, every process involved (robust to other load on the machine, unlike
    # the rates): what the two CPUs would allow if the work were spread perfectly.
    parts = ["execution", "worker", "solve", "client", "postgresql", "redis"]
    heads = {"execution": "execution child", "worker": "worker", "solve": "solve", "client": "client (Celery)",
             "postgresql": "PostgreSQL", "redis": "Redis"}
    print("CPU time per task (ms, median of the runs), every process involved:")
    print()
    print("| measurement | " + " | ".join(heads[p] for p in parts) + " | total | CPU-bound ceiling, 2 CPUs |")
    print("|---|" + "---:|" * (len(parts) + 2))
    for name, rs in results.items():
        cells = []
        for part in parts:
            v = [r["cpu"][part] for r in rs if part in r["cpu"]]
            cells.append(f"{statistics.median(v):.2f}" if v else "–")
        total = statistics.median(sum(r["cpu"].values()) for r in rs)
        print(f"| {name} | " + " | ".join(cells) + f" | {total:.2f} | {os.cpu_count() * 1000 / total:.0f} tasks/s |")
    print()
    headline = engine_configs[0][0]
    h = results[headline]
    per_slot_ms = statistics.median(r["elapsed"] * r["slots"] / a.executions * 1000 for r in h)
    child_ms = statistics.median(r["child_wall"] * 1000 for r in h)
    child_cpu_ms = statistics.median(r["child_cpu"] * 1000 for r in h)
    print(f"Per task, {headline} (medians of the runs):")
    print()
    print("| where | ms |")
    print("|---|---:|")
    print(f"| one task on one worker (2 × drain time / {a.executions}) | {per_slot_ms:.1f} |")
    print(f"| of which the execution's child, start to reap (`execution.wall_seconds`) | {child_ms:.1f} |")
    print(f"| of which the child's CPU time (`execution.cpu_seconds`) | {child_cpu_ms:.1f} |")
    print(f"| the rest: take the task, read the definition, validate, copy, record, acknowledge, "
          f"loop | {per_slot_ms - child_ms:.1f} |")
    queued = [r["queued"] for r in h if r["queued"]]
    if queued:
        print(f"\nQueueing {a.executions} executions with `solve --no-wait` (not in the drain time): "
              f"{statistics.median(queued):.2f} s median.")
    goal = statistics.median(r["rate"] for r in h) / celery_rate
    spawn_rate = statistics.median(r["rate"] for r in results[spawn_name])
    print(f"\nratio {headline} / Celery: {goal:.2f} (goal: 10); "
          f"/ Celery spawning a process per task: {statistics.median(r['rate'] for r in h) / spawn_rate:.2f}")


if __name__ == "__main__":
    main()
