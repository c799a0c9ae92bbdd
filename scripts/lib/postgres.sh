# Starts a throwaway PostgreSQL server on a free loopback port (sourced by the test scripts).
# Sets PG_BIN, PG_PORT and PG_DATA, defines pg_psql, and stops the server and removes its data on exit.
# PG_SETTINGS (default "-c fsync=off", fine for tests) replaces the durability settings.
PG_BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
PG_DATA=$(mktemp -d /tmp/wechat-login-pg.XXXXXX)
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')

pg_as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres:postgres "$PG_DATA"
        su postgres -s /bin/bash -c "$*"
    else
        bash -c "$*"
    fi
}

pg_psql() {
    pg_as_postgres "'$PG_BIN/psql' -h 127.0.0.1 -p $PG_PORT -U postgres $*"
}

pg_as_postgres "'$PG_BIN/initdb' -D '$PG_DATA/db' -A trust -U postgres >'$PG_DATA/initdb.log' 2>&1"
pg_as_postgres "'$PG_BIN/pg_ctl' -D '$PG_DATA/db' -o \"-p $PG_PORT -k '$PG_DATA' -c listen_addresses=127.0.0.1 ${PG_SETTINGS:--c fsync=off} -c max_connections=200\" -l '$PG_DATA/log' -w start >/dev/null"
pg_stop() { pg_as_postgres "'$PG_BIN/pg_ctl' -D '$PG_DATA/db' -m fast stop >/dev/null 2>&1" || true; rm -rf "$PG_DATA"; }
trap pg_stop EXIT
