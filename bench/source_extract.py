#!/usr/bin/env python3
"""Full extract speed and memory: sluice against the databases' own clients.

For each table (orders: 12 mixed columns; wide: 30 columns) and size (1M, 10M
rows) in a private MariaDB and PostgreSQL (scripts/test_servers.sh), this
times, in the same run and alternating:

  baseline MySQL:    mariadb --quick -N -e 'SELECT * FROM t' > /dev/null
  baseline Postgres: psql -c "\\copy (SELECT * FROM t) TO '/dev/null' (FORMAT binary)"
                     and the same with ORDER BY id (the key order keyset
                     chunks must read in: what they cost the server)
  sluice id_only:    sluice sync --backup-only, keyset chunks of 50,000 rows in
                     id order (resumable after a crash at any chunk)
  sluice full_sync:  sluice sync --backup-only, one streaming query under a
                     snapshot (what a full copy does)

both into Parquet (zstd) files in a local directory, and reports the median
of --runs runs, the ratio sluice / baseline, and sluice's peak RSS (from
wait4). Output: a Markdown table on stdout.

  bench/source_extract.py [--build-dir build] [--sizes 1000000,10000000]
                          [--runs 5] [--tables orders,wide] [--engines mysql,postgres]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

STRATEGIES = ("id_only", "full_sync")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(message):
    print(message, file=sys.stderr, flush=True)


def run_measured(argv, stdout=subprocess.DEVNULL, env=None):
    """Runs argv; returns (wall seconds, CPU seconds: user + system, peak RSS in MiB)."""
    started = time.monotonic()
    process = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{argv[0]} failed ({code}): {stderr[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def run_timed(argv, stdout=subprocess.DEVNULL, env=None):
    """Runs argv; returns (seconds, peak RSS in MiB)."""
    seconds, _, peak = run_measured(argv, stdout, env)
    return seconds, peak


class Servers:
    def __init__(self, directory):
        self.directory = directory
        subprocess.run([os.path.join(ROOT, "scripts/test_servers.sh"), "start", directory], check=True)
        self.env = {}
        with open(os.path.join(directory, "env.sh")) as env_file:
            for line in env_file:
                if line.startswith("export "):
                    name, value = line[len("export "):].strip().split("=", 1)
                    self.env[name] = value

    def stop(self):
        subprocess.run([os.path.join(ROOT, "scripts/test_servers.sh"), "stop", self.directory], check=False)

    def mysql(self, sql, database=True):
        argv = ["mariadb", "--no-defaults", "-h127.0.0.1", "-P" + self.env["SLUICE_TEST_MYSQL_PORT"],
                "-u" + self.env["SLUICE_TEST_MYSQL_USER"], "-p" + self.env["SLUICE_TEST_MYSQL_PASSWORD"]]
        if database:
            argv.append(self.env["SLUICE_TEST_MYSQL_DATABASE"])
        subprocess.run(argv + ["-e", sql], check=True)

    def psql_argv(self):
        return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                f"host=127.0.0.1 port={self.env['SLUICE_TEST_PG_PORT']} user={self.env['SLUICE_TEST_PG_USER']} "
                f"dbname={self.env['SLUICE_TEST_PG_DATABASE']}"]

    def psql(self, sql):
        env = dict(os.environ, PGPASSWORD=self.env["SLUICE_TEST_PG_PASSWORD"])
        subprocess.run(self.psql_argv() + ["-c", sql], check=True, env=env)


# Deterministic data: every value is a function of the row number n.
MYSQL_ORDERS = """
DROP TABLE IF EXISTS {t};
CREATE TABLE {t} (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, status VARCHAR(16) NOT NULL,
  amount DECIMAL(12,2) NOT NULL, currency CHAR(3) NOT NULL, quantity SMALLINT NOT NULL, discount DECIMAL(5,2),
  note VARCHAR(100), created_at DATETIME NOT NULL, updated_at TIMESTAMP(6) NOT NULL, is_paid TINYINT NOT NULL,
  country CHAR(2) NOT NULL);
