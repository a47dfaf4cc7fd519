-- wrk script: each request takes the next line of $WRK_PATHS (a file of request paths,
-- shuffled by the caller), so a run touches many rows rather than one cached one.
-- A line "POST <path> <json>" sends that body with $WRK_TOKEN as a bearer token.
-- At the end it prints one machine-readable line with the figures deploy/bench records.

local paths = {}
local next_index = 1

function init(args)
    local file = assert(io.open(os.getenv("WRK_PATHS"), "r"))
    for line in file:lines() do
        if line ~= "" then paths[#paths + 1] = line end
    end
    file:close()
    -- Threads start at different offsets so they do not walk the same rows in step.
    next_index = (thread_number or 0) * 7919 % #paths + 1
end

local threads_made = 0

function setup(thread)
    threads_made = threads_made + 1
    thread:set("thread_number", threads_made)
end

local token = os.getenv("WRK_TOKEN") or ""

function request()
    local line = paths[next_index]
    next_index = next_index % #paths + 1
    local method, path, body = line:match("^(POST) (%S+) (.*)$")
    if method then
        return wrk.format("POST", path, {
            ["Content-Type"] = "application/json",
            ["Authorization"] = "Bearer " .. token,
        }, body)
    end
    return wrk.format("GET", line)
end

function done(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local errors = summary.errors
    io.write(string.format(
        "RESULT requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
        "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d non_2xx=%d\n",
        summary.requests, seconds, summary.requests / seconds,
        latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000,
        errors.connect, errors.read, errors.write, errors.timeout, errors.status))
end
