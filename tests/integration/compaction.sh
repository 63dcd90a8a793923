# mmfs-options: -o ram=128M
# compaction: a fragmented machine through the mount (doc/compaction.md):
# buddyinfo and extfrag_index of the fragmented zone, a THP fault that falls
# back, compaction by each of its doors (the sysctl, the control file's
# compact, nodeN/compact) with the counters it moves and every kept page's
# bytes intact, the fault succeeding after; the same session replayed from
# a journal after a kill -9 gives the same machine; events/compaction's
# lines from the mount's trace file (DMA's as the host's; the rest adding
# up to the counters); and the host's
# compact_memory over fragmented anonymous memory (compaction_probe.c)
# shows the same compact_* lines in the same order, and scans alike.

exec 3<>"$MNT/ctl"
gcmd() {
	local r
	echo "$*" >&3
	read -r r <&3
	printf '%s' "$r"
}
vm() { awk -v k="$2" '$1 == k { print $2 }' "$1/proc/vmstat"; }

# fragment ROOT: process 2 keeps every other page of 32 MiB, the hugetlb pool
# and one THP take every 2 MiB block; prints A's address. (One THP, where
# test_compaction's unmounted machine has room for two: here the mount's
# path lookups allocate dentries, and their Reclaimable slab page claimed a
# whole free 2 MiB block before the pool grew; a second madvised THP would
# compact directly, compact_stall 1, before the story's compact_memory.)
fragment() {
	local root=$1 fd a p r i
	exec {fd}<>"$root/ctl"
	echo spawn >&$fd; read -r r <&$fd
	exec {fd}<>"$root/proc/2/ctl"
	echo 'mmap 0 32M rw- private,anon' >&$fd; read -r a <&$fd
	echo "madvise $a 32M nohugepage" >&$fd; read -r r <&$fd
	echo "touch $a 32M w" >&$fd; read -r r <&$fd
	echo 1000 >"$root/proc/sys/vm/nr_hugepages"
	for ((i = 1; i < 8192; i += 2)); do echo "munmap $((a + i * 4096)) 4K" >&$fd; read -r r <&$fd; done
	echo 'mmap 0 2M rw- private,anon' >&$fd; read -r p <&$fd
	echo "madvise $p 2M hugepage" >&$fd; read -r r <&$fd
	echo "touch $p 2M w" >&$fd; read -r r <&$fd
	exec {fd}>&-
	printf '%s' "$a"
}

A=$(fragment "$MNT")
exec 4<>"$MNT/proc/2/ctl"
pcmd() {
	local r
	echo "$*" >&4
	read -r r <&4
	printf '%s' "$r"
}
assert_eq "Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      0 
Node 0, zone    DMA32   4096      3      1      1      1      1      2      2      1      0      0 " \
	"$(cat "$MNT/proc/buddyinfo")" "fragmented buddyinfo"
assert_eq "Node 0, zone    DMA32 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000  0.998  0.999 " \
	"$(grep DMA32 "$MNT/sys/kernel/debug/extfrag/extfrag_index")" "extfrag_index: 1000 - (1000 + 4802000/512)/4108"
# a mark in every kept page, read back after each compaction
for ((i = 0; i < 8192; i += 64)); do
	printf 'page %d of A' $i | dd of="$MNT/proc/2/mem" bs=1 seek=$((A + i * 4096 + 100)) conv=notrunc status=none
done
marks_intact() {
	local i got
	for ((i = 0; i < 8192; i += 64)); do
		got=$(dd if="$MNT/proc/2/mem" bs=1 skip=$((A + i * 4096 + 100)) count=32 status=none 2>/dev/null | tr -d '\0')
		[[ $got == "page $i of A"* ]] || fail "$1: page $i of A reads '$got'"
	done
}

echo always >"$MNT/sys/kernel/mm/transparent_hugepage/enabled"
B=$(pcmd 'mmap 0 4M rw- private,anon')
assert_eq 0 "$(pcmd "touch $B 2M w")" "THP fault in a fragmented zone"
assert_eq 1 "$(vm "$MNT" thp_fault_fallback)" "thp_fault_fallback"
assert_eq 0 "$(vm "$MNT" compact_stall)" "no direct compaction without madvise (defrag=madvise), nor before"

