#!/usr/bin/env bash
# Installs everything btsensor needs to build, test and run on Debian 12 (bookworm).
# Idempotent; needs root (uses sudo when not root).
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PKGS=(
  build-essential meson ninja-build pkg-config python3
  libdpdk-dev dpdk                      # dataplane (btsensor run), net_pcap/net_null PMDs
  dpdk-dev                              # dpdk-testpmd (benchmark ceiling; not in `dpdk`)
  libhyperscan-dev                      # DPI
  libtbb-dev                            # parallel replay
  prometheus-cpp-dev                    # /metrics
  libyaml-cpp-dev                       # config
  libpcap-dev                           # replay
  libsystemd-dev                        # sd_notify for the systemd unit (optional at build time)
  dpkg-dev                              # dpkg-shlibdeps: Depends of the .deb (deploy/debian)
  tzdata                                # exclusion windows: IANA time zones (TZif files)
  libgtest-dev libgmock-dev             # unit tests
  libbenchmark-dev                      # micro-benchmarks (bench_micro)
  libndpi-bin                           # bench/compare.sh: ndpiReader, the comparison baseline
  gnuplot-nox                           # bench/compare.sh: sweep plots (PNG)
  lua5.4                                # luac -p on bench/pktgen/*.lua (Pktgen scripts)
  time                                  # bench/compare.sh: /usr/bin/time for CPU seconds
  clang libclang-rt-14-dev              # fuzzing (libFuzzer)
  clang-format                          # style check in CI
  prometheus                            # tests: real scrape of /metrics; promtool for rules
  rsyslog                               # tests: real syslog receiver (UDP, TCP, unix socket)
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
