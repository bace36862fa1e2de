#!/usr/bin/env bash
# Installs the Debian packages callscope needs to build and test, when they are missing.
# Needs root (or sudo) the first time; a no-op once everything is there.
#   libpcap-dev  the capture library callscope reads pcap/pcapng through
#   pkg-config   how SwiftPM finds libpcap
#   libsqlite3-dev  the SQLite library GRDB (the embedded store) links
#   tshark       the tests' independent oracle for RTP loss and jitter (rtp,streams)
#   sox espeak-ng   real speech for the voice activity tests
#   zlib1g-dev liblzma-dev libzstd-dev  gzip, xz and zstd captures and CDR files read transparently
#   tcpdump xz-utils zstd   the compressed-input tests rotate a capture (-C) and compress it
#   chromium     the browser the HTML report tests open the page in (headless screenshot and DOM)
#   python3      reads the screenshot's pixels in those tests (zlib, standard library only)
#   sip-tester kamailio iproute2   the live tests of watch: SIPp calls on the loopback, Kamailio's
#                siptrace sending HEP, ss to see their sockets bound
#   clickhouse-server clickhouse-client  the ClickHouse store's tests start their own servers (docs/clickhouse.md)
set -euo pipefail
packages=(libpcap-dev pkg-config libsqlite3-dev tshark sox espeak-ng zlib1g-dev liblzma-dev libzstd-dev tcpdump xz-utils zstd chromium python3 sip-tester kamailio iproute2 clickhouse-server clickhouse-client)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y --no-install-recommends "${missing[@]}"
