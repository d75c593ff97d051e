#!/usr/bin/env bash
# Builds the Debian package btsensor_<version>_<arch>.deb from this tree: `meson install`
# into a staging directory, then `dpkg-deb --build` with a control file whose Depends are
# computed by dpkg-shlibdeps from the binary (libhyperscan5, libtbb12, librte-*23,
# libprometheus-cpp-pull1.0, libyaml-cpp0.7, libpcap0.8, libsystemd0 …) plus the DPDK
# runtime the unit needs (dpdk: dpdk.service, the ring mempool driver).
#
#   deploy/debian/build-deb.sh [BUILD_DIR [OUT_DIR]]
#
# BUILD_DIR must be configured with --prefix=/usr (the installed binary looks for its
# pipeline under /usr/share/btsensor); without one, build-deb/ is set up as a release build
# without tests. OUT_DIR (default BUILD_DIR) receives the .deb; its path is printed last.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build-deb}
OUT=${2:-$BUILD}

if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" --prefix=/usr --buildtype=release -Dtests=false >/dev/null
fi
option() {
  meson introspect "$BUILD" --buildoptions |
    python3 -c 'import json, sys; print(next(str(o["value"]) for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))' "$1"
}
prefix=$(option prefix)
if [ "$prefix" != /usr ]; then
  echo "build-deb: $BUILD is configured with prefix $prefix; a package needs /usr" \
       "(meson configure $BUILD --prefix=/usr)" >&2
  exit 2
fi
if [ "$(option b_sanitize)" != none ]; then
  echo "build-deb: $BUILD is a sanitizer build; package a normal one" >&2
  exit 2
fi
ninja -C "$BUILD" >/dev/null

version=$(meson introspect "$BUILD" --projectinfo |
          python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
arch=$(dpkg --print-architecture)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
meson install -C "$BUILD" --destdir "$root" --no-rebuild >/dev/null
# Only what the package ships (a build with tests may install nothing else today; be sure).
rm -rf "$root/usr/include" "$root/usr/lib"/*/pkgconfig 2>/dev/null || true
strip --strip-unneeded "$root/usr/bin/btsensor"

# Runtime libraries, from the binary's NEEDED entries (dpkg-shlibdeps wants a debian/control).
mkdir -p "$work/src/debian"
printf 'Source: btsensor\n\nPackage: btsensor\nArchitecture: any\n' >"$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O -e "$root/usr/bin/btsensor" 2>/dev/null |
         sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

mkdir -p "$root/DEBIAN"
# /etc files are conffiles: an upgrade keeps the operator's edits (dpkg asks on conflicts).
(cd "$root" && find etc -type f | sort | sed 's|^|/|') >"$root/DEBIAN/conffiles"
cat >"$root/DEBIAN/control" <<CONTROL
Package: btsensor
Version: $version
Architecture: $arch
Maintainer: btsensor developers <dev@btsensor.invalid>
Section: net
Priority: optional
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $shlibs, dpdk, librte-mempool-ring23
Recommends: logrotate, librte-net-ixgbe23, librte-net-i40e23, librte-net-ice23, librte-net-mlx5-23, librte-net-pcap23
Description: passive sensor telling which internal hosts use BitTorrent
 btsensor watches a 10/40G link through DPDK, recognises BitTorrent by its
 protocols (peer wire, uTP, DHT, HTTP and UDP trackers, LSD, obfuscated
 connections judged with host context), labels internal hosts that talk to
 trackers, raises one alert per labelled host seen in peer traffic, and writes
 EVE-style JSON lines with Prometheus metrics. "btsensor replay" runs the same
 engine over capture files.
 .
 The service (btsensor.service) needs hugepages and a NIC bound to vfio-pci
 through dpdk.service; see /usr/share/doc/btsensor/deploy.md.
CONTROL
cat >"$root/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
# Not enabled or started here: hugepages and the NIC binding come first (deploy.md).
if [ "$1" = configure ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
fi
exit 0
SCRIPT
cat >"$root/DEBIAN/prerm" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl stop btsensor.service >/dev/null 2>&1 || true
  systemctl disable btsensor.service >/dev/null 2>&1 || true
fi
exit 0
SCRIPT
cat >"$root/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
fi
# purge: the state file, fetched feeds and the EVE logs go too.
if [ "$1" = purge ]; then
  rm -rf /var/lib/btsensor /var/log/btsensor
fi
exit 0
SCRIPT
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"

mkdir -p "$OUT"
deb="$OUT/btsensor_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
