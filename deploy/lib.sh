#!/usr/bin/env bash
# Shared helpers for deploy/run and deploy/test. Source it; don't execute it.
# It deliberately doesn't `set -euo pipefail` itself (that would leak into an
# interactive shell that sources it); every function is written to be safe
# under those options, which both callers set.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    echo "deploy/lib.sh is a library: source it from deploy/run or deploy/test" >&2
    exit 2
fi
#
# Public functions:
#   asar_ensure_prereqs                 install/locate PostgreSQL, libpq, pkg-config;
#                                       exports PATH (PG bin dir first) and ASAR_PG_BINDIR
#   asar_free_port                      print a free TCP port on 127.0.0.1
#   asar_port_free PORT                 succeed if PORT can be bound on 127.0.0.1
#   asar_pg_prepare_dir DIR             create DIR so the server user can own/use it
#   asar_pg_socket_dir DIR              print the Unix socket directory used for DIR
#   asar_pg_start DIR PORT [-c opt]...  initdb if needed, start if not running;
#                                       sets ASAR_PG_STARTED (1 = this call started it)
#                                       and ASAR_PG_ACTIVE_PORT (port it really listens on)
#   asar_pg_stop DIR [MODE]             shutdown (pg_ctl -m MODE, default fast); no-op if not running
#   asar_pg_destroy DIR                 stop and delete the cluster folder
#   asar_pg_env DIR PORT DBNAME         export PGHOST PGPORT PGUSER PGDATABASE
#   asar_pg_createdb DBNAME             create DBNAME if missing (needs asar_pg_env first)

# Superuser name baked into every cluster we create (initdb --username).
ASAR_PG_SUPERUSER=asar

_asar_say() { printf '==> %s\n' "$*" >&2; }
_asar_err() { printf 'error: %s\n' "$*" >&2; }

_asar_is_root() { [[ ${EUID:-$(id -u)} -eq 0 ]]; }

# initdb/postgres refuse to run as root, so as root every server-side tool runs
# as the `postgres` OS user. `cd /` avoids "could not change directory" noise
# when the caller's cwd isn't readable by postgres.
_asar_as_pg() {
    if _asar_is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# Highest-versioned PostgreSQL server bin dir; falls back to whatever pg_ctl is on
# PATH (resolving symlinks) for non-Debian layouts.
asar_find_pg_bindir() {
    local d best=""
    while IFS= read -r d; do
        [[ -x $d/pg_ctl && -x $d/initdb && -x $d/postgres ]] && best=$d
    done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -V)
    if [[ -z $best ]] && command -v pg_ctl >/dev/null 2>&1; then
        d=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
        [[ -x $d/initdb && -x $d/postgres ]] && best=$d
    fi
    [[ -n $best ]] && printf '%s\n' "$best"
}

# Lists what is missing, one apt package name per line (empty = all good).
_asar_missing_prereqs() {
    local bindir share
    bindir=$(asar_find_pg_bindir) || true
    if [[ -z $bindir ]]; then
        echo postgresql
    else
        [[ -x $bindir/psql ]] || command -v psql >/dev/null 2>&1 || echo postgresql-client
        # The schema uses pg_trgm; on some distros it ships separately (-contrib).
        share=$("$bindir/pg_config" --sharedir 2>/dev/null || true)
        if [[ -n $share && ! -f $share/extension/pg_trgm.control ]]; then
            echo postgresql-contrib
        fi
    fi
    if ! command -v pkg-config >/dev/null 2>&1; then
        echo pkg-config
    fi
    # Package.swift resolves CLibPQ via pkg-config, so the header alone isn't enough.
    if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libpq; then
        echo libpq-dev
    fi
    if _asar_is_root && ! id postgres >/dev/null 2>&1; then
        echo postgresql   # the package creates the `postgres` OS user
    fi
}

