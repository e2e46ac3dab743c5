#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the console and its tests need, only those missing.
# Qt runtime libraries, a CJK font for Chinese glyphs, Xvfb for a real window, socat for pty
# pairs, espeak-ng/sox/aplay for voice paging, gpsd's gpsfake and Direwolf as real radio peers,
# Chromium to open exported day maps headless.
set -euo pipefail
PACKAGES=(python3-venv libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
          libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
          libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1
          fonts-wqy-microhei xvfb socat espeak-ng sox alsa-utils gpsd gpsd-clients direwolf openssl
          chromium)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
    echo "Not a Debian/Ubuntu system: please install the equivalents of: ${missing[*]}" >&2
    exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing system packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