INSERT INTO {t} SELECT seq, seq % 100000, ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'refunded'),
  (seq * 7919 % 1000000) / 100, ELT(1 + seq % 3, 'USD', 'EUR', 'JPY'), 1 + seq % 20,
  IF(seq % 5 = 0, NULL, (seq % 5000) / 100), IF(seq % 3 = 0, NULL, CONCAT('note for order ', seq)),
  TIMESTAMP('2024-01-01') + INTERVAL (seq DIV 3) SECOND, {updated},
  seq % 2, ELT(1 + seq % 5, 'US', 'DE', 'JP', 'BR', 'IN') FROM seq_1_to_{n};
"""

PG_ORDERS = """
DROP TABLE IF EXISTS {t};
CREATE TABLE {t} (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, status VARCHAR(16) NOT NULL,
  amount NUMERIC(12,2) NOT NULL, currency CHAR(3) NOT NULL, quantity SMALLINT NOT NULL, discount NUMERIC(5,2),
  note VARCHAR(100), created_at TIMESTAMP NOT NULL, updated_at TIMESTAMPTZ NOT NULL, is_paid BOOLEAN NOT NULL,
  country CHAR(2) NOT NULL);
INSERT INTO {t} SELECT n, n % 100000, (ARRAY['new','paid','shipped','refunded'])[1 + n % 4],
  (n * 7919 % 1000000) / 100.0, (ARRAY['USD','EUR','JPY'])[1 + n % 3], 1 + n % 20,
  CASE WHEN n % 5 = 0 THEN NULL ELSE (n % 5000) / 100.0 END,
  CASE WHEN n % 3 = 0 THEN NULL ELSE 'note for order ' || n END,
  TIMESTAMP '2024-01-01' + (n / 3) * INTERVAL '1 second', {updated},
  n % 2 = 0, (ARRAY['US','DE','JP','BR','IN'])[1 + n % 5] FROM generate_series(1::bigint, {n}) AS n;
