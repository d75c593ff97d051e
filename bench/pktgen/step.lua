-- Steps the replay rate up (STEPS_PCT, default 10 20 … 100 % of line rate) and prints one
-- line per step: where drops begin, before the binary search narrows it.
package.path = package.path .. ";bench/pktgen/?.lua;?.lua"
require "Pktgen"
local bt = require "btsensor_lib"

local steps = {}
for v in (os.getenv("STEPS_PCT") or "10 20 30 40 50 60 70 80 90 100"):gmatch("[%d%.]+") do
  steps[#steps + 1] = tonumber(v)
end
bt.use_pcap()
printf("rate_pct,sent,sensor_rx,dropped,unseen,ok\n")
for _, rate in ipairs(steps) do
  local r = bt.trial(rate)
  printf("STEP %.2f,%d,%d,%d,%d,%s\n", r.rate, r.sent, r.received, r.dropped, r.unseen,
         tostring(r.ok))
end
if os.getenv("QUIT") == "1" then pktgen.quit() end
