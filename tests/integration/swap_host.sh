# swap_host.sh - swap-out, swap-in and readahead against the host kernel.
#
# Each scenario below runs twice through swap_probe (swap_probe.c): once on
# the host, in the probe process itself, with its pages going to a fresh
# non-rotational loop device made for this test; once in a process of a
# fresh mmfs mount. After every step both print the same lines (mincore,
# majflt, pagemap, smaps, /proc/swaps Used, swap vmstat events); the two
# traces must be identical. See doc/difftest.md, "Swap-in against the host".
#
# Host changes, all undone on exit: files under /var/tmp, a loop device
# over each (queue/rotational 0, so that swap-in uses VMA-based readahead as
# reclaim.md §8.3 measured; rq_affinity 2): the 64 MiB area of most
# scenarios, and one of another size made when a scenario asks for it;
# swapon of them at priority 32767, one at a time, and
# /proc/sys/vm/page-cluster. Skips (77) where that is impossible.
#
# The whole test holds /run/lock/mmfs-host-swap (flock, exclusive): other
# tests and sessions that use the host's swap take the same lock.
#
# The THP scenarios (thp_*) need THP "madvise" or "always" on the host (the
# probe asks with MADV_HUGEPAGE); they are not judged where it is "never",
# or where the host could not fault the region in as huge pages. The mmfs
# side's area is a block device (/dev/swaphost, as the host's loop device
# is): a THP goes to swap whole only on one.
#
# SWAP_HOST_KEEP=DIR keeps both traces of every scenario in DIR.

PROBE=${MMFS_SWAP_PROBE:?the swap probe (meson passes MMFS_SWAP_PROBE)}

skip() {
	echo "swap_host: SKIP: $*" >&2
	exit 77
}

# Everything below changes the host's swap: one test (or session) at a time.
LOCK=/run/lock/mmfs-host-swap
exec {LOCKFD}>"$LOCK" || skip "cannot open $LOCK"
flock -x -w "${SWAP_HOST_LOCK_WAIT:-900}" "$LOCKFD" || skip "$LOCK is held by someone else"

# ---- can the host do it? ----
PC=/proc/sys/vm/page-cluster
[[ -w $PC ]] || skip "no writable $PC"
[[ $(cat /sys/kernel/mm/swap/vma_ra_enabled 2>/dev/null) == true ]] ||
	skip "/sys/kernel/mm/swap/vma_ra_enabled is not true: the host would use cluster readahead"
[[ $(cat /sys/module/zswap/parameters/enabled 2>/dev/null || echo N) == N ]] ||
	skip "zswap is enabled: pages would not reach the swap device"
thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo '[never]')
for f in /sys/kernel/mm/transparent_hugepage/hugepages-*/enabled; do
	[[ -e $f ]] || continue
	m=$(cat "$f")
	[[ $m == *'[always]'* || ($m == *'[inherit]'* && $thp == *'[always]'*) ]] &&
		skip "$f: $m: anonymous memory would get large folios"
done
[[ $thp == *'[always]'* ]] && skip "THP is always: anonymous memory would get huge pages"
THP_OK=1
[[ $thp == *'[madvise]'* ]] || THP_OK=	# [never]: no THP scenario can be judged
command -v losetup >/dev/null && command -v mkswap >/dev/null && command -v swapon >/dev/null ||
	skip "losetup, mkswap or swapon missing"

