# consistency: the global files are views of one model and agree with each other.

# check_free_pages ROOT RAM_BYTES: MemFree, nr_free_pages, buddyinfo and
# zoneinfo all count the same free pages, zone by zone.
check_free_pages() {
	local root=$1 ram=$2 memfree memtotal nfp buddy zone
	memfree=$(meminfo_kb MemFree "$root")
	memtotal=$(meminfo_kb MemTotal "$root")
	nfp=$(vmstat_val nr_free_pages "$root")
	buddy=$(buddyinfo_table "$root" | awk '{ s += $2 } END { printf "%.0f", s }')
	zone=$(zoneinfo_table "$root" | awk '{ s += $2 } END { printf "%.0f", s }')

	assert_eq "$memfree" $((buddy * 4)) "$root: MemFree vs 4 x sum of buddyinfo"
	assert_eq "$memfree" $((nfp * 4)) "$root: MemFree vs 4 x nr_free_pages"
	assert_eq "$memfree" $((zone * 4)) "$root: MemFree vs 4 x sum of zoneinfo pages free"
	assert_lt "$memtotal" $((ram / 1024)) "$root: MemTotal (kB) under ram"
	((memfree <= memtotal)) || fail "$root: MemFree $memfree above MemTotal $memtotal"
	assert_lt $((ram / 1024 * 9 / 10)) "$memtotal" "$root: MemTotal above 90% of ram"

	# Per zone: buddyinfo lists the populated zones, and each one's sum is
	# that zone's "pages free" in zoneinfo.
	local zi bi
	zi=$(zoneinfo_table "$root" | awk '$6 != 0 { print $1, $2 }')
	bi=$(buddyinfo_table "$root")
	assert_eq "$zi" "$bi" "$root: per-zone free pages, zoneinfo (populated zones) vs buddyinfo"
	# the watermarks are ordered in every populated zone
	zoneinfo_table "$root" | awk '$6 != 0 && !($3 < $4 && $4 < $5) { print; bad = 1 } END { exit bad }' ||
		fail "$root: a zone without min < low < high"
}

check_free_pages "$MNT" $((1 << 30))

# MemTotal is the sum of the zones' managed pages.
managed=$(zoneinfo_table | awk '{ s += $6 } END { printf "%.0f", s }')
assert_eq "$(meminfo_kb MemTotal)" $((managed * 4)) "MemTotal vs 4 x sum of zoneinfo managed"

# Node 0 on a one-node machine: node0/meminfo agrees with meminfo.
node0=$MNT/sys/devices/system/node/node0/meminfo
assert_match '^Node 0 MemTotal: +[0-9]+ kB$' "$(head -n1 "$node0")" "node0 meminfo first line"
assert_eq "$(meminfo_kb MemTotal)" "$(awk '$3 == "MemTotal:" { print $4 }' "$node0")" "node0 MemTotal"
assert_eq "$(meminfo_kb MemFree)" "$(awk '$3 == "MemFree:" { print $4 }' "$node0")" "node0 MemFree"
# ... with the keys, in the order, of the host's own (a differential check:
# numastat -m fails on a key the host does not have, such as Balloon)
host_node0=/sys/devices/system/node/node0/meminfo
if [[ -r $host_node0 ]]; then
	assert_eq "$(awk '{ print $3 }' "$host_node0")" "$(awk '{ print $3 }' "$node0")" \
		"node0/meminfo keys against the host's"
fi

# The same after the state changes: processes come and go.
echo spawn >"$MNT/ctl"
echo spawn >"$MNT/ctl"
echo "kill 2" >"$MNT/ctl"
check_free_pages "$MNT" $((1 << 30))
assert_eq ok "$(exec 3<>"$MNT/ctl"; echo check >&3; read -r r <&3; echo "$r")" "check"

# A two-node boot splits RAM evenly, and every view agrees per node.
two=$WORK/two
mmfs_mount "$two" -o ram=2G,nodes=2
check_free_pages "$two" $((2 << 30))
grep -q '^Node 0, zone ' "$two/proc/buddyinfo" || fail "2 nodes: no Node 0 in buddyinfo"
grep -q '^Node 1, zone ' "$two/proc/buddyinfo" || fail "2 nodes: no Node 1 in buddyinfo"
grep -q '^Node 1, zone ' "$two/proc/zoneinfo" || fail "2 nodes: no Node 1 in zoneinfo"
sum=0
for n in 0 1; do
	f=$two/sys/devices/system/node/node$n/meminfo
	assert_exists "$f"
	total=$(awk -v n="$n" '$1 == "Node" && $2 == n && $3 == "MemTotal:" { print $4 }' "$f")
	free=$(awk -v n="$n" '$1 == "Node" && $2 == n && $3 == "MemFree:" { print $4 }' "$f")
	[[ -n $total && -n $free ]] || fail "node$n/meminfo lacks 'Node $n MemTotal/MemFree'"
	zfree=$(zoneinfo_table "$two" | awk -v n="$n," 'index($1, n) == 1 { s += $2 } END { printf "%.0f", s }')
	assert_eq "$free" $((zfree * 4)) "node$n MemFree vs its zones' pages free"
	assert_lt $((1 << 20)) "$((total * 2 + 1))" "node$n holds about half the RAM"
	sum=$((sum + free))
done
assert_missing "$two/sys/devices/system/node/node2"
assert_eq "$(meminfo_kb MemFree "$two")" "$sum" "MemFree vs the nodes' MemFree"
mmfs_umount "$two"
