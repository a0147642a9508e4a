#!/usr/bin/env bash
# A local livepad cluster: three instances sharing one PostgreSQL database, one Redis and one token
# secret, behind nginx, which balances HTTP and WebSockets over them (README.md, "Cluster mode").
#
#   scripts/cluster.sh [start]     build the jar if missing, start the instances and nginx, wait until ready
#   scripts/cluster.sh status      each instance's /ready, and nginx's; exits 1 unless all are ready
#   scripts/cluster.sh stop        stop nginx, then the instances (SIGTERM, SIGKILL after 30 s)
#   scripts/cluster.sh nginx-conf  print the nginx configuration that start uses
#
# Settings, from the environment (any other livepad setting there reaches every instance):
#   DATABASE_URL    postgresql://$USER@127.0.0.1:5432/livepad; the database is created if missing
#   REDIS_URL       redis://127.0.0.1:6379
#   JWT_SECRET      generated once into $CLUSTER_DIR/jwt-secret
#   CLUSTER_PORT    3000: nginx's port, where clients connect
#   INSTANCE_PORTS  "3001 3002 3003": one instance per port, on 127.0.0.1, ids i1, i2, ...
#   CLUSTER_DIR     .cluster: pid files, logs, data directories, the secret, nginx's files
#   JAVA_OPTS       -Xmx256m
#   NGINX           nginx on the PATH, else /usr/sbin/nginx
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=$PWD/target/livepad.jar
DATABASE_URL=${DATABASE_URL:-postgresql://${USER:-$(id -un)}@127.0.0.1:5432/livepad}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
CLUSTER_PORT=${CLUSTER_PORT:-3000}
read -r -a PORTS <<<"${INSTANCE_PORTS:-3001 3002 3003}"
read -r -a JAVA_ARGS <<<"${JAVA_OPTS:--Xmx256m}"
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
mkdir -p "${CLUSTER_DIR:-.cluster}"
STATE=$(cd "${CLUSTER_DIR:-.cluster}" && pwd)
[ -e "$STATE/.gitignore" ] || echo '*' >"$STATE/.gitignore"
NGINX_ARGS=(-p "$STATE/nginx/" -c "$STATE/nginx/nginx.conf" -e "$STATE/nginx/error.log")

die() { echo "cluster: $*" >&2; exit 1; }

# The pid in file $1, if that process still runs and its command line contains $2 (not a reused pid).
pid_of() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(cat "$1")
  ps -p "$pid" -o args= 2>/dev/null | grep -qF -- "$2" || return 1
  echo "$pid"
}

# docs/operations.md's proxy settings, with an upstream of all instances; a new connection that cannot
# reach one instance goes to the next. Bodies and responses stay in memory (livepad's are small), so
# nginx's workers, which drop to another user when started as root, never need to write temp files here.
nginx_conf() {
  echo "pid \"$STATE/nginx/nginx.pid\";"
  echo "error_log \"$STATE/nginx/error.log\" info;"
  echo "worker_processes 1;"
  echo "events { worker_connections 1024; }"
  echo "http {"
  echo "    access_log \"$STATE/nginx/access.log\";"
  local path
  for path in client_body proxy fastcgi uwsgi scgi; do
    echo "    ${path}_temp_path \"$STATE/nginx/$path\";"
  done
  echo "    client_body_buffer_size 128k;   # more than MAX_BODY_BYTES"
  echo "    proxy_max_temp_file_size 0;"
  echo
  echo "    upstream livepad {"
  local port
  for port in "${PORTS[@]}"; do
    echo "        server 127.0.0.1:$port max_fails=1 fail_timeout=2s;"
  done
  cat <<EOF
    }

    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        ''      close;
    }

    server {
        listen $CLUSTER_PORT;
        client_header_timeout 10s;

        location / {
            proxy_pass http://livepad;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Host \$http_host;
            proxy_read_timeout 180s;      # longer than IDLE_TIMEOUT_SECONDS: clients ping
            proxy_connect_timeout 2s;     # an instance that does not answer is skipped soon
            proxy_next_upstream error timeout;
        }
    }
}
EOF
}

ensure_jar() {
  [ -f "$JAR" ] && return
  echo "building $JAR"
  mvn -q package -DskipTests
}

ensure_secret() {
  [ -n "${JWT_SECRET:-}" ] && return
  if [ ! -s "$STATE/jwt-secret" ]; then
    (umask 077 && od -An -vtx1 -N32 /dev/urandom | tr -d ' \n' >"$STATE/jwt-secret")
  fi
  JWT_SECRET=$(cat "$STATE/jwt-secret")
}