# A rotational swap area anywhere turns VMA readahead off for all of them.
rotational_of() {	# the block device (major:minor) holding a swap area
	local d=$1 r
	r=$(cat "/sys/dev/block/$d/queue/rotational" 2>/dev/null ||
		cat "/sys/dev/block/$d/../queue/rotational" 2>/dev/null || echo 1)
	echo "$r"
}
# rotational_areas: the active swap areas (other than ours) that are rotational
rotational_areas() {
	local name type d
	while read -r name type _; do
		[[ $name == Filename || $name == "${LOOP:-}" ]] && continue
		if [[ $type == partition ]]; then
			d=$(stat -L -c '%t:%T' "$name") && d=$((16#${d%:*})):$((16#${d#*:}))
		else
			d=$(stat -c '%d' "$name") && d=$((d >> 8)):$((d & 255))
		fi
		[[ $(rotational_of "$d") == 0 ]] || echo "$name"
	done </proc/swaps
}
rot=$(rotational_areas)
[[ -z $rot ]] || skip "the host's swap area $rot is rotational: VMA readahead is off"
other_swaps=$(($(wc -l </proc/swaps) - 1))

# ---- the host's swap devices ----
PC_SAVED=$(cat $PC)
SWDIR=
LOOP=
declare -A AREA=()	# size -> its loop device
host_cleanup() {
	local rc=$? l
	trap - EXIT INT TERM ERR
	for l in "${AREA[@]}"; do
		grep -q "^$l " /proc/swaps && swapoff "$l"
		losetup -d "$l" || echo "swap_host: could not detach $l" >&2
	done
	[[ -n $SWDIR ]] && rm -rf "$SWDIR"
	echo "$PC_SAVED" >$PC
	_mmfs_cleanup_extra
	exit "$rc"
}
trap host_cleanup EXIT
trap 'exit 130' INT TERM
trap 'exit $?' ERR

SWDIR=$(mktemp -d /var/tmp/mmfs-swaphost.XXXXXX)

# area SIZE: AREA[SIZE] is the loop device of a swap area of SIZE (made if
# needed, not swapped on by this)
area() {
	local size=$1 l
	if [[ -z ${AREA[$size]:-} ]]; then
		truncate -s "$size" "$SWDIR/swap-$size" || skip "cannot make $SWDIR/swap-$size"
		l=$(losetup -f --show --direct-io=on "$SWDIR/swap-$size" 2>/dev/null ||
			losetup -f --show "$SWDIR/swap-$size" 2>/dev/null) || skip "no loop device"
		AREA[$size]=$l
		echo 0 >"/sys/block/${l#/dev/}/queue/rotational" 2>/dev/null ||
			skip "cannot clear queue/rotational of $l"
		[[ $(cat "/sys/block/${l#/dev/}/queue/rotational") == 0 ]] || skip "$l stays rotational"
		# completions on the submitting CPU (see drain_all_cpus in swap_probe_io.c)
		echo 2 >"/sys/block/${l#/dev/}/queue/rq_affinity" 2>/dev/null || true
		mkswap "$l" >/dev/null 2>&1 || skip "mkswap $l failed"
	fi
}
area 64M
LOOP=${AREA[64M]}
swapon -p 32767 "$LOOP" 2>/dev/null || skip "swapon $LOOP failed"
echo "swap_host: host swap on $LOOP (other swap areas: $other_swaps), page-cluster was $PC_SAVED"

# ---- running a scenario on both sides ----
KEEP=${SWAP_HOST_KEEP:-}
[[ -z $KEEP ]] || mkdir -p "$KEEP"
FAILED=()
UNJUDGED=()
SEQ=0

# The host is shared: another process's reclaim (a memory cgroup's counts no
# global pgscan) puts its pages on our area, the one of highest priority, and
# another swapon changes readahead and vm_swap_full. So the host's trace
# counts only when two runs in a row agree, with the same swap areas.
host_areas() {
	awk 'NR > 1 { print $1 }' /proc/swaps
}

# thp_faulted TRACE: the host gave the region huge pages where the probe
# wrote (the snapshot after the first write: AnonHugePages = Anonymous)
thp_faulted() {
	awk '/^## write/ { w = 1; next } w && /^P smaps/ {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		exit !(v["AnonHugePages"] > 0 && v["AnonHugePages"] == v["Anonymous"]) }' "$1"
}

# scenario NAME [SIZE] < STEPS: run it on a fresh host swap area of SIZE
# (64M) and on a fresh mount with a swap device of that size
scenario() {
	local name=$1 size=${2:-64M} steps h m dir rc=0 try before loop
	steps=$(cat)
	SEQ=$((SEQ + 1))
	h="$WORK/$name.host" m="$WORK/$name.mmfs" dir="$WORK/mnt-$SEQ"
	if [[ $name == thp_* && -z $THP_OK ]]; then
		echo "swap_host: $name: NOT JUDGED: THP is never on the host" >&2
		UNJUDGED+=("$name")
		return 0
	fi
	area "$size"
	loop=${AREA[$size]}
	: >"$h.prev"
	for ((try = 1; ; try++)); do
		if [[ -n $(rotational_areas) ]]; then
			echo "swap_host: $name: NOT JUDGED: a rotational swap area is active on the host" >&2
			UNJUDGED+=("$name")
			return 0
		fi
		# a fresh area: slots from 1 again, as in the fresh mount; one at a time
		swapoff "$LOOP" 2>/dev/null || true
		[[ $loop == "$LOOP" ]] || swapoff "$loop" 2>/dev/null || true
		swapon -p 32767 "$loop"
		before=$(host_areas)
		if [[ $size != 64M && $(wc -l <<<"$before") != 1 ]]; then
			# a full area sends pages, and THPs whole, to the next one
			echo "swap_host: $name: NOT JUDGED: other swap areas are active on the host" >&2
			UNJUDGED+=("$name")
			swapoff "$loop"
			swapon -p 32767 "$LOOP"
			return 0
		fi
		"$PROBE" host --dev "$loop" <<<"$steps" >"$h" || fail "$name: the host probe failed"
		if [[ $name == thp_* ]] && ! thp_faulted "$h"; then
			echo "swap_host: $name: NOT JUDGED: the host did not fault the region in as THPs" >&2
			UNJUDGED+=("$name")
			break
		fi
		[[ $(host_areas) == "$before" ]] && cmp -s "$h" "$h.prev" && break
		if ((try == 6)); then
			echo "swap_host: $name: NOT JUDGED: no two host runs of 6 agreed (a busy host)" >&2
			UNJUDGED+=("$name")
			break
		fi
		((try == 1)) || echo "swap_host: $name: host run $try differs from the one before; again" >&2
		mv "$h" "$h.prev"
	done
	if [[ $loop != "$LOOP" ]]; then
		swapoff "$loop"
		swapon -p 32767 "$LOOP"
	fi
	[[ " ${UNJUDGED[*]} " == *" $name "* ]] && return 0
	# the mount's daemon must not inherit the lock
	mmfs_mount "$dir" -o swap=0 {LOCKFD}>&-
	echo "swapon /dev/swaphost $size" >"$dir/ctl"	# a block device, as the host's
	"$PROBE" mmfs --mount "$dir" <<<"$steps" >"$m" || rc=$?
	mmfs_umount "$dir"
	((rc == 0)) || fail "$name: the mmfs probe failed (exit $rc)"
	[[ -z $KEEP ]] || cp "$h" "$m" "$KEEP/"
	if cmp -s "$h" "$m"; then
		echo "swap_host: $name: identical ($(grep -c '^##' "$h") steps)"
		return 0
	fi
	FAILED+=("$name")
	echo "swap_host: $name: DIFFERENT from the host (- host, + mmfs); the first difference:" >&2
	first_difference "$h" "$m" >&2
}

# The step where the traces part, with the steps before it, then the diff.
first_difference() {
	local n
	n=$({ cmp "$1" "$2" || true; } | sed -n 's/.* line \([0-9]*\)$/\1/p')
	[[ -n $n ]] || n=$(($(wc -l <"$1") + 1))
	echo "  steps up to there:"
	head -n "$n" "$1" | grep '^##' | sed 's/^/    /'
	diff -U 6 "$1" "$2" | head -n 60 | sed 's/^/  /' || true
}

# ---- the scenarios ----

# reclaim.md §8.3, the table: page-cluster 3, a fully swapped 1 MiB region.
# pageout leaves data pages in the swap cache; evict (read them back, page
# them out again, clean) empties it, so that every fault has to read.
scenario ra_pc3_table <<'EOF'
pagecluster 3
map 256
write data 0-255
pageout 0-255
evict 0-255
fault r 100 101 102 103 104 105 106-112 140 139 138 137 136 200
check 96-112
EOF

scenario ra_pc0 <<'EOF'
pagecluster 0
map 256
write data 0-255
pageout 0-255
evict 0-255
fault r 100 101 99 30 31 32
fault w 50
touch r 10-19
check 0-255
EOF

# page-cluster 2: forward, backward and scattered faults
scenario ra_pc2 <<'EOF'
pagecluster 2
map 256
write data 0-255
pageout 0-255
evict 0-255
fault r 100-108
fault r 60 59 58 57 56 55 54 53 52
fault r 10 200 30 150 151 149 0 255
check 0-255
EOF

# page-cluster 3: sequential reads, then strided ones
scenario ra_pc3_seq <<'EOF'
pagecluster 3
map 256
write data 0-255
pageout 0-255
evict 0-255
touch r 0-127
fault r 130 167 204 241 240
check 0-255
EOF

# windows clipped by the VMA and by the 2 MiB block (pages 511 | 512)
scenario ra_pc3_clip <<'EOF'
pagecluster 3
map 1024
write data 0-1023
pageout 0-1023
evict 0-1023
fault r 511 512 1023 0 513 510 508
check 500-520
EOF

# zero-filled pages: no write, so they leave the swap cache at once
scenario zero_pages <<'EOF'
pagecluster 3
map 256
write zero 0-255
pageout 0-255
fault r 100 101 102 103 104 5
fault w 200
write data 64-67
pageout 64-67
fault r 65
check 0-255
EOF

# MADV_WILLNEED: into the swap cache, no fault; then minor faults
scenario willneed <<'EOF'
pagecluster 3
map 256
write data 0-255
pageout 0-255
evict 0-255
willneed 64-127
fault r 64 65 66 127
touch r 64-127
check 64-127
EOF

# read fault keeps the slot, write fault frees it; a store into a page a
# read fault brought in; pageout again of a dirty and a clean page
scenario read_write_used <<'EOF'
pagecluster 0
map 256
write data 0-255
pageout 0-255
evict 0-255
fault r 10
fault w 11
fault w 10
fault r 12
pageout 10-12
fault w 10 11 12
dontneed 128-191
check 0-255
EOF

# after fork the slots are shared: Swap in both, SwapPss halved
scenario fork_swap <<'EOF'
pagecluster 0
map 256
write data 0-255
pageout 0-255
evict 0-255
fork
child fault r 5
child fault w 6
fault r 7
fault w 8
fault r 5
child exit
check 0-15
EOF

# page-cluster 5: the window grows with the hits, up to 32
scenario ra_pc5 <<'EOF'
pagecluster 5
map 512
write data 0-511
pageout 0-511
evict 0-511
fault r 100-140
fault r 300 200
check 0-511
EOF

# a window over zero-filled and data pages: swpin_zero and pswpin
scenario ra_mixed_zero <<'EOF'
pagecluster 3
map 256
write zero 0-255
write data 100-103
pageout 0-255
evict 100-103
fault r 98 102 110
check 0-255
EOF

# a write fault on a page readahead brought in: minor, and the slot goes
scenario ra_write_hit <<'EOF'
pagecluster 3
map 256
write data 0-255
pageout 0-255
evict 0-255
fault r 100
fault w 103 97
fault r 104
check 90-110
EOF

# readahead in a child: its VMA's state, the parent's hits
scenario fork_ra <<'EOF'
pagecluster 3
map 256
write data 0-255
pageout 0-255
evict 0-255
fork
child fault r 100
fault r 101
child fault r 102
fault w 103
child exit
fault r 104 105
check 96-110
EOF

# a window over pages that are not on swap (none, present)
scenario ra_holes <<'EOF'
pagecluster 3
map 256
write data 0-255
pageout 0-101
pageout 103-255
evict 0-101
evict 103-255
dontneed 98-99
fault r 100
fault r 101 103 104 105
check 100-110
EOF

# ---- differences this test found, fixed since: kept as regressions ----

# Linux's swap_vma_ra_win returns at once when page-cluster is 0, leaving
# the VMA's readahead state (last fault, window, hits) as it was; a later
# fault at page-cluster 3 still sees the old state and reads a window of 8.
scenario ra_state_pc0 <<'EOF'
pagecluster 3
map 256
write data 0-255
pageout 0-255
evict 0-255
pagecluster 0
fault r 102
pagecluster 3
fault r 100
check 96-104
EOF

# a read fault in a read-only VMA, then a store after mprotect: Linux keeps
# the slot and the swap-cache copy of the AnonExclusive page (mprotect makes
# the PTE writable at once; do_wp_page would reuse it without freeing swap)
scenario mprotect_ro <<'EOF'
pagecluster 0
map 256
write data 0-255
pageout 0-255
evict 0-255
mprotect 0-255 r--
fault r 10
mprotect 0-255 rw-
fault w 10
fault r 11
mprotect 0-127 r--
fault r 12 200
check 0-255
EOF

# more than half the swap area used: every swap-in frees its slot, and
# Linux's folio_free_swap marks the page dirty (smaps Private_Dirty)
scenario swap_full <<'EOF'
pagecluster 0
map 9000
write data 0-8999
pageout 0-8999
fault r 10
fault w 11
evict 0-99
fault r 5
munmap 8000-8999
fault r 20
check 0-7999
EOF

# ---- transparent huge pages (reclaim.md §6; doc/reclaim.md, "THP") ----

# four THPs of data paged out: each takes a whole cluster (512-1023 ...,
# thp_swpout, the PMD split into swap PTEs) and stays in the swap cache; a
# read fault maps its whole folio back with PTEs (minor, no AnonHugePages)
scenario thp_data <<'EOF'
pagecluster 3
map 2048
hugepage 0-2047
write data 0-2047
pageout 0-2047
fault r 5
fault r 600
fault w 601
check 0-2047
EOF

# THPs of zeros: zeromap bits only (swpout_zero 2048, no thp_swpout), out of
# the swap cache at once; read back page by page with readahead
THP_ZERO=$(cat <<'EOF'
pagecluster 3
map 2048
hugepage 0-2047
write zero 0-2047
pageout 0-2047
fault r 5
fault w 600
fault r 1100
check 0-2047
EOF
)
scenario thp_zero <<<"$THP_ZERO"

# read back and paged out again (clean: nothing written), then single-page
# swap-in with readahead windows clipped to the 2 MiB block
scenario thp_evict <<'EOF'
pagecluster 3
map 1024
hugepage 0-1023
write data 0-1023
pageout 0-1023
evict 0-1023
fault r 100
fault r 101
fault w 700
touch r 0-1023
check 0-1023
EOF

# munmap of part of a THP splits its PMD and queues it for deferred split;
# pageout then splits the folio (thp_split_page) and its mapped pages go one
# by one (slots 1-188), its unmapped ones without I/O
scenario thp_partial_munmap <<'EOF'
pagecluster 3
map 1024
hugepage 0-1023
write data 0-1023
munmap 700-1023
pageout 0-699
fault r 600
check 0-699
EOF

# pageout and cold over part of a PMD split the folio; cold over a whole one
# only deactivates it
scenario thp_part_pmd <<'EOF'
pagecluster 3
map 1024
hugepage 0-1023
write data 0-1023
pageout 0-99
cold 512-1023
cold 600-700
pageout 512-1023
fault r 50
check 0-1023
EOF

# an 8 MiB area: clusters 1-3 take three THPs whole; the fourth finds no
# free cluster and is split (thp_swpout_fallback): its head takes slot 1,
# then its other pages from the last one down, until the area is full
scenario thp_fallback 8M <<'EOF'
pagecluster 3
map 2048
hugepage 0-2047
write data 0-2047
pageout 0-2047
fault r 1600
check 0-2047
EOF

# the same with zeros: the split maps the shared zero page where a subpage
# held only zeros, and those pages go without a slot
scenario thp_fallback_zero 8M <<<"$THP_ZERO"

((${#FAILED[@]} == 0)) || fail "mmfs differs from the host in: ${FAILED[*]}"
((${#UNJUDGED[@]} == 0)) || skip "the host was too busy to judge: ${UNJUDGED[*]}"