asar_ensure_prereqs() {
    local missing sudo=()
    missing=$(_asar_missing_prereqs | sort -u | tr '\n' ' ')
    if [[ -n ${missing// /} ]]; then
        _asar_say "Missing prerequisites: ${missing}- installing with apt-get"
        if ! command -v apt-get >/dev/null 2>&1; then
            _asar_err "apt-get not available; install PostgreSQL (server + contrib), libpq headers and pkg-config manually."
            return 1
        fi
        if ! _asar_is_root; then
            if command -v sudo >/dev/null 2>&1; then
                sudo=(sudo)
            else
                _asar_err "not root and sudo is missing; run as root: apt-get install postgresql postgresql-contrib libpq-dev pkg-config"
                return 1
            fi
        fi
        # Install the whole set in one go: apt no-ops what is already there.
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
            postgresql postgresql-contrib libpq-dev pkg-config
        missing=$(_asar_missing_prereqs | sort -u | tr '\n' ' ')
        if [[ -n ${missing// /} ]]; then
            _asar_err "still missing after apt-get install: ${missing}"
            return 1
        fi
    fi
    ASAR_PG_BINDIR=$(asar_find_pg_bindir)
    export ASAR_PG_BINDIR
    # Debian keeps server tools (initdb, pg_ctl) off PATH; prepend so they win.
    case ":$PATH:" in
        ":$ASAR_PG_BINDIR:"*) ;;
        *) export PATH="$ASAR_PG_BINDIR:$PATH" ;;
    esac
}

# Installs a Debian package when its command is missing (e.g. wrk for deploy/bench).
asar_ensure_command() {
    local command=$1 package=$2 sudo=()
    command -v "$command" >/dev/null 2>&1 && return 0
    _asar_say "Installing $package (apt) for $command"
    if ! _asar_is_root; then
        command -v sudo >/dev/null 2>&1 || { _asar_err "$command is missing; run as root: apt-get install $package"; return 1; }
        sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package" >/dev/null 2>&1 ||
        { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null &&
          "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package"; }
    command -v "$command" >/dev/null 2>&1 || { _asar_err "could not install $package"; return 1; }
}

# Bind without SO_REUSEADDR: conservative, and catches 0.0.0.0 listeners too.
asar_port_free() {
    local port=$1
    if command -v python3 >/dev/null 2>&1; then
        python3 - "$port" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
    else
        # No python3: "nobody answers" is the best bash can tell us.
        ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
    fi
}

asar_free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
        return
    fi
    local p _
    for _ in $(seq 1 100); do
        p=$((20000 + RANDOM % 40000))
        if asar_port_free "$p"; then echo "$p"; return 0; fi
    done
    _asar_err "could not find a free TCP port"
    return 1
}

# Creates DIR (mode 755 parents so postgres can traverse them) and hands it to
# the server user. Fails when, as root, the `postgres` user cannot reach DIR's
# location (e.g. a checkout under /root); checked before creating anything.
asar_pg_prepare_dir() {
    local dir=$1 anc
    [[ $dir == /* ]] || dir=$PWD/$dir   # the postgres checks below run from /
    # DIR itself gets chowned below; what must already be open is the path to it.
    anc=$(dirname "$dir")
    while [[ ! -e $anc ]]; do anc=$(dirname "$anc"); done
    if _asar_is_root && ! _asar_as_pg test -x "$anc"; then
        return 1
    fi
    (umask 022 && mkdir -p "$dir") || return 1
    if _asar_is_root; then
        chown postgres:postgres "$dir"
        chmod 755 "$dir"
        _asar_as_pg test -d "$dir" -a -w "$dir" -a -x "$dir" || return 1
    fi
}

# sun_path is 108 bytes; long checkout paths would make the socket unusable, so
# only then move the socket to a short /tmp path derived from DIR.
asar_pg_socket_dir() {
    local dir=$1 sock=$1/socket
    if (( ${#sock} + 16 > 107 )); then
        sock=/tmp/asar-sock-$(printf '%s' "$dir" | sha256sum | cut -c1-12)
    fi
    printf '%s\n' "$sock"
}

# 0 when a postmaster for DIR is alive. pg_ctl status trusts the PID in
# postmaster.pid, which after a container restart may belong to an unrelated
# process - so we also check that the PID really is a postgres process.
_asar_pg_running() {
    local data=$1/data pid comm
    [[ -f $data/postmaster.pid ]] || return 1
    _asar_as_pg "$ASAR_PG_BINDIR/pg_ctl" -D "$data" status >/dev/null 2>&1 || return 1
    pid=$(head -n1 "$data/postmaster.pid" 2>/dev/null || true)
    if [[ -r /proc/$pid/status ]]; then
        comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
        [[ $comm == postgres || $comm == postmaster ]] || return 1
        # A crashed postmaster lingers as a zombie until its parent (often a
        # container's PID 1) reaps it; it still answers kill -0.
        ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null || return 1
    fi
    return 0
}

# Port an already-running postmaster listens on (line 4 of postmaster.pid).
asar_pg_running_port() {
    sed -n 4p "$1/data/postmaster.pid" 2>/dev/null
}

# shellcheck disable=SC2034  # ASAR_PG_STARTED/ASAR_PG_ACTIVE_PORT are read by callers
asar_pg_start() {
    if (( $# < 2 )); then _asar_err "usage: asar_pg_start DIR PORT [-c name=value]..."; return 2; fi
    local dir=$1 port=$2; shift 2
    local data sock log out opts extra initdb_flags=()
    ASAR_PG_STARTED=0
    ASAR_PG_ACTIVE_PORT=$port
    : "${ASAR_PG_BINDIR:=$(asar_find_pg_bindir)}"
    if [[ -z $ASAR_PG_BINDIR ]]; then _asar_err "PostgreSQL not found; call asar_ensure_prereqs"; return 1; fi
    if [[ ! $port =~ ^[0-9]+$ ]]; then _asar_err "bad port: $port"; return 2; fi
    # pg_ctl -o is word-split by a shell; single-quoting covers every sane path.
    if [[ $dir == *\'* || $dir == *$'\n'* ]]; then _asar_err "cluster path must not contain quotes/newlines: $dir"; return 2; fi

    if ! asar_pg_prepare_dir "$dir"; then
        _asar_err "the postgres user cannot use $dir (is a parent directory mode 700?)"
        return 1
    fi
    dir=$(cd "$dir" && pwd -P)   # pg_ctl runs from /, so relative paths would break
    data=$dir/data sock=$(asar_pg_socket_dir "$dir") log=$dir/log
    (umask 022 && mkdir -p "$sock")
    if _asar_is_root; then chown postgres:postgres "$sock"; fi

    if _asar_pg_running "$dir"; then
        ASAR_PG_ACTIVE_PORT=$(asar_pg_running_port "$dir")
        ASAR_PG_ACTIVE_PORT=${ASAR_PG_ACTIVE_PORT:-$port}
        _asar_say "PostgreSQL already running for $data (port $ASAR_PG_ACTIVE_PORT); reusing it"
        return 0
    fi
    # Not running but a pid file remains (crash + PID reuse): postgres would refuse
    # to start, and nothing owns these files, so they are safe to drop.
    local crashed=0
    if [[ -f $data/postmaster.pid ]]; then
        _asar_say "Removing stale $data/postmaster.pid (PostgreSQL was not shut down cleanly)"
        rm -f "$data/postmaster.pid" "$sock"/.s.PGSQL.*.lock
        crashed=1
    fi

    if [[ ! -f $data/PG_VERSION ]]; then
        # No PG_VERSION = an initdb that was killed half way; it can't be used.
        # Only wipe what initdb itself would have left, never unknown content.
        if [[ -e $data ]]; then
            if [[ -z $(ls -A "$data") || -e $data/global || -e $data/base || -e $data/postgresql.conf ]]; then
                _asar_say "Removing incomplete cluster at $data"
                rm -rf "$data"
            else
                _asar_err "$data exists but is not a PostgreSQL cluster; move it away"
                return 1
            fi
        fi
        # A throwaway cluster (fsync=off) need not fsync its own creation either.
        for extra in "$@"; do
            [[ $extra == fsync=off ]] && initdb_flags+=(--no-sync)
        done
        _asar_say "Initialising PostgreSQL cluster in $data"
        if ! out=$(_asar_as_pg "$ASAR_PG_BINDIR/initdb" -D "$data" -E UTF8 --locale=C.UTF-8 \
                --username="$ASAR_PG_SUPERUSER" --auth=trust "${initdb_flags[@]}" 2>&1); then
            printf '%s\n' "$out" >&2
            _asar_err "initdb failed for $data"
            return 1
        fi
    fi

    opts="-k '$sock' -p $port -c listen_addresses=127.0.0.1"
    for extra in "$@"; do
        opts+=" '$extra'"
    done
    if ! out=$(_asar_as_pg "$ASAR_PG_BINDIR/pg_ctl" -D "$data" -l "$log" -w -o "$opts" start 2>&1) &&
        ! { (( crashed )) && sleep 3 &&
            # Backends of a crashed postmaster may still hold its shared memory
            # for a moment, which makes postgres refuse to start; one retry.
            out=$(_asar_as_pg "$ASAR_PG_BINDIR/pg_ctl" -D "$data" -l "$log" -w -o "$opts" start 2>&1); }; then
        printf '%s\n' "$out" >&2
        _asar_err "PostgreSQL failed to start; last lines of $log:"
        tail -n 25 "$log" >&2 2>/dev/null || true
        return 1
    fi
    ASAR_PG_STARTED=1
    _asar_say "PostgreSQL started (port $port, data $data, log $log)"
}

# Starts the cluster in DIR on a free port, trying another when someone takes the port before
# postgres binds it; sets ASAR_PG_STARTED_PORT. Extra arguments go to asar_pg_start.
asar_pg_start_free() {
    local dir=$1 attempt port
    shift
    for attempt in 1 2 3; do
        port=$(asar_free_port)
        if asar_pg_start "$dir" "$port" "$@"; then
            ASAR_PG_STARTED_PORT=$port
            return 0
        fi
        grep -q 'could not bind\|Address already in use' "$dir/log" 2>/dev/null || return 1
        _asar_say "Port $port was taken; retrying ($attempt/3)"
    done
    return 1
}

asar_pg_stop() {
    local dir=$1 mode=${2:-fast} out
    : "${ASAR_PG_BINDIR:=$(asar_find_pg_bindir)}"
    [[ -f $dir/data/postmaster.pid ]] || return 0
    dir=$(cd "$dir" && pwd -P)   # server tools run from /
    _asar_pg_running "$dir" || return 0
    if ! out=$(_asar_as_pg "$ASAR_PG_BINDIR/pg_ctl" -D "$dir/data" stop -m "$mode" -w 2>&1); then
        # Lost a race with another stopper: that's the outcome we wanted anyway.
        _asar_pg_running "$dir" || return 0
        printf '%s\n' "$out" >&2
        _asar_err "could not stop PostgreSQL in $dir/data"
        return 1
    fi
    _asar_say "PostgreSQL stopped ($dir/data)"
}

asar_pg_destroy() {
    local dir=$1 sock
    [[ -d $dir ]] || return 0
    dir=$(cd "$dir" && pwd -P)
    sock=$(asar_pg_socket_dir "$dir")
    asar_pg_stop "$dir" || true
    rm -rf "$dir"
    # Only the long-path fallback socket lives outside DIR.
    [[ $sock == "$dir"/* ]] || rm -rf "$sock"
}

asar_pg_env() {
    local dir=$1 port=$2 db=$3
    dir=$(cd "$dir" && pwd -P)
    export PGHOST PGPORT PGUSER PGDATABASE
    PGHOST=$(asar_pg_socket_dir "$dir")
    PGPORT=$port
    PGUSER=$ASAR_PG_SUPERUSER
    PGDATABASE=$db
}

asar_pg_createdb() {
    local db=$1 exists
    # psql variables quote the name for us (only interpolated on stdin, not -c).
    exists=$(psql -X -q -d postgres -tA -v ON_ERROR_STOP=1 -v "dbname=$db" \
        <<<"SELECT 1 FROM pg_database WHERE datname = :'dbname';")
    [[ $exists == 1 ]] && return 0
    local out
    if ! out=$(createdb -- "$db" 2>&1); then
        # A concurrent creator may have won the race; only fail if it's really absent.
        exists=$(psql -X -q -d postgres -tA -v "dbname=$db" \
            <<<"SELECT 1 FROM pg_database WHERE datname = :'dbname';" || true)
        [[ $exists == 1 ]] && return 0
        printf '%s\n' "$out" >&2
        return 1
    fi
    _asar_say "Created database $db"
}
