-- wrk script for the crossorigin load test. load/run.py prepends the generated case
-- table (CASES, PREFLIGHT_GRANTS) from load/cases.py; this part sends the cases round
-- robin and checks every response against the expected answer.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  requests_ = {}
  for i, case in ipairs(CASES) do
    local headers = {}
    for name, value in pairs(case.headers) do headers[name] = value end
    if not case.preflight then headers["X-Load-Case"] = tostring(i) end
    requests_[i] = wrk.format(case.method, case.path, headers)
  end
  counter = 0
  checked = 0
  wrong = 0
  bad_status = 0
  example = ""
end

function request()
  counter = counter % #requests_ + 1
  return requests_[counter]
end

local function fail(why)
  wrong = wrong + 1
  if example == "" then example = why end
end

local function has_vary_origin(h)
  local vary = h["vary"]
  if vary == nil then return false end
  for part in string.gmatch(string.lower(vary), "[^,%s]+") do
    if part == "origin" then return true end
  end
  return false
end

function response(status, headers, body)
  checked = checked + 1
  if status ~= 200 then
    bad_status = bad_status + 1
    fail("status " .. status)
    return
  end
  local h = {}
  for name, value in pairs(headers) do h[string.lower(name)] = value end
  local id = tonumber(h["x-load-case"])
  if id ~= nil then
    local case = CASES[id]
    if case == nil or case.preflight then fail("unknown case " .. tostring(id)) return end
    for name, value in pairs(case.expected) do
      if value == false then
        if h[name] ~= nil then fail(case.name .. ": unexpected " .. name .. ": " .. h[name]) return end
      elseif h[name] ~= value then
        fail(case.name .. ": " .. name .. " = " .. tostring(h[name]) .. ", expected " .. value) return
      end
    end
    if case.enabled ~= has_vary_origin(h) then fail(case.name .. ": Vary = " .. tostring(h["vary"])) end
    return
  end
  -- A preflight (answered by the middleware, so no case echo): a granted origin must be
  -- one the preflight cases may grant, with the full preflight answer; a refusal carries
  -- no Access-Control-* header at all. Either way Vary names origin.
  if not has_vary_origin(h) then fail("preflight without Vary: origin") return end
  local granted = h["access-control-allow-origin"]
  if granted ~= nil then
    if not PREFLIGHT_GRANTS[granted] then fail("preflight granted " .. granted) return end
    if h["access-control-allow-credentials"] ~= "true" then fail("preflight grant without credentials") return end
    if h["access-control-allow-methods"] ~= ALLOW_METHODS then
      fail("preflight methods " .. tostring(h["access-control-allow-methods"]))
    end
  else
    for name, _ in pairs(h) do
      if string.sub(name, 1, 15) == "access-control-" then fail("refused preflight has " .. name) return end
    end
  end
end

function done(summary, latency, requests)
  local total_checked, total_wrong, total_status = 0, 0, 0
  local first = ""
  for _, thread in ipairs(threads) do
    total_checked = total_checked + thread:get("checked")
    total_wrong = total_wrong + thread:get("wrong")
    total_status = total_status + thread:get("bad_status")
    local e = thread:get("example")
    if first == "" and e ~= nil then first = e end
  end
  first = string.gsub(first, '[%c"\\]', "?")
  local errors = summary.errors
  io.write(string.format(
    'LOAD-RESULT {"requests": %d, "duration_us": %d, "checked": %d, "wrong": %d, "bad_status": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"latency_p50_us": %d, "latency_p99_us": %d, "latency_max_us": %d, "first_wrong": "%s"}\n',
    summary.requests, summary.duration, total_checked, total_wrong, total_status,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, first))
end