"""


# updated_at, 37 microseconds apart: rising with the id (the rows were
# written in id order and never changed), or scattered: a permutation of the
# same times (7919 is prime and no factor of the row counts), so that reading
# in (updated_at, id) order costs InnoDB a primary-key lookup per row.
UPDATED_AT = {
    ("mysql", False): "TIMESTAMP('2024-06-01') + INTERVAL seq * 37 MICROSECOND",
    ("mysql", True): "TIMESTAMP('2024-06-01') + INTERVAL (seq * 7919 % {count}) * 37 MICROSECOND",
    ("postgres", False): "TIMESTAMPTZ '2024-06-01 00:00:00+00' + n * 37 * INTERVAL '1 microsecond'",
    ("postgres", True): "TIMESTAMPTZ '2024-06-01 00:00:00+00' + (n * 7919 % {count}) * 37 * INTERVAL '1 microsecond'",
}


def table_sql(engine, table, scattered=False):
    """The SQL that creates and fills `table` ({t}: its name, {n} and {count}: its rows)."""
    if table == "orders":
        template = MYSQL_ORDERS if engine == "mysql" else PG_ORDERS
        return template.replace("{updated}", UPDATED_AT[(engine, scattered)])
    return wide_sql(engine, UPDATED_AT[(engine, scattered)] if scattered else None)


def wide_sql(engine, updated_at=None):
    """30 columns: the orders columns plus 18 more ints, decimals, doubles, strings and times
    (31 with updated_at: the expression of its value, when given)."""
    columns, values = ["id BIGINT PRIMARY KEY"], ["{n}"]
    for index in range(29):
        kind = index % 6
        if kind == 0:
            columns.append(f"i{index} BIGINT")
            values.append(f"{{n}} * {index + 3} % 1000003")
        elif kind == 1:
            columns.append(f"d{index} DECIMAL(14,4)" if engine == "mysql" else f"d{index} NUMERIC(14,4)")
            values.append(f"({{n}} * {index + 7} % 100000000) / 10000")
        elif kind == 2:
            columns.append(f"f{index} DOUBLE" if engine == "mysql" else f"f{index} DOUBLE PRECISION")
            values.append(f"{{n}} * 1.{index}")
        elif kind == 3:
            columns.append(f"s{index} VARCHAR(40)")
            values.append(f"CONCAT('value-', {{n}} % {1000 * (index + 1)})" if engine == "mysql"
                          else f"'value-' || ({{n}} % {1000 * (index + 1)})")
        elif kind == 4:
            columns.append(f"t{index} DATETIME" if engine == "mysql" else f"t{index} TIMESTAMP")
            values.append(f"TIMESTAMP('2024-01-01') + INTERVAL {{n}} SECOND" if engine == "mysql"
                          else f"TIMESTAMP '2024-01-01' + {{n}} * INTERVAL '1 second'")
        else:
            columns.append(f"n{index} INT")
            values.append(f"IF({{n}} % 7 = 0, NULL, {{n}} % 65536)" if engine == "mysql"
                          else f"CASE WHEN {{n}} % 7 = 0 THEN NULL ELSE {{n}} % 65536 END")
    source = "seq_1_to_{count}" if engine == "mysql" else "generate_series(1::bigint, {count}) AS n"
    row = "seq" if engine == "mysql" else "n"
    select = ", ".join(value.replace("{n}", row) for value in values)
    if updated_at:
        columns.append("updated_at TIMESTAMP(6) NOT NULL" if engine == "mysql" else "updated_at TIMESTAMPTZ NOT NULL")
        select += ", " + updated_at
    return (f"DROP TABLE IF EXISTS {{t}};\nCREATE TABLE {{t}} ({', '.join(columns)});\n"
            f"INSERT INTO {{t}} SELECT {select} FROM {source};")


def create_tables(servers, engines, tables, sizes, scattered=False, prefix=""):
    """Tables <prefix><table>_<size>; scattered: updated_at scattered, with an index on (updated_at, id)."""
    for size in sizes:
        for table in tables:
            name = f"{prefix}{table}_{size}"
            for engine in engines:
                log(f"generating {'MariaDB' if engine == 'mysql' else 'PostgreSQL'} {name}")
                sql = table_sql(engine, table, scattered)
                if scattered:
                    sql = sql.rstrip().rstrip(";") + ";\nCREATE INDEX {t}_updated ON {t} (updated_at, id);"
                sql = sql.replace("{t}", name).replace("{n}", str(size)).replace("{count}", str(size))
                if engine == "mysql":
                    servers.mysql(sql)
                else:
                    servers.psql(sql)
                    servers.psql(f"VACUUM ANALYZE {name}")


# The table entry of each strategy the extract benchmarks measure.
TABLE_YAML = {
    "id_only": "{cdc_strategy: id_only, cdc_id_column: id}",
    "full_sync": "{cdc_strategy: full_sync}",
    "hybrid": "{cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id, lookback_seconds: 0}",
}


def write_config(directory, servers, engine, table, strategy):
    """A project in `directory`: source `engine`, DuckDB target, local stage, `table` with `strategy`."""
    env = servers.env
    prefix = "SLUICE_TEST_MYSQL_" if engine == "mysql" else "SLUICE_TEST_PG_"
    os.makedirs(os.path.join(directory, "config", "pipelines"), exist_ok=True)
    with open(os.path.join(directory, "config", "connections.yml"), "w") as out:
        out.write(f"""connections:
  sources:
    db: {{type: {engine}, host: 127.0.0.1, port: {env[prefix + 'PORT']}, database: {env[prefix + 'DATABASE']},
         username: {env[prefix + 'USER']}, password: '{env[prefix + 'PASSWORD']}', ssl: {{mode: disabled}}}}
  targets:
    dw: {{type: duckdb, path: ./warehouse.duckdb}}
stores:
  stage: {{type: local, path: ./stage}}
""")
    table_yaml = TABLE_YAML[strategy]
    with open(os.path.join(directory, "config", "pipelines", "bench.yml"), "w") as out:
        out.write(f"""pipeline:
  name: bench
  source: db
  target: dw
  store: stage
  processing: {{batch_size: 50000}}
  staging: {{compression: zstd, target_file_mb: 128}}
tables:
  {table}: {table_yaml}
