# reclaim_host.sh - reclaim under real memory pressure, against the host kernel.
#
# Each scenario below runs through reclaim_probe (reclaim_probe.c) twice:
# on the host, in the probe itself, inside a memory cgroup v1 of 64 MiB
# whose pages go to a fresh non-rotational loop device made for this test
# (reclaim.md §15, experiments A, A2, B3, D); and in a process of a fresh
# mmfs machine of 96 MiB (71 MiB of MemTotal), where global reclaim runs
# (kswapd and direct). See doc/difftest.md, "Reclaim order against the host".
#
# What must agree, exactly ("=" lines of the probe): which pages of each
# region end up present, on swap or empty, as runs in page order (the
# swapped ones are a prefix of the write order); that a region's swap
# offsets rise one by one from slot 1, or from the last slot of the region
# written before it; smaps Swap; the stamps read back; the counters of a
# read-back (majflt, pswpin, swpin_zero, swap_ra, swap_ra_hit, pglazyfreed)
# and the pages around each fault that are in memory (readahead windows).
#
# Before a read-back the host's memory cgroup is emptied (memory.force_empty):
# writeback that completes after the last reclaim pass leaves pages in the
# swap cache, a different few each run, where mmfs's writes end within the
# pass that frees the page; a read of one would be a swap-cache hit.
#
# What cannot agree exactly, and is compared with a tolerance ("~" lines):
# how many pages stay in memory. A memory cgroup reclaims in the charging
# task down to its limit, in batches of 32 or more, and counts pages still
# under writeback; mmfs's kswapd reclaims until a zone is above its high
# watermark. So each side states its room (the limit less the probe's own
# pages; free pages above the zones' high watermarks), and the pages of each
# region in memory (mapped, or still in the swap cache) and out of it, as
# fractions of the room, may differ by ROOM_TOLERANCE percentage points
# (measured: the host varies by 0.2 from run to run, mmfs is within 1.4 of
# it). And the file's cached pages when the first anonymous page goes to
# swap may be up to FILE_TOLERANCE percent of the file on either side: the
# host's were gone by the end of that 1 MiB step, mmfs keeps some 70 of
# 12288; once the inactive file list is shorter than 2^priority pages
# get_scan_count leaves cache-trim mode, and in global reclaim, once file
# plus free pages are under the high watermarks (file_is_tiny), it scans
# anonymous pages alone.
#
# The test holds /run/lock/mmfs-host-swap (flock, exclusive) throughout,
# unless a process it runs under holds it already.
#
# Host changes, all undone on exit: a file under /var/tmp and a loop device
# over it (queue/rotational 0, rq_affinity 2) swapped on at priority 32767,
# a memory cgroup, /proc/sys/vm/page-cluster. Skips (77) where the host
# cannot do it: no memory cgroup v1, no loop device, zswap on, THP or an
# mTHP size always, VMA readahead off, a rotational swap area active, or
# another area at priority 32767. The host is shared: its trace counts only
# when two runs in a row agree, with the same swap areas throughout.
#
# RECLAIM_HOST_KEEP=DIR keeps both traces of every scenario in DIR.

PROBE=${MMFS_RECLAIM_PROBE:?the reclaim probe (meson passes MMFS_RECLAIM_PROBE)}
ROOM_TOLERANCE=3	# percentage points of the room
FILE_TOLERANCE=5	# percent of the file's pages
MACHINE=(-o ram=96M,swap=256M)	# MemTotal 71 MiB
LIMIT=64M			# the memory cgroup's
AREA_SIZE=256M			# the host's swap area, as the mount's: never half full
MEMCG=/sys/fs/cgroup/memory
PAGE_CLUSTER=/proc/sys/vm/page-cluster

skip() {
	echo "reclaim_host: SKIP: $*" >&2
	exit 77
}

# ---- one user of the host's swap at a time ----

# Tests and sessions that swap on the host hold this lock (flock,
# exclusive). A run already under `flock LOCK ...` holds it in an ancestor:
# taking it again would wait for ourselves.
LOCK=/run/lock/mmfs-host-swap
lock_held_above() {
	local ino holder p
	ino=$(stat -c %i "$LOCK" 2>/dev/null) || return 1
	for holder in $(awk -v ino="$ino" '$2 == "FLOCK" { n = split($6, id, ":"); if (id[n] == ino) print $5 }' /proc/locks); do
		for ((p = $$; p > 1; p = $(awk '$1 == "PPid:" { print $2 }' "/proc/$p/status" 2>/dev/null || echo 1))); do
			((p != holder)) || return 0
		done
	done
	return 1
}
if ! lock_held_above; then
	exec {LOCK_FD}>>"$LOCK" || skip "cannot open $LOCK"
	flock -x -w "${RECLAIM_HOST_LOCK_WAIT:-900}" "$LOCK_FD" || skip "$LOCK stayed held"
