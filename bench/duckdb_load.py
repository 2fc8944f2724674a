#!/usr/bin/env python3
"""DuckDB target load speed and memory: sluice against DuckDB's own INSERT.

Stages an orders table (9 columns: BIGINT id and version, customer_id,
status, DECIMAL(12,2) amount, currency, created_at and updated_at
TIMESTAMPs, a nullable note) the way sluice does, by a sluice run
(`sync --backup-only`, cdc_strategy id_only on `version`) from a generated
SQLite database, twice: `orders`, whose version follows the id, so the
files hold the keys in key order (what a keyset or primary-key-order read
stages), and `orders_shuffled`, whose version is a permutation of the ids,
so the keys are in no order. Then, in the same run, alternating, --runs
times each (medians reported):

  sluice load:     sluice sync --load-only of the staged files into a new
                   DuckDB file (merge by id), with the target's default bounds
  DuckDB INSERT:   bench/duckdb_sql_bench: CREATE TABLE as sluice created it,
                   INSERT INTO orders SELECT * EXCLUDE (_seq) FROM read_parquet(...)
                   of the same files into a new DuckDB file, DuckDB's defaults
  whole run:       sluice sync (extract + load) from scratch
  1% merge:        after the first load of `orders`, 1% of its rows (the
                   highest ids) change in the source; sluice sync --load-only
                   of the run that staged them

Peak RSS and CPU time of each process from wait4. Output: a Markdown table
on stdout, each run on stderr.

  bench/duckdb_load.py [--build-dir build] [--sluice PATH] [--compare PATH --compare-label main]
                       [--rows 10000000] [--runs 3] [--orders key,shuffled]
  bench/duckdb_load.py --rows 100000 --runs 1        (smoke: seconds)

--sluice measures another sluice binary than BUILD_DIR/sluice; --compare
measures a second one in the same runs, alternating (e.g. one built from
main, for a before/after comparison on equal terms).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from source_extract import log, run_measured  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLES = ("orders", "orders_shuffled")
ORDERS = ("key", "shuffled")  # how each table's files hold the keys

# `version` is what id_only pages by: the id itself, or a permutation of the
# ids (7919 is prime and shares no factor with the row counts used here).
GENERATE_SQL = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE {table} (
  id INTEGER PRIMARY KEY,
  version INTEGER NOT NULL,
  customer_id INTEGER NOT NULL,
  status VARCHAR(16) NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  currency CHAR(3) NOT NULL,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP,
  note VARCHAR(100)
);
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {rows})
INSERT INTO {table} SELECT n, {version}, (n * 7919) % 100000,
  CASE n % 6 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' WHEN 2 THEN 'shipped' WHEN 3 THEN 'delivered'
             WHEN 4 THEN 'cancelled' ELSE 'refunded' END,
  ((n * 104729) % 1000000) / 100.0,
  CASE n % 5 WHEN 0 THEN 'EUR' WHEN 1 THEN 'USD' WHEN 2 THEN 'GBP' WHEN 3 THEN 'JPY' ELSE 'CHF' END,
  datetime(1735689600 + n * 3, 'unixepoch'),
  CASE WHEN n % 20 = 0 THEN NULL ELSE datetime(1735689600 + n * 3 + (n % 86400), 'unixepoch') END,
  CASE WHEN n % 10 < 3 THEN NULL ELSE 'note for order ' || n END
FROM seq;
CREATE INDEX {table}_version ON {table}(version);
"""

# The highest 1% of ids change: a new version above every other, a new status and time.
CHANGE_SQL = """
UPDATE orders SET version = version + {rows}, status = 'changed',
  updated_at = datetime(1735689600 + 86400 * 400 + id, 'unixepoch')
WHERE id > {rows} - {rows} / 100;
"""


def write_config(directory, tables):
    os.makedirs(os.path.join(directory, "config", "pipelines"), exist_ok=True)
    with open(os.path.join(directory, "config", "connections.yml"), "w") as out:
        out.write("connections:\n"
                  "  sources:\n    src: {type: sqlite, path: ./source.db}\n"
                  "  targets:\n    warehouse: {type: duckdb, path: ./warehouse.duckdb}\n"
                  "stores:\n  stage: {type: local, path: ./stage}\n")
    with open(os.path.join(directory, "config", "pipelines", "bench.yml"), "w") as out:
        out.write("pipeline: {name: bench, source: src, target: warehouse, store: stage}\ntables:\n")
        for table in tables:
            out.write(f"  {table}: {{cdc_strategy: id_only, cdc_id_column: version, lookback_seconds: 0}}\n")