# compact_memory: write-only, as on the host
assert_eq 200 "$(stat -c %a "$MNT/proc/sys/vm/compact_memory")" "compact_memory mode"
assert_eq 200 "$(stat -c %a "$MNT/sys/devices/system/node/node0/compact")" "nodeN/compact mode"
if cat "$MNT/proc/sys/vm/compact_memory" 2>/dev/null; then fail "compact_memory is readable"; fi
# events/compaction records the run (doc/tracing.md): read from the mount's trace file below
T=$MNT/sys/kernel/tracing
for k in compact_isolated compact_migrate_scanned compact_free_scanned pgmigrate_success; do
	eval "before_$k=$(vm "$MNT" $k)"
done
echo 1 >"$T/events/compaction/enable"
echo 1 >"$MNT/proc/sys/vm/compact_memory"
echo 0 >"$T/events/compaction/enable"
grep -v '^#' "$T/trace" | sed 's/^.*[0-9]: mm_compaction_/mm_compaction_/' >"$WORK/ctrace.txt"
# DMA's run: its hugetlb pages' blocks passed over (no isolate line); test_trace_compaction
# has an unfragmented DMA, line for line as the host's
assert_eq "mm_compaction_begin: zone_start=0x1 migrate_pfn=0x1 free_pfn=0xe00 zone_end=0x1000, mode=sync
mm_compaction_finished: node=0 zone=DMA      order=-1 ret=continue
mm_compaction_isolate_migratepages: range=(0x1 ~ 0x200) nr_scanned=511 nr_taken=0
mm_compaction_finished: node=0 zone=DMA      order=-1 ret=continue
mm_compaction_isolate_migratepages: range=(0x600 ~ 0x800) nr_scanned=512 nr_taken=0
mm_compaction_finished: node=0 zone=DMA      order=-1 ret=continue
mm_compaction_finished: node=0 zone=DMA      order=-1 ret=complete
mm_compaction_end: zone_start=0x1 migrate_pfn=0xe00 free_pfn=0xe00 zone_end=0x1000, mode=sync status=complete" \
	"$(head -8 "$WORK/ctrace.txt")" "compact_memory's lines for DMA"
# the written lines add up to the counters the run moved
sum() { awk -v e="$1:" -v k="$2=" '$1 == e { for (i = 2; i <= NF; i++) if (index($i, k) == 1) s += substr($i, length(k) + 1) } END { print s + 0 }' "$WORK/ctrace.txt"; }
assert_eq $(($(vm "$MNT" compact_isolated) - before_compact_isolated)) \
	$(($(sum mm_compaction_isolate_migratepages nr_taken) + $(sum mm_compaction_isolate_freepages nr_taken))) \
	"isolate_* nr_taken add up to compact_isolated"
assert_eq $(($(vm "$MNT" compact_migrate_scanned) - before_compact_migrate_scanned)) \
	"$(sum mm_compaction_isolate_migratepages nr_scanned)" "isolate_migratepages nr_scanned: compact_migrate_scanned"
assert_eq $(($(vm "$MNT" compact_free_scanned) - before_compact_free_scanned)) \
	"$(sum mm_compaction_isolate_freepages nr_scanned)" "isolate_freepages nr_scanned: compact_free_scanned"
assert_eq $(($(vm "$MNT" pgmigrate_success) - before_pgmigrate_success)) \
	"$(sum mm_compaction_migratepages nr_migrated)" "migratepages nr_migrated: pgmigrate_success"
assert_eq "2 2" "$(grep -c '^mm_compaction_begin:' "$WORK/ctrace.txt") $(grep -c '^mm_compaction_end:' "$WORK/ctrace.txt")" \
	"a begin and an end a zone"
n=$(wc -l <"$WORK/ctrace.txt")
assert_eq "# entries-in-buffer/entries-written: $n/$n   #P:2" "$(sed -n 3p "$T/trace")" "trace's header counts"
echo >"$T/trace"
assert_eq "Node 0, zone    DMA32    451      1      1      1      1      1      3      2      1      2      2 " \
	"$(grep DMA32 "$MNT/proc/buddyinfo")" "buddyinfo after compact_memory"
assert_eq "2079 1 10751 5534 4382 0 0 0" \
	"$(for k in pgmigrate_success pgmigrate_fail compact_migrate_scanned compact_free_scanned \
		compact_isolated compact_stall compact_fail compact_success; do vm "$MNT" $k; done | xargs)" \
	"counters after compact_memory"
marks_intact "after compact_memory"
assert_eq 0 "$(pcmd "touch $((B + 0x200000)) 2M w")" "THP fault after compaction"
assert_eq 2 "$(vm "$MNT" thp_fault_alloc)" "thp_fault_alloc"
assert_eq ok "$(gcmd check)" "check after compact_memory"

