# files: every file of the tree reads, with the layout Linux 6.x gives it.

assert_eq "ctl files proc sys view" "$(ls "$MNT" | tr '\n' ' ' | sed 's/ $//')" "ls MNT"

# Every text file reads in one cat, is non-empty, ends with a newline, and its
# st_size promises no more than a read returns (procfs says 0).
check_text_file() {
	local f=$1 n size
	n=$(cat "$f" | wc -c) || fail "cat $f failed"
	((n > 0)) || fail "$f is empty"
	[[ $(tail -c1 "$f" | od -An -c | tr -d ' ') == '\n' ]] || fail "$f does not end with a newline"
	size=$(stat -c %s "$f")
	[[ $size == 0 || $size == "$n" ]] || fail "$f: st_size $size but a read gives $n bytes"
}

for f in meminfo vmstat buddyinfo pagetypeinfo zoneinfo swaps stat uptime loadavg cpuinfo kmsg; do
	check_text_file "$MNT/proc/$f"
done
for f in maps smaps smaps_rollup status statm stat comm; do
	check_text_file "$MNT/proc/1/$f"
done
# cmdline is NUL-separated, so no trailing newline: only non-empty
n=$(cat "$MNT/proc/1/cmdline" | wc -c)
((n > 0)) || fail "proc/1/cmdline is empty"
check_text_file "$MNT/sys/kernel/mm/transparent_hugepage/enabled"
check_text_file "$MNT/sys/devices/system/node/node0/meminfo"
assert_missing "$MNT/sys/devices/system/node/node1"

# proc/sys/vm: one value per file, all readable but the write-only ones
# (mode 0200 as on Linux: drop_caches, compact_memory), which fail with EACCES.
for f in "$MNT"/proc/sys/vm/*; do
	case ${f##*/} in
	drop_caches | compact_memory)
		expect_fail "Permission denied" cat "$f"
		assert_eq 200 "$(stat -c %a "$f")" "mode of ${f##*/}"
		continue ;;
	esac
	assert_eq 644 "$(stat -c %a "$f")" "mode of ${f##*/}"
	check_text_file "$f"
done
for f in overcommit_memory overcommit_ratio swappiness min_free_kbytes drop_caches \
	max_map_count nr_hugepages watermark_scale_factor; do
	assert_exists "$MNT/proc/sys/vm/$f"
done
assert_eq 0 "$(cat "$MNT/proc/sys/vm/overcommit_memory")" "overcommit_memory"
assert_eq 60 "$(cat "$MNT/proc/sys/vm/swappiness")" "swappiness"
assert_eq 65530 "$(cat "$MNT/proc/sys/vm/max_map_count")" "max_map_count"

# pid 1 is init, with an exec-time layout
assert_eq init "$(cat "$MNT/proc/1/comm")" "proc/1/comm"
assert_eq "1" "$(pids | head -n1)" "first pid"

# maps: names start at byte 73 (0-based); unnamed lines end in "0 ".
maps=$(cat "$MNT/proc/1/maps")
while IFS= read -r line; do
	assert_match '^[0-9a-f]{8,}-[0-9a-f]{8,} [r-][w-][x-][sp] [0-9a-f]{8,} [0-9a-f]{2,}:[0-9a-f]{2,} [0-9]+ ' \
		"$line" "maps line"
	name=${line:73}
	if [[ -z $name ]]; then
		assert_match ' 0 $' "$line" "unnamed maps line"
		continue
	fi
	[[ ${line:72:1} == " " && ${line:73:1} != " " ]] ||
		fail "maps name not at byte 73: [$line]"
done <<<"$maps"
for name in '[stack]' '[vdso]' '[vsyscall]'; do
	grep -qF "$name" <<<"$maps" || fail "proc/1/maps has no $name: $maps"
done
assert_match '^ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 +\[vsyscall\]$' \
	"$(tail -n1 <<<"$maps")" "last maps line"
nr=$(grep -c ' r-xp ' <<<"$maps") || true
((nr >= 1)) || fail "proc/1/maps has no text (r-xp) mapping"