class Series:
    """Repeated measurements of one thing: medians of wall and CPU seconds, the highest peak RSS."""

    def __init__(self):
        self.walls, self.cpus, self.peaks = [], [], []

    def add(self, measured):
        wall, cpu, peak = measured
        self.walls.append(wall)
        self.cpus.append(cpu)
        self.peaks.append(peak)
        return f"{wall:.2f} s (CPU {cpu:.2f} s) {peak:.0f} MiB"

    @property
    def wall(self):
        return statistics.median(self.walls)

    @property
    def cpu(self):
        return statistics.median(self.cpus)

    @property
    def peak(self):
        return max(self.peaks)


class Bench:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        build = os.path.abspath(args.build_dir)
        self.binaries = {"sluice": os.path.abspath(args.sluice) if args.sluice else os.path.join(build, "sluice")}
        if args.compare:
            self.binaries[args.compare_label] = os.path.abspath(args.compare)
        self.sql_bench = os.path.join(build, "bench", "duckdb_sql_bench")
        self.project = os.path.join(work, "project")
        self.tables = [table for table, order in zip(TABLES, ORDERS) if order in args.orders]
        write_config(self.project, self.tables)

    def path(self, *parts):
        return os.path.join(self.project, *parts)

    def sluice_run(self, *argv, binary="sluice"):
        return run_measured([self.binaries[binary], "-q", "--config-dir", self.path("config"), *argv])

    def fresh(self, stage_from=None, warehouse_from=None):
        """The project's stage and warehouse as saved copies (or empty)."""
        shutil.rmtree(self.path("stage"), ignore_errors=True)
        for suffix in ("", ".wal"):
            if os.path.exists(self.path("warehouse.duckdb" + suffix)):
                os.remove(self.path("warehouse.duckdb" + suffix))
        if stage_from:
            shutil.copytree(stage_from, self.path("stage"))
        else:
            os.makedirs(self.path("stage"))
        if warehouse_from:
            shutil.copyfile(warehouse_from, self.path("warehouse.duckdb"))

    def save(self, name, what):
        target = os.path.join(self.work, name)
        if os.path.isdir(self.path(what)):
            shutil.copytree(self.path(what), target)
        else:
            shutil.copyfile(self.path(what), target)
        return target

    def staged_files(self, stage, table):
        found = []
        for directory, _, files in os.walk(stage):
            found += [os.path.join(directory, name) for name in files
                      if name.endswith(".parquet") and re.match(re.escape(table) + r"_\d{8}_", name)]
        return sorted(found)

    def duckdb_insert(self, ddl, files):
        database = os.path.join(self.work, "own.duckdb")
        if os.path.exists(database):
            os.remove(database)
        paths = ", ".join("'" + path.replace("'", "''") + "'" for path in files)
        return run_measured([self.sql_bench, database, ddl, "INSERT INTO orders SELECT * EXCLUDE (_seq) FROM "
                             f"read_parquet([{paths}], hive_partitioning = false)"])

    def table_ddl(self, table):
        """CREATE TABLE orders(...) as sluice created `table` in the warehouse."""
        ddl = subprocess.run([self.sql_bench, self.path("warehouse.duckdb"), "--print",
                              f"SELECT sql FROM duckdb_tables() WHERE table_name = '{table}'"],
                             capture_output=True, text=True, check=True).stdout.strip()
        return ddl.replace(f"CREATE TABLE {table}(", "CREATE TABLE orders(", 1)

    def run(self):
        rows = self.args.rows
        log(f"generating {rows} rows per table in SQLite")
        for table, version in (("orders", "n"), ("orders_shuffled", f"((n * 7919) % {rows}) + 1")):
            if table not in self.tables:
                continue
            subprocess.run(["sqlite3", self.path("source.db")],
                           input=GENERATE_SQL.format(table=table, rows=rows, version=version), text=True,
                           check=True, stdout=subprocess.DEVNULL)
        self.fresh()
        self.sluice_run("sync", "-p", "bench", "--backup-only")
        staged = self.save("staged", "stage")
        results = {table: self.first_loads(table, staged) for table in self.tables}
        results["whole"] = self.whole_runs()
        results["merge"] = self.merge(staged)
        return results

    def first_loads(self, table, staged):
        files = self.staged_files(staged, table)
        series = {name: Series() for name in [*self.binaries, "DuckDB INSERT"]}
        ddl = None
        for run in range(self.args.runs):
            line = f"  {table} run {run + 1}:"
            for name in self.binaries:
                self.fresh(stage_from=staged)
                line += f" {name} load " + series[name].add(
                    self.sluice_run("sync", "-p", "bench", "-t", table, "--load-only", binary=name))
                ddl = ddl or self.table_ddl(table)
            line += ", DuckDB INSERT " + series["DuckDB INSERT"].add(self.duckdb_insert(ddl, files))
            log(line)
        series["bytes"] = sum(os.path.getsize(path) for path in files)
        return series

    def whole_runs(self):
        series = {name: Series() for name in self.binaries}
        for run in range(self.args.runs):
            line = f"  whole run {run + 1}:"
            for name in self.binaries:
                self.fresh()
                line += f" {name} sync " + series[name].add(self.sluice_run("sync", "-p", "bench", "-t", "orders",
                                                                            binary=name))
            log(line)
        return series

    def merge(self, staged):
        self.fresh(stage_from=staged)
        self.sluice_run("sync", "-p", "bench", "-t", "orders", "--load-only")
        subprocess.run(["sqlite3", self.path("source.db")], input=CHANGE_SQL.format(rows=self.args.rows),
                       text=True, check=True)
        self.sluice_run("sync", "-p", "bench", "-t", "orders", "--backup-only")
        changed_stage = self.save("changed_stage", "stage")
        loaded = self.save("loaded.duckdb", "warehouse.duckdb")
        series = {name: Series() for name in self.binaries}
        for run in range(self.args.runs):
            line = f"  1% merge run {run + 1}:"
            for name in self.binaries:
                self.fresh(stage_from=changed_stage, warehouse_from=loaded)
                line += f" {name} load " + series[name].add(
                    self.sluice_run("sync", "-p", "bench", "-t", "orders", "--load-only", binary=name))
            log(line)
        return series