""")


def measure(args, servers, engine, table):
    sluice = os.path.join(os.path.abspath(args.build_dir), "sluice")
    work = tempfile.mkdtemp(prefix="sluice-bench-")
    try:
        if engine == "mysql":
            env = servers.env
            baseline_argv = ["mariadb", "--no-defaults", "--quick", "-N", "-h127.0.0.1",
                             "-P" + env["SLUICE_TEST_MYSQL_PORT"], "-u" + env["SLUICE_TEST_MYSQL_USER"],
                             "-p" + env["SLUICE_TEST_MYSQL_PASSWORD"], env["SLUICE_TEST_MYSQL_DATABASE"],
                             "-e", f"SELECT * FROM {table}"]
            baseline_env = None
            ordered_argv = None
        else:
            baseline_argv = servers.psql_argv() + ["-c", f"\\copy (SELECT * FROM {table}) TO '/dev/null' (FORMAT binary)"]
            baseline_env = dict(os.environ, PGPASSWORD=servers.env["SLUICE_TEST_PG_PASSWORD"])
            # What keyset chunks cost the server: the same copy in key order
            # (InnoDB's SELECT * already is, so MariaDB has no such column).
            ordered_argv = servers.psql_argv() + [
                "-c", f"\\copy (SELECT * FROM {table} ORDER BY id) TO '/dev/null' (FORMAT binary)"]
        baseline_times, ordered_times, rss = [], [], []
        sluice_times = {strategy: [] for strategy in STRATEGIES}
        staged = 0
        for run in range(args.runs):
            seconds, _ = run_timed(baseline_argv, env=baseline_env)
            baseline_times.append(seconds)
            line = f"  {engine} {table} run {run + 1}: baseline {seconds:.2f} s"
            if ordered_argv:
                seconds, _ = run_timed(ordered_argv, env=baseline_env)
                ordered_times.append(seconds)
                line += f", ordered baseline {seconds:.2f} s"
            for strategy in STRATEGIES:
                directory = os.path.join(work, strategy)
                write_config(directory, servers, engine, table, strategy)
                shutil.rmtree(os.path.join(directory, "stage"), ignore_errors=True)
                os.makedirs(os.path.join(directory, "stage"))
                seconds, peak = run_timed([sluice, "-q", "--config-dir", os.path.join(directory, "config"), "sync",
                                           "-p", "bench", "--backup-only"])
                sluice_times[strategy].append(seconds)
                rss.append(peak)
                line += f", {strategy} {seconds:.2f} s {peak:.0f} MiB"
                staged = sum(os.path.getsize(os.path.join(d, f))
                             for d, _, fs in os.walk(os.path.join(directory, "stage")) for f in fs
                             if f.endswith(".parquet"))
            log(line)
        return (statistics.median(baseline_times), statistics.median(ordered_times) if ordered_times else None,
                {strategy: statistics.median(times) for strategy, times in sluice_times.items()}, max(rss), staged)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tables", default="orders,wide")
    parser.add_argument("--engines", default="mysql,postgres")
    parser.add_argument("--servers-dir", default=os.path.join(tempfile.gettempdir(), "sluice-bench-servers"))
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    tables = args.tables.split(",")
    engines = args.engines.split(",")
    servers = Servers(args.servers_dir)
    try:
        create_tables(servers, engines, tables, sizes)
        print("| source | table | rows | client s | client in key order s | sluice id_only s | ratio "
              "| vs key order | sluice full_sync s | ratio | sluice peak RSS | Parquet |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for engine in engines:
            for size in sizes:
                for table in tables:
                    name = f"{table}_{size}"
                    base, ordered, ours, rss, staged = measure(args, servers, engine, name)
                    ordered_text = f"{ordered:.2f}" if ordered else "(same)"
                    versus_ordered = f"{ours['id_only'] / ordered:.2f}x" if ordered else "-"
                    print(f"| {'MariaDB' if engine == 'mysql' else 'PostgreSQL'} | {table} | {size:,} | {base:.2f} | "
                          f"{ordered_text} | {ours['id_only']:.2f} | {ours['id_only'] / base:.2f}x | {versus_ordered} | "
                          f"{ours['full_sync']:.2f} | {ours['full_sync'] / base:.2f}x | {rss:.0f} MiB | "
                          f"{staged / 1e6:.1f} MB |", flush=True)
    finally:
        servers.stop()


if __name__ == "__main__":
    main()