# smaps: every VMA lists the same keys, in the same order (pmap -X needs it)
keys=$(awk '/^[0-9a-f]+-[0-9a-f]+ / { if (k != "") print k; k = ""; next }
	{ k = k " " $1 } END { print k }' "$MNT/proc/1/smaps" | sort -u | wc -l)
assert_eq 1 "$keys" "distinct key lists among smaps blocks"
assert_eq "$(wc -l <<<"$maps")" "$(grep -c '^VmFlags: ' "$MNT/proc/1/smaps")" "smaps blocks vs maps lines"
assert_match '^[0-9a-f]+-[0-9a-f]+ ---p 00000000 00:00 0 +\[rollup\]$' \
	"$(head -n1 "$MNT/proc/1/smaps_rollup")" "smaps_rollup header"

# meminfo: exactly the 54 keys of Linux 6.18, in order, in fixed columns.
assert_eq "$(cat "$MMFS_IT_DIR/ref/meminfo.keys")" \
	"$(cut -d: -f1 "$MNT/proc/meminfo")" "meminfo keys"
while IFS= read -r line; do
	case $line in
	HugePages_*) assert_match '^HugePages_[A-Za-z]+: +[0-9]+$' "$line" "meminfo line"
		((${#line} == 24)) || fail "meminfo HugePages line not 24 chars: [$line]" ;;
	*) assert_match '^[A-Za-z0-9_()]+: +[0-9]+ kB$' "$line" "meminfo line"
		v=${line:16}
		((${#line} == 27)) || [[ ${v%% kB} =~ ^[0-9]{9,}$ ]] ||
			fail "meminfo line not in %-16s%8lu kB columns: [$line]" ;;
	esac
done <"$MNT/proc/meminfo"

# vmstat: the reference keys in the reference order, "name value", one space
assert_eq "$(cat "$MMFS_IT_DIR/ref/vmstat.keys")" \
	"$(cut -d' ' -f1 "$MNT/proc/vmstat")" "vmstat keys"
bad=$(grep -vcE '^[a-z0-9_]+ [0-9]+$' "$MNT/proc/vmstat") || true
assert_eq 0 "$bad" "vmstat lines not of the form 'name value'"

# buddyinfo: "Node %d, zone %8s " then eleven "%6lu ", so every line ends in a space
while IFS= read -r line; do
	assert_match '^Node [0-9]+, zone [ A-Za-z0-9]{8} ' "$line" "buddyinfo line"
	assert_match ' $' "$line" "buddyinfo line end"
	rest=${line#Node *, zone }
	rest=${rest:9}
	((${#rest} == 77)) || fail "buddyinfo: not eleven %6lu columns: [$line]"
	assert_match '^( {0,5}[0-9]{1,6} ){11}$' "$rest" "buddyinfo counts"
done <"$MNT/proc/buddyinfo"
assert_match '^Node 0, zone      DMA ' "$(head -n1 "$MNT/proc/buddyinfo")" "first buddyinfo zone"
assert_match '^Node 0, zone    DMA32 ' "$(sed -n 2p "$MNT/proc/buddyinfo")" "second buddyinfo zone"
assert_eq 2 "$(wc -l <"$MNT/proc/buddyinfo")" "buddyinfo lines of a 1G machine (no Normal)"

# swaps: the header and the default 256M device, 262140 kB without its header page
assert_eq "$(printf 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority')" \
	"$(head -n1 "$MNT/proc/swaps")" "swaps header"
assert_match $'^[^ ]+ +(file\t|partition)\t262140\t\t0\t\t-2$' "$(sed -n 2p "$MNT/proc/swaps")" "swap device"
assert_eq 262140 "$(meminfo_kb SwapTotal)" "SwapTotal"

# THP policy as sysfs prints it
assert_eq "always [madvise] never" "$(cat "$MNT/sys/kernel/mm/transparent_hugepage/enabled")" "THP enabled"

# stat: the summary line has two spaces and at least 8 numbers; btime present
assert_match '^cpu  [0-9]+( [0-9]+){7,}$' "$(head -n1 "$MNT/proc/stat")" "proc/stat cpu line"
grep -qE '^btime [0-9]+$' "$MNT/proc/stat" || fail "proc/stat has no btime line"
assert_match '^[0-9]+\.[0-9]{2} [0-9]+\.[0-9]{2}$' "$(cat "$MNT/proc/uptime")" "uptime"
