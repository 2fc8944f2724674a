#!/usr/bin/env bash
# Private database servers for the tests, on loopback, under one directory:
# a MariaDB (binary log on, TLS) and a PostgreSQL (TLS), each freshly
# initialized, plus the certificates they use. Nothing system-wide is
# touched: no service is started, no port outside the chosen ones is used.
#
#   scripts/test_servers.sh start DIR   # (re)start both; writes DIR/env.sh
#   scripts/test_servers.sh stop DIR    # stop both, remove their data
#   scripts/test_servers.sh status DIR
#
# DIR/env.sh exports SLUICE_TEST_MYSQL_* and SLUICE_TEST_PG_* (host, port,
# user, password, database, socket, CA), which the integration tests read.
set -euo pipefail

ACTION="${1:?usage: test_servers.sh start|stop|status DIR}"
DIR="${2:?usage: test_servers.sh start|stop|status DIR}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"

MYSQL_USER=sluice
MYSQL_PASSWORD='sluice-test-pw'
MYSQL_DATABASE=sluice_test
PG_USER=sluice
PG_PASSWORD='sluice-test-pw'
PG_DATABASE=sluice_test
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"

log() { echo "test_servers: $*" >&2; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Runs a command as the PostgreSQL system user when we are root (initdb refuses root).
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

make_certificates() {
  local certs="$DIR/certs"
  [ -f "$certs/server-cert.pem" ] && return 0
  mkdir -p "$certs"
  (
    cd "$certs"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=sluice test CA" \
      -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=unrelated CA" \
      -keyout other-ca-key.pem -out other-ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server-key.pem -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > san.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
      -extfile san.ext -out server-cert.pem 2>/dev/null
    chmod 644 ./*.pem
  )
}

mysql_running() { [ -f "$DIR/mariadb/mariadbd.pid" ] && kill -0 "$(cat "$DIR/mariadb/mariadbd.pid")" 2>/dev/null; }
pg_running() { [ -f "$DIR/postgres/data/postmaster.pid" ] && kill -0 "$(head -1 "$DIR/postgres/data/postmaster.pid")" 2>/dev/null; }

start_mysql() {
  local root="$DIR/mariadb" port
  port="$(free_port)"
  rm -rf "$root" && mkdir -p "$root/data"
  mariadb-install-db --no-defaults --datadir="$root/data" --user="$(id -un)" \
    --auth-root-authentication-method=socket --skip-test-db >"$root/install.log" 2>&1 \
    || { log "mariadb-install-db failed:"; tail -20 "$root/install.log" >&2; return 1; }
  # 127.0.0.2 serves the TLS identity test: the certificate names 127.0.0.1 only.
  mariadbd --no-defaults --datadir="$root/data" --socket="$root/mysqld.sock" --port="$port" \
    --bind-address=127.0.0.1,127.0.0.2 --user="$(id -un)" --pid-file="$root/mariadbd.pid" \
    --log-error="$root/error.log" --log-bin="$root/binlog" --server-id=1 --binlog-format=ROW \
    --skip-name-resolve --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 \
    --max-allowed-packet=64M --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    --ssl-ca="$DIR/certs/ca.pem" --ssl-cert="$DIR/certs/server-cert.pem" --ssl-key="$DIR/certs/server-key.pem" \
    >/dev/null 2>&1 &
  for _ in $(seq 1 100); do
    mariadb-admin --no-defaults --socket="$root/mysqld.sock" -uroot ping >/dev/null 2>&1 && break
    sleep 0.2
  done
  mariadb-admin --no-defaults --socket="$root/mysqld.sock" -uroot ping >/dev/null 2>&1 \
    || { log "MariaDB did not start:"; tail -20 "$root/error.log" >&2; return 1; }
  mariadb --no-defaults --socket="$root/mysqld.sock" -uroot <<SQL
CREATE DATABASE $MYSQL_DATABASE CHARACTER SET utf8mb4;
CREATE USER '$MYSQL_USER'@'%' IDENTIFIED BY '$MYSQL_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$MYSQL_USER'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
  echo "$port" >"$root/port"
}

start_pg() {
  local root="$DIR/postgres" port
  port="$(free_port)"
  rm -rf "$root" && mkdir -p "$root"
  cp "$DIR/certs/server-cert.pem" "$DIR/certs/server-key.pem" "$root/"
  echo "$PG_PASSWORD" >"$root/pwfile"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$root"; fi
  chmod 600 "$root/server-key.pem"
  as_postgres "$PG_BIN/initdb" -D "$root/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --pwfile="$root/pwfile" -E UTF8 --locale=C.UTF-8 >"$root/initdb.log" 2>&1 \
    || { log "initdb failed:"; tail -20 "$root/initdb.log" >&2; return 1; }
  as_postgres "$PG_BIN/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 \
    -o "-p $port -k $root -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=$root/server-cert.pem \
        -c ssl_key_file=$root/server-key.pem -c fsync=off -c full_page_writes=off -c wal_level=logical \
        -c shared_buffers=256MB" start >/dev/null \
    || { log "PostgreSQL did not start:"; tail -20 "$root/server.log" >&2; return 1; }
  as_postgres "$PG_BIN/psql" -h "$root" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q <<SQL
CREATE ROLE $PG_USER LOGIN SUPERUSER PASSWORD '$PG_PASSWORD';
CREATE DATABASE $PG_DATABASE OWNER $PG_USER ENCODING 'UTF8';
SQL
  echo "$port" >"$root/port"
}

stop_mysql() {
  if mysql_running; then
    local pid
    pid="$(cat "$DIR/mariadb/mariadbd.pid")"
    mariadb-admin --no-defaults --socket="$DIR/mariadb/mysqld.sock" -uroot shutdown >/dev/null 2>&1 || kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$DIR/mariadb"
}

stop_pg() {
  if pg_running; then
    as_postgres "$PG_BIN/pg_ctl" -D "$DIR/postgres/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR/postgres"
}

write_env() {
  cat >"$DIR/env.sh" <<ENV
# Written by scripts/test_servers.sh: where the private test servers listen.
export SLUICE_TEST_MYSQL_HOST=127.0.0.1
export SLUICE_TEST_MYSQL_PORT=$(cat "$DIR/mariadb/port")
export SLUICE_TEST_MYSQL_SOCKET=$DIR/mariadb/mysqld.sock
export SLUICE_TEST_MYSQL_USER=$MYSQL_USER
export SLUICE_TEST_MYSQL_PASSWORD=$MYSQL_PASSWORD
export SLUICE_TEST_MYSQL_DATABASE=$MYSQL_DATABASE
export SLUICE_TEST_PG_HOST=127.0.0.1
export SLUICE_TEST_PG_PORT=$(cat "$DIR/postgres/port")
export SLUICE_TEST_PG_SOCKET_DIR=$DIR/postgres
export SLUICE_TEST_PG_USER=$PG_USER
export SLUICE_TEST_PG_PASSWORD=$PG_PASSWORD
export SLUICE_TEST_PG_DATABASE=$PG_DATABASE
export SLUICE_TEST_CA=$DIR/certs/ca.pem
export SLUICE_TEST_OTHER_CA=$DIR/certs/other-ca.pem
ENV
}

case "$ACTION" in
  start)
    command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || { log "mariadb-server is not installed (scripts/setup.sh --servers)"; exit 1; }
    [ -n "$PG_BIN" ] || { log "postgresql is not installed (scripts/setup.sh --servers)"; exit 1; }
    export PATH="$PATH:/usr/sbin"
    stop_mysql
    stop_pg
    make_certificates
    start_mysql
    start_pg
    write_env
    log "MariaDB on 127.0.0.1:$(cat "$DIR/mariadb/port"), PostgreSQL on 127.0.0.1:$(cat "$DIR/postgres/port") (env: $DIR/env.sh)"
    ;;
  stop)
    export PATH="$PATH:/usr/sbin"
    stop_mysql
    stop_pg
    rm -f "$DIR/env.sh"
    ;;
  status)
    mysql_running && echo "MariaDB: running" || echo "MariaDB: stopped"
    pg_running && echo "PostgreSQL: running" || echo "PostgreSQL: stopped"
    ;;
  *)
    log "unknown action '$ACTION' (start, stop, status)"
    exit 2
    ;;
esac
