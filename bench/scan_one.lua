-- wrk script for bench_testing.py: single scans (POST /api/v1/testing/rounds/{id}/scans).
--
-- Every request is a new scan: a new scan id, a person not yet sampled in the round (by personal
-- code payload, at their compound's sampling point), into 10-person tubes that `desks` desks per
-- wrk thread fill side by side (request k of a thread goes into tube (k // (10 * desks)) * desks
-- + k % desks, so requests in flight at the same time rarely wait on the same tube row).
--
--   wrk -t2 -c16 -d20s --latency -s bench/scan_one.lua URL -- PEOPLE_FILE TAG THREADS DESKS TOKEN
-- PEOPLE_FILE: one "payload<TAB>point id" per line; thread t takes lines t, t + THREADS, ...

local threads = 0

function setup(thread)
  thread:set("thread_no", threads)
  threads = threads + 1
end

function init(args)
  people = {}
  local path, nthreads = args[1], tonumber(args[3])
  tag = args[2]
  desks = tonumber(args[4])
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == thread_no then
      local payload, point = line:match("^([^\t]+)\t(%d+)")
      people[#people + 1] = {payload, point}
    end
    i = i + 1
  end
  sent = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. args[5]
end

function request()
  local k = sent
  sent = sent + 1
  -- Past the end of the list people come round again (and are refused as already sampled):
  -- the benchmark counts what was stored in the database, not what was sent.
  local person = people[(k % #people) + 1]
  local tube = string.format("W%s-%d-%d", tag, thread_no, math.floor(k / (10 * desks)) * desks + k % desks)
  local client_id = string.format("%s-0000-4000-8%03d-%012d", tag, thread_no, k)
  local body = string.format('{"client_id":"%s","tube_code":"%s","person_code":"%s","point_id":%s,"desk":1}',
                             client_id, tube, person[1], person[2])
  return wrk.format(nil, nil, nil, body)
end
