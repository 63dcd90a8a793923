# malloc: glibc 2.36's allocator as per-process commands (doc/malloc.md).
# The replies of a hand-checked session (pointers and breaks from the host's
# glibc), a double free that aborts the process, a journal that replays a
# malloc session byte for byte, and `mmfs-difftest malloc` over fixed seeds:
# the host's glibc runs the same calls and must give the same pointers,
# breaks and maps after every call.

DT=${MMFS_DIFFTEST:-${MMFS_DIFFTEST_BUILT:-$(dirname "$MMFS")/../tools/difftest/mmfs-difftest}}
[[ -x $DT ]] || fail "no mmfs-difftest at $DT"
[[ -x $(dirname "$DT")/mmfs-malloc-host ]] || fail "no mmfs-malloc-host beside $DT"
SEEDS=${MALLOC_SEEDS:-12}
OPS=${MALLOC_OPS:-300}

# ---- a session, replies exact ----
exec 3<>"$MNT/ctl"
echo spawn >&3 && read -r p <&3
exec 4<>"$MNT/proc/$p/ctl"
call() { echo "$1" >&4 2>/dev/null || true; read -r REPLY <&4; }
call "malloc 10";	assert_eq 0x5555555592a0 "$REPLY" "first malloc"
call "brk 0";		assert_eq 0x55555557a000 "$REPLY" "brk after the first malloc"
call "malloc 200K";	assert_eq 0x7ffff7d9d010 "$REPLY" "malloc 200K: an mmap'd chunk"
grep -q '^7ffff7d9d000-7ffff7dd3000 rw-p 00000000 00:00 0 *$' "$MNT/proc/$p/maps" ||
	fail "the 200K chunk's mapping: $(cat "$MNT/proc/$p/maps")"
call "free 0x7ffff7d9d010";	assert_eq 0 "$REPLY" "free of the mmap'd chunk"
grep -q '^7ffff7dd0000-7ffff7dd3000 ' "$MNT/proc/$p/maps" || fail "munmap did not happen"
call "mallopt M_TOP_PAD 0";	assert_eq 1 "$REPLY" "mallopt"
call "mallopt M_BOGUS 0";	assert_eq "error EINVAL: unknown mallopt parameter 'M_BOGUS'" "$REPLY"
call "calloc 4 100";	assert_eq 0x5555555592c0 "$REPLY" "calloc"
# the header glibc wrote is in the process's memory: size 0x1a0 | PREV_INUSE
hdr=$(dd if="$MNT/proc/$p/mem" bs=8 count=1 skip=$((0x5555555592b8)) iflag=skip_bytes \
	status=none | od -An -tx8 | tr -d ' ')
assert_eq 00000000000001a1 "$hdr" "calloc's chunk header in proc/PID/mem"
call "realloc 0x5555555592c0 1000";	assert_eq 0x5555555592c0 "$REPLY" "realloc grows into the top"
call "memalign 4096 100";	assert_eq 0x55555555a000 "$REPLY" "memalign"
call "malloc_trim 0";	assert_eq 1 "$REPLY" "malloc_trim"
call "brk 0";		assert_eq 0x55555555b000 "$REPLY" "the break after malloc_trim"
echo malloc_stats >&4
stats=$(for i in 1 2 3 4 5 6 7 8; do read -r l <&4; echo "$l"; done)
assert_eq "Arena 0:
system bytes     =       8192
in use bytes     =       1808
Total (incl. mmap):
system bytes     =       8192
in use bytes     =       1808
max mmap regions =          1
max mmap bytes   =     208896" "$stats" "malloc_stats"
call "free 0x5555555592c0";	assert_eq 0 "$REPLY" "free"
call "free 0x5555555592c0"
assert_eq "error EINTR: free(): double free detected in tcache 2: the process was killed by SIGABRT" \
	"$REPLY" "double free"
grep -q "\[$p\]: free(): double free detected in tcache 2: killed by signal 6 (SIGABRT)" \
	"$MNT/proc/kmsg" || fail "no abort line in kmsg: $(tail -3 "$MNT/proc/kmsg")"
