#!/bin/sh
# Expected counts for tests/test_radio_replay.py taken from a peer, not from our decoder.
#
# Which sentences count at all is gpsd's packet lexer's word: `gpsdecode -v` echoes every
# textual packet the lexer accepts (well formed, CR LF ended, checksum right where there is
# one). Each accepted sentence is then sorted by its own fields, as NMEA 0183 defines them:
#   RMC status (field 2) A, GLL status (field 6) A, GGA quality (field 6) > 0, GNS mode
#   (field 6) not starting with N          -> position, otherwise -> no_fix
#   any other sentence, proprietary $P... included                        -> other
#   accepted without a `*hh` checksum                                     -> unchecked
# frames: the pieces a serial line is cut into, each non-empty line ending at LF (a trailing
# CR dropped), and split again before every `$` inside it (text before the first `$` is a
# piece of its own unless blank). What no peer accepted among them is rejected.
#
# Run from the project root; writes the table to stdout:
#   sh tests/data/radio_counts/gpsd_counts.sh ../shared/data/radio > tests/data/radio_counts/gpsd.tsv
set -eu
export LC_ALL=C
cd "$1"
echo "# $(gpsdecode -V 2>&1 | head -n 1); made by tests/data/radio_counts/gpsd_counts.sh"
printf 'file\tframes\tposition\tno_fix\tother\tunchecked\n'
for f in gpsd/test/daemon/*.log pynmea2/examples/data.log; do
    frames=$(awk -F'$' '
        { sub(/\r+$/, "") }
        $0 == "" { next }
        { frames += NF - 1 + ($1 ~ /[^ \t\r\013\014]/) }
        END { print frames + 0 }' "$f")
    gpsdecode -v < "$f" | awk -v file="$f" -v frames="$frames" '
        !/^\$/ { next }  # gpsd reports (JSON) between the echoed sentences
        { sub(/\r+$/, "") }
        index($0, "*") == 0 { unchecked++; next }
        {
            split(substr($0, 2, index($0, "*") - 2), f, ",")
            type = f[1] ~ /^P/ ? "proprietary" : substr(f[1], length(f[1]) - 2)
            if (type == "RMC") fix = f[3] == "A"
            else if (type == "GLL") fix = f[7] == "A"
            else if (type == "GGA") fix = f[7] ~ /^[0-9]+$/ && f[7] + 0 > 0
            else if (type == "GNS") fix = f[7] != "" && f[7] !~ /^N/
            else { other++; next }
            if (fix) position++; else no_fix++
        }
        END { printf "%s\t%d\t%d\t%d\t%d\t%d\n", file, frames, position, no_fix, other, unchecked }'
done
