-- wrk script: replays pre-signed Twilio webhook posts from a file (signature<TAB>form body per line).
-- wrk -t T -c C -d D -s bench/wrk_post.lua URL -- FILE OFFSET COUNT THREADS HOST
-- Thread k takes lines OFFSET+k, OFFSET+k+THREADS, ... below OFFSET+COUNT; it starts over (and
-- counts a wrap: the service then sees retried MessageSids) only when its share runs out.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local file, offset, count, nthreads, host = args[1], tonumber(args[2]), tonumber(args[3]), tonumber(args[4]), args[5]
  reqs = {}
  local i = 0
  for line in io.lines(file) do
    if i >= offset + count then break end
    if i >= offset and (i - offset) % nthreads == id then
      local tab = string.find(line, "\t", 1, true)
      local headers = {
        ["Host"] = host,
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["X-Twilio-Signature"] = string.sub(line, 1, tab - 1),
        ["User-Agent"] = "TwilioProxy/1.1",
      }
      reqs[#reqs + 1] = wrk.format("POST", "/sms/twilio", headers, string.sub(line, tab + 1))
    end
    i = i + 1
  end
  n = 0
  sent = 0
  wraps = 0
end

function request()
  n = n + 1
  if n > #reqs then
    n = 1
    wraps = wraps + 1
  end
  sent = sent + 1
  return reqs[n]
end

function done(summary, latency, requests)
  local total_sent, total_wraps = 0, 0
  for _, thread in ipairs(threads) do
    total_sent = total_sent + (thread:get("sent") or 0)
    total_wraps = total_wraps + (thread:get("wraps") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"mean_us": %.1f, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, ' ..
    '"timeouts": %d, "sent": %d, "wraps": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout, total_sent, total_wraps))
end