[[ ! -e $MNT/proc/$p ]] || fail "the aborted process is still there"
exec 4>&-
echo check >&3 && read -r r <&3
assert_eq ok "$r" "check"
exec 3>&-

# ---- the journal replays a malloc session byte for byte ----
J=$WORK/journal
M=$WORK/jm
mmfs_mount "$M" -o "journal=$J,backing=$WORK/jb"
exec 3<>"$M/ctl"
echo spawn >&3 && read -r q <&3
exec 4<>"$M/proc/$q/ctl"
for c in "malloc 100" "malloc 5000" "calloc 10 1000" "malloc 300K" "mallopt M_MMAP_THRESHOLD 1048576" \
	"malloc 600K" "fork" "malloc 24" "malloc_trim 0"; do
	echo "$c" >&4 && read -r r <&4
	[[ $c == fork ]] && child=$r
done
exec 5<>"$M/proc/$child/ctl"
echo "malloc 700K" >&5 && read -r r <&5
exec 3>&- 4>&- 5>&-
before=$(cat "$M/proc/$q/maps" "$M/proc/$child/maps" "$M/proc/$q/smaps_rollup" "$M/proc/meminfo")
mmfs_umount "$M"
mmfs_mount "$M" -o "journal=$J,backing=$WORK/jb"
after=$(cat "$M/proc/$q/maps" "$M/proc/$child/maps" "$M/proc/$q/smaps_rollup" "$M/proc/meminfo")
assert_eq "$before" "$after" "the machine rebuilt from the journal"
exec 4<>"$M/proc/$child/ctl"
echo "malloc 24" >&4 && read -r r <&4
assert_eq 0x5555556a1de0 "$r" "the child's allocator state survives the replay"
exec 4>&-
mmfs_umount "$M"

# ---- the host's glibc judges: fixed seeds ----
out=$("$DT" malloc --mount "$MNT" --seed 1 --seeds "$SEEDS" --ops "$OPS") ||
	fail "mmfs-difftest malloc: $out"
# the heap profile: no mmap'd chunks; large bins, consolidation, trims
out=$("$DT" malloc --heap --mount "$MNT" --seed 200 --seeds "$((SEEDS / 2))" --ops "$OPS") ||
	fail "mmfs-difftest malloc --heap: $out"
# the bug profile: each script ends with a double free (tcache, fasttop), a
# size or next size overwritten, or a free chunk's link overwritten; glibc's
# message and the signal must be the host's
out=$("$DT" malloc --bug --mount "$MNT" --seed 1 --seeds "$SEEDS" --ops 50) ||
	fail "mmfs-difftest malloc --bug: $out"
# threads: calls spread over up to 3 threads besides the main one, made and
# ended by the script: per-thread arenas (64 MiB heaps), tcaches, stacks
out=$("$DT" malloc --threads 3 --mount "$MNT" --seed 1 --seeds "$((SEEDS / 2))" --ops "$OPS") ||
	fail "mmfs-difftest malloc --threads 3: $out"
out=$("$DT" malloc --threads 3 --heap --mount "$MNT" --seed 200 --seeds "$((SEEDS / 4))" \
	--ops "$OPS") || fail "mmfs-difftest malloc --threads 3 --heap: $out"
# seeds that found divergences: a new arena sized for memalign's padded
# request (105, 4 threads), a failed calloc retried in main_arena (102, 8)
out=$("$DT" malloc --threads 4 --mount "$MNT" --seed 105 --ops 400) ||
	fail "mmfs-difftest malloc --threads 4 --seed 105: $out"
out=$("$DT" malloc --threads 8 --mount "$MNT" --seed 102 --ops 400) ||
	fail "mmfs-difftest malloc --threads 8 --seed 102: $out"
# a bug in a threaded process: glibc's abort kills every thread (the daemon
# once crashed here: the killed threads ran glibc's thread exit on the heap)
out=$("$DT" malloc --bug --threads 3 --mount "$MNT" --seed 1 --seeds "$SEEDS" --ops 80) ||
	fail "mmfs-difftest malloc --bug --threads 3: $out"
