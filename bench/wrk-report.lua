-- wrk `done` hook for scripts/bench.mjs: prints one machine-readable line after the run,
--   BENCH_RESULT {"requests":..,"duration_us":..,"errors":{..},"latency_us":{"p50":..,"p99.9":..}}
-- so the driver gets p99.9 (which `--latency` does not print) and the error counts without
-- scraping the human-readable report. Latencies are in microseconds. wrk runs LuaJIT, whose
-- string.format wants %.0f rather than %d for numbers that may not be integers.
done = function(summary, latency, requests)
  local e = summary.errors
  local p = function(q) return latency:percentile(q) end
  io.write(string.format(
    'BENCH_RESULT {"requests":%.0f,"duration_us":%.0f,"bytes":%.0f,' ..
    '"errors":{"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f},' ..
    '"latency_us":{"min":%.0f,"mean":%.2f,"stdev":%.2f,"max":%.0f,' ..
    '"p50":%.0f,"p75":%.0f,"p90":%.0f,"p99":%.0f,"p99.9":%.0f,"p99.99":%.0f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.stdev, latency.max,
    p(50), p(75), p(90), p(99), p(99.9), p(99.99)))
end
