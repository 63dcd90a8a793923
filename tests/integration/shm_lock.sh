# shm_lock: SHM_LOCK and SHM_UNLOCK against the host kernel.
#
# shm_lock_host.c runs on the host (a fresh IPC namespace, a swap file of
# its own): a 128 KiB segment, half touched, locked, MADV_PAGEOUT (the
# pages are culled to the unevictable list, not swapped), a page faulted
# in while locked (unevictable at once), unlocked (all rescued), paged out
# (to swap), locked again with one page swapped in (evictable until reclaim
# meets it). The same steps run here in one process; after each, both
# print the unevictable_pgs_{culled,scanned,rescued} events of the step,
# the segment's perms, rss and swap (proc/sysvipc/shm) and how many of its
# pages kpageflags marks unevictable: the two traces must be identical
# (the host's events are machine-wide: a run disturbed by other activity is
# run again, up to 3 times).
#
# Host changes, undone on exit: a 64 MiB swap file under /var/tmp, swapped
# on for the probe's run only, under /run/lock/mmfs-host-swap (the lock
# every test using the host's swap takes). Skips (77) where impossible.

command -v cc >/dev/null || { echo "shm_lock: SKIP: no C compiler" >&2; exit 77; }

# ---- mmfs ----
exec 3<>"$MNT/ctl"
echo spawn >&3 && read -r P <&3
exec 4<>"$MNT/proc/$P/ctl"
reply() { local r; { echo "$1" >&4 || true; } 2>/dev/null; read -r r <&4; echo "$r"; }
declare -A last
ev() { awk -v k="unevictable_pgs_$1" '$1 == k { print $2 }' "$MNT/proc/vmstat"; }
for e in culled scanned rescued; do last[$e]=$(ev $e); done
step() {
	local line="$1:" v seg
	for e in culled scanned rescued; do
		v=$(ev $e)
		line+=" $e $((v - last[$e]))"
		last[$e]=$v
	done
	seg=$(awk 'NR == 2 { print "perms " $3 " rss " $15 " swap " $16 }' "$MNT/proc/sysvipc/shm")
	echo "$line | ${seg:-perms - rss 0 swap 0} unevictable $("$PY" - "$MNT" "$P" "$2" <<'PYEOF'
import struct, sys
mnt, pid, a = sys.argv[1], sys.argv[2], int(sys.argv[3], 0)
n = 0
if a:
    with open(f"{mnt}/proc/{pid}/pagemap", "rb") as pm, open(f"{mnt}/proc/kpageflags", "rb") as kf:
        for i in range(32):
            pm.seek((a // 4096 + i) * 8)
            e, = struct.unpack("<Q", pm.read(8))
            if e >> 63:
                kf.seek((e & ((1 << 55) - 1)) * 8)
                n += struct.unpack("<Q", kf.read(8))[0] >> 18 & 1
print(n)
PYEOF
)"
}
{
	reply "shmget IPC_PRIVATE 128K IPC_CREAT|0600" >/dev/null
	a=$(reply "shmat 0 0 0")
	reply "touch $a 64K w" >/dev/null
	step "touch 64K" "$a"
	echo "lock $(reply 'shmctl 0 lock')"
	step locked "$a"
	echo "pageout $(reply "madvise $a 128K pageout")"
	step "pageout while locked" "$a"
	reply "touch $((a + 0x10000)) 4K w" >/dev/null
	step "a new page" "$a"
	echo "lock $(reply 'shmctl 0 lock')"
	echo "unlock $(reply 'shmctl 0 unlock')"
	step unlocked "$a"
	echo "unlock $(reply 'shmctl 0 unlock')"
	step "unlocked again" "$a"
	echo "pageout $(reply "madvise $a 128K pageout")"
	step "pageout unlocked" "$a"
	echo "lock $(reply 'shmctl 0 lock')"
	reply "touch $a 1 w" >/dev/null
	step "a page swapped in" "$a"
	echo "pageout $(reply "madvise $a 128K pageout")"
	step "pageout while locked" "$a"
	echo "rmid $(reply 'shmctl 0 rmid')"
	echo "shmdt $(reply "shmdt $a")"
	step gone 0
} >"$WORK/lock.mmfs"
echo check >&3 && read -r ok <&3
assert_eq ok "$ok" "check"

# ---- the host ----
skip() { echo "shm_lock: SKIP (host side): $*" >&2; cat "$WORK/lock.mmfs" >&2; exit 77; }
LOCK=/run/lock/mmfs-host-swap
exec {LOCKFD}>"$LOCK" || skip "cannot open $LOCK"
flock -x -w "${SWAP_HOST_LOCK_WAIT:-900}" "$LOCKFD" || skip "$LOCK is held by someone else"
[[ -r /proc/kpageflags ]] || skip "no /proc/kpageflags"
cc -O1 -o "$WORK/shm_lock_host" "$MMFS_IT_DIR/shm_lock_host.c"
SWAPFILE=$(mktemp /var/tmp/mmfs-shm-lock.XXXXXX)
cleanup_swap() {
	grep -q "^$SWAPFILE " /proc/swaps && swapoff "$SWAPFILE"
	rm -f "$SWAPFILE"
}
host_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	cleanup_swap
	_mmfs_cleanup_extra
	exit "$rc"
}
trap host_cleanup EXIT
trap 'exit 130' INT TERM
{ fallocate -l 64M "$SWAPFILE" && chmod 600 "$SWAPFILE" && mkswap "$SWAPFILE" >/dev/null &&
	swapon "$SWAPFILE"; } 2>/dev/null || { cleanup_swap; skip "cannot make a swap file"; }
# The host's events are machine-wide: another process mlocking meanwhile
# (another test) adds to them. A disturbed run is run again, up to 3 times;
# the per-segment columns and kpageflags are exact in every run.
for try in 1 2 3; do
	unshare -i "$WORK/shm_lock_host" >"$WORK/lock.host" || { cleanup_swap; fail "the host probe failed"; }
	cmp -s "$WORK/lock.host" "$WORK/lock.mmfs" && break
	echo "shm_lock: host run $try differs (other activity on the host?)" >&2
done
cleanup_swap
if ! cmp -s "$WORK/lock.host" "$WORK/lock.mmfs"; then
	# never a quiet run: the per-segment columns must still be exact, and
	# the host's events can only exceed the model's (others add, never take)
	mask() { sed 's/culled [0-9]* scanned [0-9]* rescued [0-9]*/EVENTS/' "$1"; }
	assert_eq "$(mask "$WORK/lock.mmfs")" "$(mask "$WORK/lock.host")" "SHM_LOCK: the host and mmfs (events aside)"
	paste -d'\n' "$WORK/lock.mmfs" "$WORK/lock.host" | awk '
		NR % 2 { for (i = 1; i <= NF; i++) m[i] = $i; next }
		{ for (i = 1; i <= NF; i++) if ($(i - 1) ~ /^(culled|scanned|rescued)$/ && $i + 0 < m[i] + 0)
			{ print "host " $(i - 1) " " $i " below the model'"'"'s " m[i] ": " $0; bad = 1 } }
		END { exit bad }' || fail "SHM_LOCK: a host event count below the model's"
	echo "shm_lock: the host's events were disturbed in every run; compared as host >= model" >&2
fi
