-- Shared by the Pktgen-DPDK scripts in bench/pktgen: settings from the environment, the
-- sensor's drop counters from its Prometheus /metrics, one timed trial at a given rate.
--
-- Runs inside Pktgen's Lua (the `pktgen` table) on the traffic box; the sensor is another
-- machine. /metrics is fetched with curl through io.popen: Pktgen's Lua has no HTTP client.
local M = {}

local function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then return default end
  return v
end

-- Settings (environment variables, so one script serves every run):
M.port = env("PKTGEN_PORT", "0")                     -- Pktgen port that replays the pcap
M.metrics_url = env("SENSOR_METRICS", "http://192.0.2.10:9100/metrics")
M.trial_secs = tonumber(env("TRIAL_SECS", "30"))     -- RFC 2544: 60 s; 30 s is enough to see rings fill
M.settle_ms = tonumber(env("SETTLE_MS", "2000"))     -- after stop: let the sensor drain its rings
M.resolution = tonumber(env("RESOLUTION_PCT", "0.5")) -- binary search stops at this width
M.loss_tolerance = tonumber(env("LOSS_TOLERANCE", "0")) -- dropped packets allowed per trial

-- The families that mean "the sensor lost packets" (btsensor metrics-catalogue):
--   NIC ran out of descriptors (rx_missed), of mbufs (rx_nombuf), a worker ring was full.
M.drop_families = {
  "btsensor_port_rx_missed_packets_total",
  "btsensor_port_rx_nombuf_total",
  "btsensor_ring_dropped_packets_total",
}
M.rx_family = "btsensor_port_rx_packets_total"

-- Sum of every series of each family we care about; nil when the sensor did not answer.
function M.scrape()
  local cmd = string.format("curl -s --max-time 3 '%s'", M.metrics_url)
  local pipe = io.popen(cmd)
  if pipe == nil then return nil end
  local body = pipe:read("*a")
  pipe:close()
  if body == nil or body == "" then return nil end
  local sums = {}
  for line in body:gmatch("[^\n]+") do
    if line:sub(1, 1) ~= "#" then
      -- "family{labels} value" or "family value"
      local family, value = line:match("^([%w_:]+)[^%s]*%s+([%d%.eE%+%-]+)")
      if family ~= nil then
        sums[family] = (sums[family] or 0) + (tonumber(value) or 0)
      end
    end
  end
  return sums
end

function M.drops(s)
  local total = 0
  for _, f in ipairs(M.drop_families) do total = total + (s[f] or 0) end
  return total
end

-- Packets Pktgen has sent on the port since start (or since the last clear).
local function opackets()
  local st = pktgen.portStats(M.port, "port")
  local p = st[tonumber(M.port)] or st[M.port]
  return p and p.opackets or 0
end

-- One trial: replay the pcap at `rate` percent of line rate for trial_secs, then compare the
-- sensor's counters before and after. Returns a table {rate, sent, received, dropped, ok}.
function M.trial(rate)
  local before = M.scrape()
  if before == nil then error("no answer from " .. M.metrics_url) end
  pktgen.set(M.port, "rate", rate)
  pktgen.clr()
  pktgen.delay(500)
  pktgen.start(M.port)
  pktgen.delay(M.trial_secs * 1000)
  pktgen.stop(M.port)
  pktgen.delay(M.settle_ms)
  local sent = opackets()
  local after = M.scrape()
  if after == nil then error("no answer from " .. M.metrics_url) end
  local dropped = M.drops(after) - M.drops(before)
  local received = (after[M.rx_family] or 0) - (before[M.rx_family] or 0)
  -- Packets the NIC never counted at all also count as lost (cable, switch, port down).
  local unseen = math.max(0, sent - received - dropped)
  local r = {
    rate = rate, sent = sent, received = received, dropped = dropped, unseen = unseen,
    ok = dropped + unseen <= M.loss_tolerance,
  }
  printf("trial rate=%.2f%% sent=%d sensor_rx=%d sensor_dropped=%d unseen=%d %s\n", rate, sent,
         received, dropped, unseen, r.ok and "OK" or "LOSS")
  return r
end

-- Replay mode for the port: packets come from the pcap given with -s PORT:FILE.
function M.use_pcap()
  pktgen.stop(M.port)
  pktgen.pcap(M.port, "on")
  pktgen.set(M.port, "count", 0) -- forever (the pcap loops)
end

return M
