#!/usr/bin/env bash
# Builds callscope in release mode and installs the binary on PATH (README "Install").
#   scripts/install.sh                      installs /usr/local/bin/callscope (sudo when needed)
#   PREFIX=$HOME/.local scripts/install.sh  installs $HOME/.local/bin/callscope
# Run scripts/install-deps.sh first on a fresh machine (libpcap-dev, libsqlite3-dev, pkg-config).
# The binary needs only libpcap and libsqlite3 at run time (and the Swift runtime of the
# toolchain that built it: install on a machine with the same toolchain, or copy its
# usr/lib/swift/linux/*.so with it).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${PREFIX:-/usr/local}"
swift build -c release --product callscope
binary="$(swift build -c release --show-bin-path)/callscope"
target="$prefix/bin"
sudo=""
if ! mkdir -p "$target" 2>/dev/null || [ ! -w "$target" ]; then
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
fi
$sudo mkdir -p "$target"
$sudo install -m 0755 "$binary" "$target/callscope"
echo "installed $target/callscope ($("$target/callscope" --version))"
