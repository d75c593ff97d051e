#!/usr/bin/env bash
# Suite `package`: builds the .deb from this build directory (deploy/debian/build-deb.sh),
# checks what it ships, and — as root — installs it with dpkg, runs the installed binary
# (--version, check-config of every shipped config with the installed pipeline, ctl
# --help), verifies the systemd unit, and purges it again.
#
# Not root (a developer's machine), or BTSENSOR_PACKAGE_NO_INSTALL=1: the same checks on the
# package unpacked with `dpkg-deb -x` into a temporary directory (the binary finds the
# pipeline next to itself), no dpkg -i. Skipped (exit 77) for sanitizer builds and builds not configured with
# --prefix=/usr (tests/run.sh configures /usr), except under CI=true, where a /usr-less
# build fails: CI must package.
#   tests/package/package_test.sh SOURCE_DIR BUILD_DIR B_SANITIZE
set -uo pipefail
src=$1 build=$2 sanitize=$3
passed=0 failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

if [ "$sanitize" != none ]; then
  echo "SKIP: sanitizer build ($sanitize): the package is built from the normal build"
  exit 77
fi
prefix=$(meson introspect "$build" --buildoptions |
         python3 -c 'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
if [ "$prefix" != /usr ]; then
  msg="build configured with prefix $prefix; packaging needs --prefix=/usr (tests/run.sh sets it; or: meson configure $build --prefix=/usr)"
  if [ "${CI:-}" = true ]; then echo "FAIL: $msg"; exit 1; fi
  echo "SKIP: $msg"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
deb=$("$src/deploy/debian/build-deb.sh" "$build" "$work" | tail -1)
check "build-deb.sh made $deb" test -f "$deb"
[ -f "$deb" ] || finish
version=$(meson introspect "$build" --projectinfo | python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')

contents=$(dpkg-deb --contents "$deb" | awk '{print $6}')
for path in ./usr/bin/btsensor ./usr/share/btsensor/pipelines/bittorrent/signatures.yaml \
            ./usr/share/btsensor/pipelines/bittorrent/models.yaml ./etc/btsensor/btsensor.yaml \
            ./etc/btsensor/btsensor-10g.yaml ./etc/btsensor/btsensor-40g.yaml \
            ./lib/systemd/system/btsensor.service ./etc/logrotate.d/btsensor \
            ./etc/default/btsensor ./usr/share/doc/btsensor/deploy.md; do
  check "ships $path" grep -qx -- "$path" <<<"$contents"
done
fields=$(dpkg-deb --field "$deb" Depends Version)
for dep in libhyperscan5 libtbb12 libyaml-cpp0.7 libpcap0.8 librte-eal23 libprometheus-cpp-pull1.0 dpdk; do
  check "Depends names $dep" grep -q -- "$dep" <<<"$fields"
done
check "Version is $version" grep -q "Version: $version" <<<"$fields"
check "conffiles list /etc/btsensor/btsensor.yaml" \
  bash -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xO ./conffiles | grep -qx /etc/btsensor/btsensor.yaml"

install=false
[ "$(id -u)" -eq 0 ] && [ "${BTSENSOR_PACKAGE_NO_INSTALL:-}" != 1 ] && install=true
if $install; then
  if dpkg-query -W -f='${Status}' btsensor 2>/dev/null | grep -q "ok installed"; then
    echo "SKIP install: a btsensor package is already installed on this machine; not touching it"
    finish
  fi
  # CI runs as root on a throwaway machine: the real thing.
  check "dpkg -i" dpkg -i "$deb"
  bin=/usr/bin/btsensor etc=/etc/btsensor unit=/lib/systemd/system/btsensor.service
  cleanup_pkg() { dpkg --purge btsensor >/dev/null 2>&1 || true; }
  trap 'cleanup_pkg; rm -rf "$work"' EXIT
else
  # Unpacked, not installed: the configs name /usr/share/btsensor; point them at the copy.
  root="$work/root"
  dpkg-deb -x "$deb" "$root"
  bin=$root/usr/bin/btsensor etc=$root/etc/btsensor unit=$root/lib/systemd/system/btsensor.service
  sed -i "s|/usr/share/btsensor/|$root/usr/share/btsensor/|g" "$etc"/*.yaml
  echo "note: checking the unpacked package (not root, or BTSENSOR_PACKAGE_NO_INSTALL=1)"
fi

check "btsensor --version says $version" bash -c "'$bin' --version | grep -qx 'btsensor $version'"
for cfg in "$etc"/btsensor.yaml "$etc"/btsensor-10g.yaml "$etc"/btsensor-40g.yaml; do
  check "check-config $(basename "$cfg") with the installed pipeline" \
    env -u BTSENSOR_PIPELINE "$bin" check-config "$cfg"
done
# An empty capture written here (captures are not kept in the repository): the 24-byte
# classic pcap header, little-endian, v2.4, snaplen 65535, LINKTYPE_ETHERNET.
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' \
  >"$work/empty.pcap"
check "replay runs with the installed pipeline" \
  bash -c "cd / && env -u BTSENSOR_PIPELINE '$bin' replay -q --eve /dev/null '$work/empty.pcap'"
# The default pipeline is the installed one, not the source tree's this binary was built
# from: spoil the installed copy and check-config must name it.
hunting="$(dirname "$bin")/../share/btsensor/pipelines/bittorrent/hunting.yaml"
hunting=$(realpath "$hunting")
cp "$hunting" "$work/hunting.yaml.orig"
printf 'bogus_key: 1\n' >>"$hunting"
spoiled=$(cd / && env -u BTSENSOR_PIPELINE "$bin" check-config "$etc/btsensor.yaml" 2>&1)
check "the installed pipeline is the default one ($hunting)" grep -q "^$hunting:" <<<"$spoiled"
cp "$work/hunting.yaml.orig" "$hunting"
check "ctl --help" bash -c "'$bin' ctl --help | grep -q 'exclusion add'"
if command -v systemd-analyze >/dev/null && $install; then
  check "systemd-analyze verify btsensor.service" \
    bash -c "systemd-analyze verify '$unit' 2>&1 | grep -v 'dpdk.service' | grep -q . && exit 1 || exit 0"
fi
if $install; then
  check "dpkg --purge" dpkg --purge btsensor
  check "binary removed" test ! -e /usr/bin/btsensor
  check "configs removed on purge" test ! -e /etc/btsensor/btsensor.yaml
fi
finish
