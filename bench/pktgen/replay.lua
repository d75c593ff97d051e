-- Replays the generated pcap (pktgen ... -s 0:FILE.pcap) at one rate and reports what the
-- sensor saw and dropped.   RATE_PCT=50 TRIAL_SECS=60 pktgen ... -f bench/pktgen/replay.lua
package.path = package.path .. ";bench/pktgen/?.lua;?.lua"
require "Pktgen"
local bt = require "btsensor_lib"

local rate = tonumber(os.getenv("RATE_PCT") or "10")
bt.use_pcap()
local r = bt.trial(rate)
printf("RESULT mode=replay rate_pct=%.2f sent=%d sensor_rx=%d dropped=%d unseen=%d\n", r.rate,
       r.sent, r.received, r.dropped, r.unseen)
if os.getenv("QUIT") == "1" then pktgen.quit() end
