#!/usr/bin/env python3
"""The whole run, end to end: MariaDB and PostgreSQL -> local Parquet -> DuckDB.

Tables (bench/source_extract.py's generators, with updated_at scattered over
the rows and an index on (updated_at, id), the way an orders table that is
updated in place looks): orders (12 columns) and wide (31 columns), at each
--sizes. For each engine, table and size, in the same run and alternating,
--runs times (medians reported, peak RSS the highest):

First load, each from an empty stage and warehouse:
  client            MariaDB: bench/mysql_binary_client, SELECT * (binary
                    protocol, InnoDB's primary-key order, rows dropped): the
                    least a client can do. PostgreSQL: psql \\copy (SELECT *)
                    TO /dev/null (FORMAT binary), heap order.
  hybrid extract    sluice sync --backup-only, cdc_strategy hybrid (the first
                    copy: primary-key order up to the run's ceiling)
  full_sync extract sluice sync --backup-only, cdc_strategy full_sync
  DuckDB INSERT     bench/duckdb_sql_bench: DuckDB's own INSERT ... SELECT
                    FROM read_parquet() of the files the hybrid extract
                    staged, into the table as sluice creates it
  hybrid run        sluice sync (extract + load), hybrid
  full_sync run     sluice sync (extract + load), full_sync

Then, on the hybrid project (lookback_seconds 0: the runs measure the
change, not the re-read window a user configures):
  no change         sluice sync with nothing changed
  1% clustered      UPDATE the highest 1% of ids (updated_at = now), then sync
  1% scattered      UPDATE every 100th id, then sync
each against the client running the same incremental query
(WHERE updated_at >= <time before the update> ORDER BY updated_at, id),
since a scattered change costs the server random reads whatever reads it.
The client reads the changed rows once, untimed, before either is timed,
so both find them in the server's cache.

Every sluice run is checked: exit 0, its run report (--json-output) says
success, and the rows it extracted are the rows expected (the table, or the
1% that changed); after the last run the warehouse holds as many rows as
the source. Output: a Markdown table on stdout, each run on stderr.

  bench/end_to_end.py [--build-dir build] [--sizes 1000000,10000000] [--runs 3]
                      [--tables orders,wide] [--engines mysql,postgres] [--reuse-tables]
  bench/end_to_end.py --sizes 100000 --runs 1 --tables orders     (smoke: a minute)
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from duckdb_load import Series  # noqa: E402
from source_extract import Servers, create_tables, log, run_measured, write_config  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PREFIX = "e2e_"
CHANGES = {
    "1% clustered": "id > {n} - {n} / 100",
    "1% scattered": "id % 100 = 37",
}


class Engine:
    """One source server: how sluice, the client and this script reach it."""

    def __init__(self, servers, name, build):
        self.servers = servers
        self.name = name
        self.label = "MariaDB" if name == "mysql" else "PostgreSQL"
        self.env = servers.env
        self.prefix = "SLUICE_TEST_MYSQL_" if name == "mysql" else "SLUICE_TEST_PG_"
        self.binary_client = os.path.join(build, "bench", "mysql_binary_client")
        self.pg_env = dict(os.environ, PGPASSWORD=self.env["SLUICE_TEST_PG_PASSWORD"])

    def setting(self, key):
        return self.env[self.prefix + key]

    def scalar(self, sql):
        if self.name == "mysql":
            argv = ["mariadb", "--no-defaults", "-N", "-B", "-h127.0.0.1", "-P" + self.setting("PORT"),
                    "-u" + self.setting("USER"), "-p" + self.setting("PASSWORD"), self.setting("DATABASE"), "-e", sql]
            return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()
        argv = self.servers.psql_argv() + ["-A", "-t", "-c", sql]
        return subprocess.run(argv, capture_output=True, text=True, check=True, env=self.pg_env).stdout.strip()

    def execute(self, sql):
        if self.name == "mysql":
            self.servers.mysql(sql)
        else:
            self.servers.psql(sql)

    def now(self):
        return self.scalar("SELECT NOW(6)" if self.name == "mysql" else "SELECT clock_timestamp()::text")

    def client(self, query):
        """Reads query's rows off the wire and drops them: (wall s, CPU s, peak RSS MiB)."""
        if self.name == "mysql":
            return run_measured([self.binary_client, "127.0.0.1", self.setting("PORT"), self.setting("USER"),
                                 self.setting("PASSWORD"), self.setting("DATABASE"), query])
        return run_measured(self.servers.psql_argv() + ["-c", f"\\copy ({query}) TO '/dev/null' (FORMAT binary)"],
                            env=self.pg_env)

    def change(self, table, where):
        """Changes the rows `where` selects; returns the server's time before the change."""
        before = self.now()
        now = "NOW(6)" if self.name == "mysql" else "clock_timestamp()"
        self.execute(f"UPDATE {table} SET updated_at = {now}, customer_id = customer_id + 1 WHERE {where}"
                     if table.startswith(PREFIX + "orders") else
                     f"UPDATE {table} SET updated_at = {now}, i0 = i0 + 1 WHERE {where}")
        return before


