#!/usr/bin/env bash
# Start PostgreSQL, MariaDB and Redis on their standard loopback ports if they are not listening.
# On this project's machines they are started before a session; this only repairs a stopped one.
set -u

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {
  for _ in $(seq 1 30); do listening "$1" && return 0; sleep 1; done
  echo "service on port $1 did not come up" >&2
  return 1
}

if ! listening 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start && wait_for 5432
fi
if ! listening 3306; then
  echo "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd && wait_for 3306
fi
if ! listening 6379; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log && wait_for 6379
fi
exit 0
