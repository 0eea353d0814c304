#!/usr/bin/env bash
# Two meshgate builds or configs measured side by side: both gateways pinned to the same core
# (CPU 1), each loaded by its own wrk at the same time (CPU 0, with the nginx upstream), so both
# see the same machine noise and the ratio of their req/s is the ratio of their cost (about ±2%
# here, against ±15% between separate runs on a shared VM). For A/B checks of one change; the
# peer comparison is `npm run bench`.
#
# A pair of processes keeps the code V8 optimized for it, and two launches of the same build can
# differ by 2-3% (one inlines what the other does not). For changes of a few percent, measure
# over several launches (LAUNCHES=6 RUNS=2): each starts both gateways afresh, and the summary
# gives the mean and median of the launches' means.
#
# Each launch first loads both gateways for LAUNCH_WARMUP seconds (15), so that V8 has compiled
# their hot code before anything is measured: its compiler threads share the gateways' core, and
# a build or config with more code to optimize (observability on: tracing, the access log, the
# export thread's encoder) would otherwise pay for it in the first runs (1-2% of the ratio with
# 2 s of warm-up, against 15 or 20 s).
#
#   bench/side-by-side.sh A_DIR A_EXTRA B_DIR B_EXTRA
#     *_DIR    a build output with cli/main.js (dist, or `npx tsc -p tsconfig.build.json --outDir X`)
#     *_EXTRA  a YAML file of extra top-level config keys (metrics, accessLog, tracing...), or /dev/null
#   env: RUNS (3) per launch, LAUNCHES (1), LAUNCH_WARMUP (15), SECONDS_PER_RUN (5), WARMUP (2) per run, CONNS (50),
#        A_ENV / B_ENV ("K=V K2=V2" for each side)
#
# Examples:
#   LAUNCHES=8 RUNS=2 bench/side-by-side.sh dist bench/configs/obs-off.yaml dist bench/configs/obs-on.yaml   # observability's cost
#   A_ENV=MESHGATE_HTTP1_CONSUME=0 bench/side-by-side.sh dist /dev/null dist /dev/null
set -euo pipefail
[ $# -eq 4 ] || { sed -n '2,27p' "$0"; exit 2; }
A_DIR=$1 A_EXTRA=$2 B_DIR=$3 B_EXTRA=$4
RUNS=${RUNS:-3} LAUNCHES=${LAUNCHES:-1} LAUNCH_WARMUP=${LAUNCH_WARMUP:-15} SECS=${SECONDS_PER_RUN:-5} WARMUP=${WARMUP:-2} CONNS=${CONNS:-50}
for bin in nginx wrk taskset; do command -v $bin >/dev/null || [ -x /usr/sbin/$bin ] || { echo "needs $bin"; exit 1; }; done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
TMP=$(mktemp -d)
PIDS=()
# The gateways start inside $(...) subshells, so their pids come back through $TMP/gateway.pids.
cleanup() {
  local gws; gws=$(cat "$TMP/gateway.pids" 2>/dev/null || true)
  for p in "${PIDS[@]}" $gws; do kill -INT "$p" 2>/dev/null || true; done
  for _ in $(seq 50); do alive=0; for p in $gws; do kill -0 "$p" 2>/dev/null && alive=1; done; [ $alive = 0 ] && break; sleep 0.1; done
  for p in $gws; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true; rm -rf "$TMP"
}
trap cleanup EXIT

port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
UP=$(port)
cat > "$TMP/up.conf" <<EOF
worker_processes 1; daemon off; pid $TMP/up.pid; error_log $TMP/up-error.log;
events { worker_connections 8192; }
http { access_log off; client_body_temp_path $TMP/body; proxy_temp_path $TMP/proxy; fastcgi_temp_path $TMP/fastcgi;
  uwsgi_temp_path $TMP/uwsgi; scgi_temp_path $TMP/scgi;
  server { listen 127.0.0.1:$UP backlog=4096; keepalive_requests 1000000; location / { return 200 "hello world\n"; } } }
EOF
taskset -c 0 "$NGINX" -c "$TMP/up.conf" -p "$TMP" & PIDS+=($!)
# An OTLP/HTTP sink for configs that trace (${OTLP_SINK_PORT} in them); ${SIDE_BY_SIDE_TMP} and
# ${SIDE_BY_SIDE_SIDE} (a or b) name files such as access logs.
OTLP_SINK_PORT=$(port)
taskset -c 0 node -e "require('http').createServer((q,s)=>{q.resume();q.on('end',()=>s.end())}).listen($OTLP_SINK_PORT,'127.0.0.1')" & PIDS+=($!)
export OTLP_SINK_PORT SIDE_BY_SIDE_TMP=$TMP

start() { # side dir extra env -> prints the port
  local side=$1 dir=$2 extra=$3 envs=$4 p a
  p=$(port); a=$(port)
  { cat "$extra"; printf 'listen: { host: 127.0.0.1, port: %s }\nadmin: { host: 127.0.0.1, port: %s }\nworkers: 1\nlogLevel: warn\n' "$p" "$a"
    printf 'services:\n  bench: { endpoints: ["127.0.0.1:%s"] }\nroutes:\n  - { name: bench, path: /, backendService: bench }\n' "$UP"; } > "$TMP/$side.yaml"
  env NODE_ENV=production SIDE_BY_SIDE_SIDE="$side" $envs taskset -c 1 node "$dir/cli/main.js" start --config "$TMP/$side.yaml" > "$TMP/$side.log" 2>&1 &
  echo $! >> "$TMP/gateway.pids"
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$a/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  echo "$p"
}
stop_gateways() {
  local gws; gws=$(cat "$TMP/gateway.pids" 2>/dev/null || true)
  for p in $gws; do kill -INT "$p" 2>/dev/null || true; done
  for p in $gws; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done
  : > "$TMP/gateway.pids"
}
rps() { awk '/Requests\/sec/{print $2}' "$1"; }
means=""
for l in $(seq "$LAUNCHES"); do
  [ "$LAUNCHES" = 1 ] || echo "launch $l:"
  PA=$(start a "$A_DIR" "$A_EXTRA" "${A_ENV:-}")
  PB=$(start b "$B_DIR" "$B_EXTRA" "${B_ENV:-}")
  if [ "$LAUNCH_WARMUP" != 0 ]; then
    taskset -c 0 wrk -t1 -c"$CONNS" -d"${LAUNCH_WARMUP}s" "http://127.0.0.1:$PA/" >/dev/null & w=$!
    taskset -c 0 wrk -t1 -c"$CONNS" -d"${LAUNCH_WARMUP}s" "http://127.0.0.1:$PB/" >/dev/null; wait $w
  fi
  sum=0
  for i in $(seq "$RUNS"); do
    taskset -c 0 wrk -t1 -c"$CONNS" -d"${WARMUP}s" "http://127.0.0.1:$PA/" >/dev/null & w=$!
    taskset -c 0 wrk -t1 -c"$CONNS" -d"${WARMUP}s" "http://127.0.0.1:$PB/" >/dev/null; wait $w
    taskset -c 0 wrk -t1 -c"$CONNS" -d"${SECS}s" "http://127.0.0.1:$PA/" > "$TMP/a.out" & w=$!
    taskset -c 0 wrk -t1 -c"$CONNS" -d"${SECS}s" "http://127.0.0.1:$PB/" > "$TMP/b.out"; wait $w
    ra=$(rps "$TMP/a.out"); rb=$(rps "$TMP/b.out")
    r=$(node -e "console.log(($rb/$ra).toFixed(3))")
    echo "run $i: A $ra req/s, B $rb req/s, B/A $r"
    sum=$(node -e "console.log($sum+$r)")
  done
  mean=$(node -e "console.log(($sum/$RUNS).toFixed(3))")
  echo "mean B/A: $mean"
  means="$means $mean"
  [ "$LAUNCHES" = 1 ] || stop_gateways
done
if [ "$LAUNCHES" != 1 ]; then
  node -e "const v='$means'.trim().split(/\s+/).map(Number).sort((a,b)=>a-b);
    console.log('over ' + v.length + ' launches: mean B/A ' + (v.reduce((a,b)=>a+b)/v.length).toFixed(3) + ', median ' + v[v.length>>1].toFixed(3) + ', launches ' + v.join(' '))"
fi