def print_table(args, binaries, results):
    print(f"{args.rows:,} rows, medians of {args.runs} (wall s, CPU s in parentheses: user + system of all "
          "threads):\n")
    print("| what | keys in the files | sluice | s (CPU s) | DuckDB INSERT s (CPU s) | ratio wall (CPU) "
          "| peak RSS | DuckDB peak RSS |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for table, order in (("orders", "key order"), ("orders_shuffled", "no order")):
        if table not in results:
            continue
        result = results[table]
        own = result["DuckDB INSERT"]
        for name in binaries:
            mine = result[name]
            print(f"| first load ({result['bytes'] / 1e6:.0f} MB Parquet) | {order} | {name} | {mine.wall:.2f} "
                  f"({mine.cpu:.2f}) | {own.wall:.2f} ({own.cpu:.2f}) | {mine.wall / own.wall:.2f}x "
                  f"({mine.cpu / own.cpu:.2f}x) | {mine.peak:.0f} MiB | {own.peak:.0f} MiB |")
    for name in binaries:
        merge = results["merge"][name]
        first = results["orders"][name]
        print(f"| 1% changed merge | key order | {name} | {merge.wall:.2f} ({merge.cpu:.2f}) | "
              f"| {merge.wall / first.wall:.1%} of the first load | {merge.peak:.0f} MiB | |")
    for name in binaries:
        whole = results["whole"][name]
        print(f"| whole run (extract + load) | key order | {name} | {whole.wall:.2f} ({whole.cpu:.2f}) | | "
              f"| {whole.peak:.0f} MiB | |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    parser.add_argument("--sluice", help="the sluice binary to measure (default: BUILD_DIR/sluice)")
    parser.add_argument("--compare", help="another sluice binary, measured in the same runs (e.g. one built from "
                                          "main)")
    parser.add_argument("--compare-label", default="compared", help="its name in the table")
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--orders", default="key,shuffled",
                        help="first loads to measure: key (files in key order), shuffled (keys in no order)")
    parser.add_argument("--work-dir", default=tempfile.gettempdir())
    args = parser.parse_args()
    args.orders = args.orders.split(",")
    if "key" not in args.orders:
        parser.error("--orders must include key (the merge and the whole run are measured on it)")
    work = tempfile.mkdtemp(prefix="sluice-duckdb-load-", dir=args.work_dir)
    try:
        bench = Bench(args, work)
        results = bench.run()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(args, list(bench.binaries), results)


if __name__ == "__main__":
    main()
