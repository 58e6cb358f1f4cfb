#!/usr/bin/env bash
# Fetches lwIP 2.1.3 from Debian's source package into deps/lwip, without touching the system's
# apt configuration (a private sources list and state directory under deps/apt). lwIP is built
# from source with our own lwipopts.h: Debian's prebuilt liblwip is the GNU Hurd's configuration.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dest="$top/deps/lwip"
if [ -f "$dest/src/Filelists.cmake" ]; then exit 0; fi

work="$top/deps/apt"
mkdir -p "$work/sources.list.d" "$work/lists/partial" "$work/download"
cat > "$work/sources.list.d/debian-src.sources" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
apt_opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$work/sources.list.d"
  -o "Dir::State::Lists=$work/lists" -o Debug::NoLocking=1)
echo "setup: fetching lwIP source package"
apt-get "${apt_opts[@]}" update -qq
(cd "$work/download" && apt-get "${apt_opts[@]}" source --download-only -qq lwip)
orig=$(ls "$work/download"/lwip_*.orig.tar.* | head -n 1)
rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
tar -xf "$orig" -C "$dest.tmp" --strip-components=1
mv "$dest.tmp" "$dest"
echo "setup: lwIP source in $dest"