# the other doors: the control file and nodeN/compact compact again (nothing much left to move)
scanned=$(vm "$MNT" compact_migrate_scanned)
assert_eq 0 "$(gcmd compact)" "compact"
(( $(vm "$MNT" compact_migrate_scanned) > scanned )) || fail "compact scanned nothing"
scanned=$(vm "$MNT" compact_migrate_scanned)
echo 1 >"$MNT/sys/devices/system/node/node0/compact"
(( $(vm "$MNT" compact_migrate_scanned) > scanned )) || fail "node0/compact scanned nothing"
marks_intact "after compact and node0/compact"
assert_eq 20 "$(cat "$MNT/proc/sys/vm/compaction_proactiveness")" "compaction_proactiveness default"
if echo 101 >"$MNT/proc/sys/vm/compaction_proactiveness" 2>/dev/null; then fail "proactiveness 101 accepted"; fi
assert_eq ok "$(gcmd check)" "check at the end"

# ---- the journal (and a checkpoint) replay compaction byte for byte ----
J=$WORK/journal
M=$WORK/jm
mmfs_mount "$M" -o ram=128M,journal="$J",backing="$WORK/jb"
JA=$(fragment "$M")
exec 5<>"$M/proc/2/ctl"
echo always >"$M/sys/kernel/mm/transparent_hugepage/enabled"
echo 'mmap 0 4M rw- private,anon' >&5; read -r JB <&5
echo "touch $JB 2M w" >&5; read -r _ <&5
echo 1 >"$M/proc/sys/vm/compact_memory"
# a checkpoint: the image keeps the skip bits and the zones' compaction state
exec 6<>"$M/ctl"
echo checkpoint >&6; read -r r <&6
assert_eq 0 "$r" "checkpoint"
exec 6>&-
echo 100 >"$M/proc/sys/vm/compaction_proactiveness"
echo "touch $JA 4K w" >&5; read -r _ <&5
echo 1 >"$M/sys/devices/system/node/node0/compact"
exec 5>&-
for f in buddyinfo pagetypeinfo vmstat meminfo; do cat "$M/proc/$f" >"$WORK/before.$f"; done
cat "$M/proc/2/smaps" >"$WORK/before.smaps"
pid=${_MMFS_PID[$M]}
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
unset "_MMFS_PID[$M]"
fusermount3 -u "$M" 2>/dev/null || fusermount3 -u -z "$M" 2>/dev/null || true
mmfs_mount "$M" -o ram=128M,journal="$J",backing="$WORK/jb"
for f in buddyinfo pagetypeinfo vmstat meminfo; do
	assert_eq "$(cat "$WORK/before.$f")" "$(cat "$M/proc/$f")" "$f after the journal's replay"
done
assert_eq "$(cat "$WORK/before.smaps")" "$(cat "$M/proc/2/smaps")" "smaps after the replay"
mmfs_umount "$M"

# ---- the host: the same lines, in the same order, moving alike ----
assert_eq "$(grep -E '^compact_' /proc/vmstat | cut -d' ' -f1)" \
	"$(grep -E '^compact_' "$MNT/proc/vmstat" | cut -d' ' -f1)" "compact_* lines of the host's vmstat"
PROBE=${MMFS_COMPACTION_PROBE:-}
if [[ -z $PROBE ]]; then
	PROBE=$WORK/compaction_probe
	cc -O1 -o "$PROBE" "$MMFS_IT_DIR/compaction_probe.c" ||
		{ echo "compaction: host part skipped: no probe and no compiler" >&2; exit 0; }
fi
if [[ -w /proc/sys/vm/compact_memory ]]; then
	"$PROBE" 64 >"$WORK/host.txt"
	host() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/host.txt"; }
	assert_eq "$(host kept)" "$(host intact)" "the host kept every byte"
	# compact_memory runs both scanners on either side. What the host then
	# isolates and migrates depends on where its scanners meet in 24 GiB of
	# zones compacted before (often nothing of ours: only what lies below the
	# meeting point moves), so only the scans are compared; kcompactd's and
	# direct compaction's counters are not compact_memory's (the host's may
	# move meanwhile, on their own)
	for k in compact_migrate_scanned compact_free_scanned; do
		(( $(host $k) > 0 )) || fail "host: compact_memory did not move $k"
		(( $(vm "$MNT" $k) > 0 )) || fail "mmfs: compact_memory did not move $k"
	done
	(( $(host compact_isolated) >= $(host pgmigrate_success) )) ||
		fail "host: more pages migrated than isolated"
	(( $(vm "$MNT" compact_isolated) >= $(vm "$MNT" pgmigrate_success) )) ||
		fail "mmfs: more pages migrated than isolated"
fi
