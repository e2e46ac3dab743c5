#!/usr/bin/env bash
# Installs Jingbao Console from this wheelhouse folder on a PC without internet (police networks
# have none): a virtual environment at TARGET (default ~/.local/share/jingbao/venv), pip told
# never to look at an index, and a desktop entry for the window.
#   usage: ./install.sh [TARGET]        (PYTHON=python3.11 ./install.sh to pick the interpreter)
# The wheels fit the Python version and platform of the machine that built them (see
# wheelhouse.txt beside this script).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
target="${1:-$data/jingbao/venv}"
python="${PYTHON:-python3}"

"$python" -m venv "$target"
PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 "$target/bin/python" -m pip install --quiet \
    --no-index --find-links "$here" --disable-pip-version-check jingbao-console

# the menu entry and its icon, with the command's full path (the venv is not on PATH)
resources="$("$target/bin/python" -c 'import resources, os; print(os.path.dirname(resources.__file__))')"
mkdir -p "$data/applications" "$data/icons/hicolor/scalable/apps"
sed "s|^Exec=jingbao|Exec=$target/bin/jingbao|" "$resources/jingbao.desktop" \
    > "$data/applications/jingbao.desktop"
cp "$resources/icons/jingbao.svg" "$data/icons/hicolor/scalable/apps/jingbao.svg"
echo "installed: $target/bin/jingbao ($("$target/bin/jingbao" --version))"
