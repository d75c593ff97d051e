-- No-drop rate, RFC 2544 §26.1 style: binary search on the offered rate (percent of line
-- rate) between a passing and a failing trial until they are RESOLUTION_PCT apart. A trial
-- passes when the sensor's drop counters (NIC missed, no mbuf, worker ring full) and the
-- packets it never received add up to at most LOSS_TOLERANCE.
--   SENSOR_METRICS=http://SENSOR:9100/metrics pktgen ... -s 0:FILE.pcap -f bench/pktgen/ndr.lua
package.path = package.path .. ";bench/pktgen/?.lua;?.lua"
require "Pktgen"
local bt = require "btsensor_lib"

local lo = tonumber(os.getenv("LOW_PCT") or "0")    -- known (assumed) to pass
local hi = tonumber(os.getenv("HIGH_PCT") or "100") -- tried first: line rate may just pass
bt.use_pcap()

local best = nil
local first = bt.trial(hi)
if first.ok then
  best = first
else
  while hi - lo > bt.resolution do
    local mid = (lo + hi) / 2
    local r = bt.trial(mid)
    if r.ok then
      lo, best = mid, r
    else
      hi = mid
    end
  end
end
if best ~= nil then
  printf("RESULT mode=ndr no_drop_rate_pct=%.2f sent=%d sensor_rx=%d trial_secs=%d\n", best.rate,
         best.sent, best.received, bt.trial_secs)
else
  printf("RESULT mode=ndr no_drop_rate_pct=<%.2f (no passing trial)\n", hi)
end
if os.getenv("QUIT") == "1" then pktgen.quit() end