fi

# ---- undoing what the test does to the host ----

# Each change to the host pushes the command that reverts it; on exit they
# run, the last pushed first.
UNDO=()
undo_push() {
	UNDO+=("$1")
}
on_exit() {
	local rc=$? k
	trap - EXIT INT TERM
	for ((k = ${#UNDO[@]} - 1; k >= 0; k--)); do
		eval "${UNDO[k]}" || echo "reclaim_host: could not undo: ${UNDO[k]}" >&2
	done
	_mmfs_cleanup_extra
	exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# ---- is the host fit? ----

LOOP=
# Why another active swap area would spoil a run (a rotational one turns VMA
# readahead off for all; one of our priority shares the slots), or nothing.
areas_spoil() {
	local area kind prio dev rota
	while read -r area kind _ _ prio; do
		[[ $area == /* && $area != "${LOOP:-none}" ]] || continue
		dev=$area
		[[ $kind == partition ]] || dev=$(df --output=source "$area" 2>/dev/null | tail -n 1)
		rota=$(lsblk -dno ROTA "$dev" 2>/dev/null | tr -d ' ')
		[[ $rota == 0 ]] || { echo "swap area $area is rotational (or of no known disk)"; return; }
		((prio < 32767)) || { echo "swap area $area has priority 32767 too"; return; }
	done </proc/swaps
}

# The first reason the host cannot run the scenarios as reclaim.md measured them.
why_unfit() {
	local tool thp dir mode
	[[ -w $MEMCG/cgroup.procs && -e $MEMCG/memory.limit_in_bytes ]] ||
		{ echo "no memory cgroup v1 hierarchy at $MEMCG"; return; }
	[[ -w $PAGE_CLUSTER ]] || { echo "$PAGE_CLUSTER is not writable"; return; }
	for tool in losetup mkswap swapon swapoff lsblk; do
		command -v $tool >/dev/null || { echo "no $tool"; return; }
	done
	case $(cat /sys/module/zswap/parameters/enabled 2>/dev/null) in
	Y | 1) echo "zswap is on: pages would stop short of the swap device"; return ;;
	esac
	[[ $(cat /sys/kernel/mm/swap/vma_ra_enabled 2>/dev/null) == true ]] ||
		{ echo "VMA-based swap readahead is off"; return; }
	thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
	[[ $thp != *'[always]'* ]] || { echo "THP is always: the regions would be huge pages"; return; }
	for dir in /sys/kernel/mm/transparent_hugepage/hugepages-*kB; do
		mode=$(cat "$dir/enabled" 2>/dev/null) || continue
		case $mode in
		*'[always]'*) echo "${dir##*/} is always: large anonymous folios"; return ;;
		esac
	done
	areas_spoil
}
why=$(why_unfit)
[[ -z $why ]] || skip "$why"

# ---- the host's swap area, and a memory cgroup per run ----

SCRATCH=$(mktemp -d /var/tmp/mmfs-reclaimhost.XXXXXX) || skip "no scratch directory in /var/tmp"
undo_push "rm -rf '$SCRATCH'"
mkdir "$SCRATCH/files"
undo_push "echo $(cat $PAGE_CLUSTER) >$PAGE_CLUSTER"
truncate -s $AREA_SIZE "$SCRATCH/area" || skip "no room for a swap area in /var/tmp"
LOOP=$(losetup --find --show --direct-io=on "$SCRATCH/area" 2>/dev/null) ||
	LOOP=$(losetup --find --show "$SCRATCH/area" 2>/dev/null) || skip "no free loop device"
undo_push "losetup -d $LOOP"
QUEUE=/sys/block/${LOOP#/dev/}/queue
{ echo 0 >"$QUEUE/rotational" && [[ $(cat "$QUEUE/rotational") == 0 ]]; } 2>/dev/null ||
	skip "$LOOP cannot be made non-rotational"
echo 2 >"$QUEUE/rq_affinity" 2>/dev/null || true	# completions on the probe's CPU
mkswap "$LOOP" >/dev/null 2>&1 || skip "mkswap refused $LOOP"
swapon -p 32767 "$LOOP" 2>/dev/null || skip "swapon refused $LOOP"
undo_push "swapoff $LOOP"
echo "reclaim_host: swap area $LOOP, memory cgroups of $LIMIT"

CG=
drop_memcg() {	# its processes are gone; it may take a moment to let go
	local k
	for ((k = 0; k < 50; k++)); do
		[[ -n $CG && -d $CG ]] || return 0
		rmdir "$CG" 2>/dev/null || sleep 0.1
	done
	echo "reclaim_host: $CG stays" >&2
}
undo_push drop_memcg
fresh_memcg() {
	drop_memcg
	CG=$MEMCG/mmfs-reclaim-host.$$
	mkdir "$CG" && echo $LIMIT >"$CG/memory.limit_in_bytes" || skip "cannot make and limit $CG"
	# the machine-wide swappiness, which the mount's default equals
	cat /proc/sys/vm/swappiness >"$CG/memory.swappiness" 2>/dev/null || true
}

# ---- running and judging ----

KEEP=${RECLAIM_HOST_KEEP:-}
BAD=() NOT_JUDGED=() NR=0

facts() {
	grep '^=' "$1"
}

# host_trace NAME: the scenario on a fresh area and memory cgroup, again
# until two runs in a row state the same facts with the same swap areas.
host_trace() {
	local name=$1 out=$WORK/$1.host last=$WORK/$1.host.last n areas spoil
	rm -f "$last"
	for ((n = 1; n <= 4; n++)); do
		spoil=$(areas_spoil)
		[[ -z $spoil ]] || { echo "reclaim_host: $name: not judged: $spoil" >&2; return 1; }
		swapoff "$LOOP" && swapon -p 32767 "$LOOP"	# its slots from 1 again
		areas=$(cut -f1 /proc/swaps)
		fresh_memcg
		echo 3 >$PAGE_CLUSTER
		"$PROBE" host --cg "$CG" --dev "${LOOP#/dev/}" --files "$SCRATCH/files" \
			<"$WORK/$name.steps" >"$out" || fail "$name: the host probe failed"
		if [[ -e $last && $(cut -f1 /proc/swaps) == "$areas" ]] &&
			cmp -s <(facts "$out") <(facts "$last"); then
			return 0
		fi
		((n == 1)) || echo "reclaim_host: $name: run $n on the host differs from run $((n - 1))" >&2
		cp "$out" "$last"
	done
	echo "reclaim_host: $name: not judged: four host runs, no two alike in a row" >&2
	return 1
}

# mmfs_trace NAME: the scenario on a fresh mount whose backing holds its files.
mmfs_trace() {
	local name=$1 dir=$WORK/mnt-$NR rc=0
	mmfs_mount "$dir" "${MACHINE[@]}" -o "backing=$WORK/backing-$NR"
	"$PROBE" mmfs --mount "$dir" <"$WORK/$name.steps" >"$WORK/$name.mmfs" || rc=$?
	mmfs_umount "$dir"
	((rc == 0)) || fail "$name: the mmfs probe failed (exit $rc)"
}

# The "~" measures of the host's trace and mmfs's against the tolerances
# (the steps give the size of each file); one line per measure out of them.
measures_apart() {
	awk -v room_tol="$ROOM_TOLERANCE" -v file_tol="$FILE_TOLERANCE" '
	FILENAME == ARGV[1] && $1 == "~" { host[$2] = $3; seen[$2] = 1 }
	FILENAME == ARGV[2] && $1 == "~" { mmfs[$2] = $3; seen[$2] = 1 }
	FILENAME == ARGV[3] && $1 == "file" { size[$2] = $3 }
	END {
		for (k in seen) {
			if (!(k in host) || !(k in mmfs)) {
				print k ": measured on one side only"
				continue
			}
			if (k == "room")
				continue
			if (k ~ /\.cached_at_first_swap$/) {
				f = k
				sub(/\..*/, "", f)
				if (host[k] * 100 > size[f] * file_tol || mmfs[k] * 100 > size[f] * file_tol)
					printf "%s: host %d, mmfs %d of %d pages: over %d%%\n", k,
					       host[k], mmfs[k], size[f], file_tol
				continue
			}
			apart = 100 * host[k] / host["room"] - 100 * mmfs[k] / mmfs["room"]
			if (apart > room_tol || apart < -room_tol)
				printf "%s: host %d of %d, mmfs %d of %d: %.1f points apart\n", k,
				       host[k], host["room"], mmfs[k], mmfs["room"], apart
		}
	}' "$1" "$2" "$3"
}

# scenario NAME < STEPS
scenario() {
	local name=$1 steps=$WORK/$1.steps file pages apart
	NR=$((NR + 1))
	cat >"$steps"
	mkdir -p "$WORK/backing-$NR"
	# each "file NAME PAGES" of the steps, sparse, on both sides
	while read -r _ file pages; do
		truncate -s $((pages * 4096)) "$SCRATCH/files/$file" "$WORK/backing-$NR/$file"
	done < <(grep '^file ' "$steps" || true)
	host_trace "$name" || { NOT_JUDGED+=("$name"); return 0; }
	mmfs_trace "$name"
	[[ -z $KEEP ]] || { mkdir -p "$KEEP" && cp "$WORK/$name.host" "$WORK/$name.mmfs" "$KEEP/"; }
	apart=$(measures_apart "$WORK/$name.host" "$WORK/$name.mmfs" "$steps")
	if cmp -s <(facts "$WORK/$name.host") <(facts "$WORK/$name.mmfs") && [[ -z $apart ]]; then
		echo "reclaim_host: $name: as on the host ($(facts "$WORK/$name.host" | wc -l) facts;" \
			"$(grep -c '^~' "$WORK/$name.host") measures within tolerance)"
		return 0
	fi
	BAD+=("$name")
	echo "reclaim_host: $name: mmfs differs from the host (-host +mmfs)" >&2
	diff -U 2 <(facts "$WORK/$name.host") <(facts "$WORK/$name.mmfs") | tail -n +3 |
		head -n 40 | sed 's/^/  /' >&2 || true
	[[ -z $apart ]] || sed 's/^/  measure /' <<<"$apart" >&2
}

# ---- the scenarios ----

# reclaim.md §15 A: a stream written in 4 MiB steps through a memory that
# holds two thirds of it. Oldest first: the swapped pages are a prefix,
# their slots 1, 2, 3 ... in write order, nothing activated. Then the
# first 256 pages read back at page-cluster 3 (VMA readahead, §8.3).
scenario stream <<'EOF'
pagecluster 3
anon S 24576
write S all 1024
shape S
emptycache
mark
read S 0-255
counters
check S 0-255
EOF

# A2: a hot set H read again after every step of the stream stays
# resident; C, written once after it, goes to swap whole, then the
# stream's oldest pages. H went out first and came back (its read faults
# keep their slots): C's and S's slots follow on from wherever H's ended.
scenario hot_set <<'EOF'
anon H 4096
anon C 4096
anon S 16384
write H all
write C all
between read H all
write S all 1024
shape H
shape C
shape S
check H all
EOF

# B3: 48 MiB of a file in the page cache (read(2)), then 80 MiB of
# anonymous memory written in 1 MiB steps: the clean cache goes before
# any anonymous page is swapped.
scenario cache_first <<'EOF'
file F 12288
anon A 20480
cache F
watch F A
write A all 256
shape A
EOF

# D1: 24 MiB mlocked, then a stream: the locked pages never go to swap.
scenario mlocked <<'EOF'
anon L 6144
mlock L
anon S 16384
write L all
write S all 1024
shape L
shape S
check L all
EOF

# D2: MADV_FREE on 32 MiB, its last 4 MiB written again, then a stream:
# the clean lazily freed pages are dropped (empty, read back as zeros,
# pglazyfreed), not swapped; the ones written again keep their data.
scenario lazyfree <<'EOF'
anon F 8192
write F all
free F all
write F 7168-8191
mark
anon S 16384
write S all 1024
counters
shape F
check F 0-7167
check F 7168-8191
EOF

# D3 and shmem swap-in: 96 MiB of shared anonymous memory written through
# the pressure (its oldest pages go to slots 1, 2, 3 ...; the PTEs are
# emptied, smaps counts them as Swap), then read back at page-cluster 3
# with cluster readahead: seven reads far apart first, which leave the
# machine's readahead state the same on both sides whatever it was (the
# host's is its whole history), then faults one by one.
scenario shmem <<'EOF'
shared SH 24576
write SH all 1024
shape SH
emptycache
pagecluster 3
read SH 32 96 160 224 288 352 416
mark
fault SH 1000-1020 1500 1250 1200-1202 1100
fault SH 3000 2999 2998 2997 2996 4100 4101
check SH 1000-1020
EOF

# shmem and anonymous memory written in turns, 2 MiB of each: their slots
# alternate by 512 (one cluster), so cluster readahead of a shmem page next
# to the edge reads the anonymous region's pages, whose faults are then
# minor readahead hits (to their VMA's readahead state).
mixed_steps() {
	echo "shared SH 12288"
	echo "anon S 12288"
	for ((i = 0; i < 12288; i += 512)); do
		echo "write SH $i-$((i + 511))"
		echo "write S $i-$((i + 511))"
	done
	cat <<'EOF'
shape SH
shape S
emptycache
pagecluster 3
read SH 32 96 160 224 288 352 416
mark
fault SH 1528-1535
fault S 1024 1025 1031
fault SH 2047 2046
check S 1024-1031
EOF
}
scenario shmem_mixed < <(mixed_steps)

((${#BAD[@]} == 0)) || fail "mmfs differs from the host in: ${BAD[*]}"
((${#NOT_JUDGED[@]} == 0)) || skip "the host was too busy to judge: ${NOT_JUDGED[*]}"