class Project:
    """A sluice project directory: config, local stage (and its watermarks), DuckDB warehouse."""

    def __init__(self, work, name, engine, table, strategy, sluice):
        self.directory = os.path.join(work, name)
        self.table = table
        self.sluice = sluice
        shutil.rmtree(self.directory, ignore_errors=True)
        os.makedirs(os.path.join(self.directory, "stage"))
        write_config(self.directory, engine.servers, engine.name, table, strategy)

    def path(self, *parts):
        return os.path.join(self.directory, *parts)

    def sync(self, *flags, expect_rows):
        """sluice sync; checks the run report; returns (wall s, CPU s, peak RSS MiB)."""
        report = self.path("report.json")
        measured = run_measured([self.sluice, "-q", "--config-dir", self.path("config"), "sync", "-p", "bench",
                                 "--json-output", report, *flags])
        with open(report) as report_file:
            result = json.load(report_file)
        table = result["table_results"][self.table]
        if result["status"] != "success" or table["status"] != "success":
            raise RuntimeError(f"{self.table}: the run report says {result['status']}: {table.get('error')}")
        if table["rows_extracted"] != expect_rows:
            raise RuntimeError(f"{self.table}: extracted {table['rows_extracted']} rows, expected {expect_rows}")
        return measured

    def staged_files(self):
        return sorted(os.path.join(directory, name) for directory, _, names in os.walk(self.path("stage"))
                      for name in names if name.endswith(".parquet"))


