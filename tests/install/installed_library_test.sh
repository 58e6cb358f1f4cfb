#!/usr/bin/env bash
# libwgnet as installed for a C++ user: `cmake --install` into a temporary prefix, then
# examples/http_get.cpp built against that copy only -- with pkg-config on a plain g++ command
# line, and with find_package(wgnet) (wgnet::wgnet and wgnet::wgnet_static) -- and each build
# fetches the demo peer's web page through the tunnel. No root: the demo peer serves on loopback.
#   installed_library_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
build_dir=$2
demo="$build_dir/tools/wgnet-demo-peer/wgnet-demo-peer"
url=http://www.demo.wgnet/
expected='<h1>Hello from inside the tunnel</h1>'

work=$(mktemp -d)
demo_pid=
cleanup() {
  if [ -n "$demo_pid" ]; then kill "$demo_pid" 2>/dev/null || true; wait "$demo_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

step() { echo "== $*"; }

step "install into $work/prefix"
cmake --install "$build_dir" --prefix "$work/prefix" >"$work/install.log"
pc=$(find "$work/prefix" -name wgnet.pc)
[ -n "$pc" ] || { echo "no wgnet.pc installed" >&2; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
ls "$libdir"/libwgnet.a "$libdir"/libwgnet.so
soname=$(objdump -p "$libdir/libwgnet.so" | awk '/SONAME/ {print $2}')
[[ $soname =~ ^libwgnet\.so\.[0-9]+$ ]] || { echo "bad SONAME: '$soname'" >&2; exit 1; }
# The installed headers are the whole API: none of them may need a private one.
for header in "$work/prefix"/include/wgnet/*.hpp; do
  echo "#include <wgnet/$(basename "$header")>" | g++ -std=c++20 -fsyntax-only -x c++ \
    -I"$work/prefix/include" - || { echo "$header does not stand alone" >&2; exit 1; }
done

step "start the demo peer"
mkdir -p "$work/demo"
"$demo" --dir "$work/demo" --timeout 60 >"$work/demo.out" 2>"$work/demo.err" &
demo_pid=$!
for _ in $(seq 100); do
  grep -q '^ready ' "$work/demo.out" 2>/dev/null && break
  sleep 0.1
done
grep -q '^ready ' "$work/demo.out" || { echo "demo peer did not start: $(cat "$work/demo.err")" >&2; exit 1; }
config="$work/demo/client.conf"

check_get() {  # program label
  local body
  body=$(timeout 30 "$1" "$config" "$url") || { echo "$2: http_get failed" >&2; exit 1; }
  grep -qF "$expected" <<<"$body" || { echo "$2: unexpected body: $body" >&2; exit 1; }
  echo "$2: got the page"
}

step "pkg-config and g++"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046  # word splitting of the flags is the point
g++ -o "$work/http_get_pc" "$source_dir/examples/http_get.cpp" \
  $(pkg-config --cflags --libs wgnet libcurl) -Wl,-rpath,"$libdir"
# ldd's whole output first: with pipefail, grep -q quitting early would make ldd's SIGPIPE fail it.
linked=$(ldd "$work/http_get_pc")
grep -q "libwgnet.so.* => $libdir/" <<<"$linked" || { echo "not linked to the installed libwgnet.so: $linked" >&2; exit 1; }
check_get "$work/http_get_pc" pkg-config

step "find_package(wgnet)"
cmake -S "$source_dir/examples" -B "$work/examples" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release >"$work/cmake.log" || { cat "$work/cmake.log"; exit 1; }
cmake --build "$work/examples" -j2 >"$work/build.log" || { cat "$work/build.log"; exit 1; }
check_get "$work/examples/http_get" "find_package wgnet::wgnet"
check_get "$work/examples/http_get_static" "find_package wgnet::wgnet_static"