# Creates DATABASE_URL's database when PostgreSQL answers and the database is missing (best effort: plain
# postgresql://USER[:PASSWORD]@HOST[:PORT]/DB, no percent-escapes). Otherwise the instances say what is wrong.
ensure_database() {
  if ! command -v psql >/dev/null || ! command -v createdb >/dev/null; then
    return 0
  fi
  local rest=${DATABASE_URL#*://} authority userinfo='' hostport db port=5432
  authority=${rest%%/*}
  db=${rest#*/}
  db=${db%%\?*}
  hostport=$authority
  if [[ $authority == *@* ]]; then
    userinfo=${authority%@*}
    hostport=${authority##*@}
  fi
  if [[ $hostport == *:* ]]; then
    port=${hostport##*:}
  fi
  local -a conn=(-h "${hostport%%:*}" -p "$port") env=(PGCONNECT_TIMEOUT=5)
  if [ -n "${userinfo%%:*}" ]; then
    conn+=(-U "${userinfo%%:*}")
  fi
  if [[ $userinfo == *:* ]]; then
    env+=("PGPASSWORD=${userinfo#*:}")
  fi
  if ! env "${env[@]}" psql "${conn[@]}" -d "$db" -Atqc 'SELECT 1' >/dev/null 2>&1; then
    if env "${env[@]}" createdb "${conn[@]}" "$db"; then
      echo "created database $db"
    else
      echo "cluster: could not create database $db; the instances will tell why they cannot use it" >&2
    fi
  fi
}

start_instance() { # ID PORT
  if pid_of "$STATE/$1.pid" "$JAR" >/dev/null; then
    echo "$1 already running"
    return
  fi
  mkdir -p "$STATE/$1"
  echo "--- scripts/cluster.sh starts $1, $(date)" >>"$STATE/$1.log"
  INSTANCE_ID=$1 PORT=$2 HOST=127.0.0.1 DATA_DIR="$STATE/$1" TRUSTED_PROXIES=127.0.0.1 \
    DATABASE_URL=$DATABASE_URL REDIS_URL=$REDIS_URL JWT_SECRET=$JWT_SECRET \
    nohup java "${JAVA_ARGS[@]}" -jar "$JAR" >>"$STATE/$1.log" 2>&1 </dev/null &
  echo $! >"$STATE/$1.pid"
}

await_ready() { # ID PORT
  local _
  for _ in $(seq 120); do
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$2/ready" 2>/dev/null && return 0
    if ! pid_of "$STATE/$1.pid" "$JAR" >/dev/null; then
      echo "cluster: $1 exited; the end of $STATE/$1.log:" >&2
      tail -n 20 "$STATE/$1.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "cluster: $1 is not ready after 60 s; see $STATE/$1.log" >&2
  return 1
}

start_nginx() {
  if pid_of "$STATE/nginx/nginx.pid" "$STATE/nginx/" >/dev/null; then
    echo "nginx already running"
    return
  fi
  [ -x "$NGINX" ] || die "no nginx at $NGINX (apt-get install nginx, or set NGINX)"
  mkdir -p "$STATE/nginx"
  nginx_conf >"$STATE/nginx/nginx.conf"
  "$NGINX" -q -t "${NGINX_ARGS[@]}" || die "bad nginx configuration: $STATE/nginx/nginx.conf"
  "$NGINX" "${NGINX_ARGS[@]}"
}

start() {
  command -v java >/dev/null || die "no java on the PATH"
  command -v curl >/dev/null || die "no curl on the PATH"
  ensure_jar
  ensure_secret
  ensure_database
  local i
  for i in "${!PORTS[@]}"; do
    start_instance "i$((i + 1))" "${PORTS[i]}"
  done
  for i in "${!PORTS[@]}"; do
    await_ready "i$((i + 1))" "${PORTS[i]}" || die "not started; scripts/cluster.sh stop cleans up"
  done
  start_nginx
  echo "livepad cluster on http://localhost:$CLUSTER_PORT (instances on ${PORTS[*]}); logs in $STATE"
}

stop() {
  local pid i name
  local -a stopping=()
  if pid=$(pid_of "$STATE/nginx/nginx.pid" "$STATE/nginx/"); then
    kill -TERM "$pid" && stopping+=("nginx:$pid")
  fi
  for i in "${!PORTS[@]}"; do
    name=i$((i + 1))
    if pid=$(pid_of "$STATE/$name.pid" "$JAR"); then
      kill -TERM "$pid" && stopping+=("$name:$pid")
    fi
    rm -f "$STATE/$name.pid"
  done
  for name in "${stopping[@]}"; do
    pid=${name#*:}
    for _ in $(seq 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid"
      echo "${name%%:*}: killed after 30 s"
    else
      echo "${name%%:*}: stopped"
    fi
  done
  [ ${#stopping[@]} -gt 0 ] || echo "nothing running"
}

status() {
  local i name pid code all=0
  for i in "${!PORTS[@]}"; do
    name=i$((i + 1))
    pid=$(pid_of "$STATE/$name.pid" "$JAR") || pid=''
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:${PORTS[i]}/ready") || true
    report "$name" "http://127.0.0.1:${PORTS[i]}" "$pid" "$code" || all=1
  done
  pid=$(pid_of "$STATE/nginx/nginx.pid" "$STATE/nginx/") || pid=''
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$CLUSTER_PORT/ready") || true
  report nginx "http://localhost:$CLUSTER_PORT" "$pid" "$code" || all=1
  return $all
}

report() { # NAME URL PID HTTP_CODE
  local state
  if [ -z "$3" ]; then
    state="not running"
  elif [ "$4" = 200 ]; then
    state="ready"
  elif [ "${4:-000}" = 000 ]; then
    state="not ready (no answer)"
  else
    state="not ready (/ready: $4)"
  fi
  printf '%-6s %-24s %-10s %s\n' "$1" "$2" "${3:+pid $3}" "$state"
  [ "$state" = ready ]
}

case ${1:-start} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  nginx-conf) nginx_conf ;;
  *) die "usage: scripts/cluster.sh [start|stop|status|nginx-conf]" ;;
esac