class Bench:
    def __init__(self, args, servers, work):
        self.args = args
        self.servers = servers
        self.work = work
        build = os.path.abspath(args.build_dir)
        self.sluice = os.path.join(build, "sluice")
        self.sql_bench = os.path.join(build, "bench", "duckdb_sql_bench")
        self.build = build

    def duckdb(self, database, *sql, output=False):
        argv = [self.sql_bench, database] + (["--print"] if output else []) + list(sql)
        if output:
            return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()
        return run_measured(argv)

    def duckdb_insert(self, project):
        """DuckDB's own INSERT of project's staged files into the table as sluice created it."""
        table = project.table
        ddl = self.duckdb(project.path("warehouse.duckdb"),
                          f"SELECT sql FROM duckdb_tables() WHERE table_name = '{table}'", output=True)
        database = os.path.join(self.work, "own.duckdb")
        for suffix in ("", ".wal"):
            if os.path.exists(database + suffix):
                os.remove(database + suffix)
        paths = ", ".join("'" + path.replace("'", "''") + "'" for path in project.staged_files())
        return self.duckdb(database, ddl, f"INSERT INTO {table} SELECT * EXCLUDE (_seq) FROM "
                                          f"read_parquet([{paths}], hive_partitioning = false)")

    def measure(self, engine, table, size):
        series = {name: Series() for name in ("client", "hybrid extract", "full_sync extract", "DuckDB INSERT",
                                              "hybrid run", "full_sync run", "no change", *CHANGES,
                                              *(f"client {name}" for name in CHANGES))}
        runs = self.args.runs
        for run in range(runs):
            line = f"  {engine.label} {table} run {run + 1}:"
            line += " client " + series["client"].add(engine.client(f"SELECT * FROM {table}"))
            for strategy in ("hybrid", "full_sync"):
                project = Project(self.work, f"{strategy}-extract", engine, table, strategy, self.sluice)
                line += f", {strategy} extract " + series[f"{strategy} extract"].add(
                    project.sync("--backup-only", expect_rows=size))
            for strategy in ("hybrid", "full_sync"):
                project = Project(self.work, f"{strategy}-run", engine, table, strategy, self.sluice)
                line += f", {strategy} run " + series[f"{strategy} run"].add(project.sync(expect_rows=size))
                if strategy == "hybrid":
                    line += ", DuckDB INSERT " + series["DuckDB INSERT"].add(self.duckdb_insert(project))
                    hybrid = project
            log(line)
        # Incremental runs on the last hybrid project: its watermark is at the table's end.
        project = hybrid
        changed = max(size // 100, 1)
        for run in range(runs):
            line = f"  {engine.label} {table} increments {run + 1}: no change " + series["no change"].add(
                project.sync(expect_rows=0))
            for name, where in CHANGES.items():
                before = engine.change(table, where.replace("{n}", str(size)))
                time.sleep(1.1)  # a run's ceiling holds back the current second
                query = f"SELECT * FROM {table} WHERE updated_at >= '{before}' ORDER BY updated_at, id"
                engine.client(query)  # untimed: both then read the changed rows from a warm cache
                line += f", {name} " + series[name].add(project.sync(expect_rows=changed))
                line += " client " + series[f"client {name}"].add(engine.client(query))
            log(line)
        loaded = int(self.duckdb(project.path("warehouse.duckdb"), f"SELECT count(*) FROM {table}", output=True))
        if loaded != size:
            raise RuntimeError(f"{table}: the warehouse holds {loaded} rows, the source {size}")
        series["bytes"] = sum(os.path.getsize(path) for path in project.staged_files())
        return series


def ratio(mine, theirs):
    return f"{mine.wall / theirs.wall:.2f}x"


def print_results(args, results):
    print(f"Medians of {args.runs} runs: wall s (CPU s: user + system of all threads of the process), peak RSS "
          "the highest of the runs.\n")
    print("| source | table | rows | client s | hybrid extract s | vs client | full_sync extract s | vs client "
          "| hybrid / full_sync extract |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for (label, table, size), s in results:
        client, hybrid, full = s["client"], s["hybrid extract"], s["full_sync extract"]
        print(f"| {label} | {table} | {size:,} | {client.wall:.2f} ({client.cpu:.2f}) | {hybrid.wall:.2f} "
              f"({hybrid.cpu:.2f}) | {ratio(hybrid, client)} | {full.wall:.2f} ({full.cpu:.2f}) | {ratio(full, client)} "
              f"| {ratio(hybrid, full)} |")
    print("\n| source | table | rows | hybrid first run s | full_sync run s | hybrid / full_sync | client + DuckDB "
          "INSERT s | hybrid / that | peak RSS hybrid | peak RSS full_sync |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (label, table, size), s in results:
        hybrid, full = s["hybrid run"], s["full_sync run"]
        raw = s["client"].wall + s["DuckDB INSERT"].wall
        print(f"| {label} | {table} | {size:,} | {hybrid.wall:.2f} ({hybrid.cpu:.2f}) | {full.wall:.2f} "
              f"({full.cpu:.2f}) | {ratio(hybrid, full)} | {raw:.2f} | {hybrid.wall / raw:.2f}x | "
              f"{hybrid.peak:.0f} MiB | {full.peak:.0f} MiB |")
    print("\n| source | table | rows | no change s | 1% clustered s | client same query s | 1% scattered s "
          "| client same query s | 1% clustered / first run | peak RSS |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (label, table, size), s in results:
        clustered, scattered = s["1% clustered"], s["1% scattered"]
        peak = max(s[name].peak for name in ("no change", *CHANGES))
        print(f"| {label} | {table} | {size:,} | {s['no change'].wall:.2f} | {clustered.wall:.2f} | "
              f"{s['client 1% clustered'].wall:.2f} | {scattered.wall:.2f} | {s['client 1% scattered'].wall:.2f} | "
              f"{clustered.wall / s['hybrid run'].wall:.1%} | {peak:.0f} MiB |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tables", default="orders,wide")
    parser.add_argument("--engines", default="mysql,postgres")
    parser.add_argument("--servers-dir", default=os.path.join(tempfile.gettempdir(), "sluice-bench-servers"))
    parser.add_argument("--work-dir", default=tempfile.gettempdir())
    parser.add_argument("--reuse-tables", action="store_true",
                        help="keep the e2e_* tables a previous run generated (they are changed by the 1%% runs, "
                             "not grown)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    tables = args.tables.split(",")
    engines = args.engines.split(",")
    servers = Servers(args.servers_dir)
    work = tempfile.mkdtemp(prefix="sluice-e2e-", dir=args.work_dir)
    results = []
    try:
        if not args.reuse_tables:
            create_tables(servers, engines, tables, sizes, scattered=True, prefix=PREFIX)
        bench = Bench(args, servers, work)
        for engine_name in engines:
            engine = Engine(servers, engine_name, bench.build)
            for size in sizes:
                for table in tables:
                    name = f"{PREFIX}{table}_{size}"
                    results.append(((engine.label, table, size), bench.measure(engine, name, size)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        servers.stop()
    print_results(args, results)


if __name__ == "__main__":
    main()
