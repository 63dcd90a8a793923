# difftest.sh - the host kernel judges mmfs: every script of tests/diff/ and
# seeded random scripts run on the host (mmfs-difftest's runner) and in this
# mount, step by step; replies and the window's VMAs must be identical.
# First the tool checks itself: the host against the host must agree, and a
# trace with one wrong line must be caught. See doc/difftest.md.
# mmfs-options: -o swap=0
# (MADV_PAGEOUT swaps out on both sides or on neither: a host with swap
# active gets a second machine with swap, below)

# MMFS_DIFFTEST (from scripts/run-tests: an uninstrumented build) wins over
# the tool built beside this daemon: the host runner must not run under ASan.
DT=${MMFS_DIFFTEST:-${MMFS_DIFFTEST_BUILT:-$(dirname "$MMFS")/../tools/difftest/mmfs-difftest}}
[[ -x $DT ]] || fail "no mmfs-difftest at $DT"
SCEN=$(realpath "$MMFS_IT_DIR/../diff")
SEEDS=${DIFFTEST_SEEDS:-20}
OPS=${DIFFTEST_OPS:-400}

# The host's fixture goes on a zram disk when one can be had: its reads
# complete as they are submitted, so a retried fault finds every page its
# readahead read, however busy the machine (the quiet case mmfs models).
# The disk gets the readahead window of the disk WORK is on, the one the
# host would otherwise use. Without zram the fixture stays in WORK.
HOSTFIX=$WORK
ZRAM_ID=
zram_fixture() {
	local ra
	[[ -w /sys/class/zram-control/hot_add ]] && command -v mkfs.ext4 >/dev/null || return 1
	ra=$(cat "/sys/class/bdi/$(stat -c '%Hd:%Ld' "$WORK")/read_ahead_kb") || return 1
	ZRAM_ID=$(cat /sys/class/zram-control/hot_add) || return 1
	echo 64M >"/sys/block/zram$ZRAM_ID/disksize" &&
		mkfs.ext4 -q -b 4096 "/dev/zram$ZRAM_ID" && mkdir -p "$WORK/zram" &&
		mount "/dev/zram$ZRAM_ID" "$WORK/zram" &&
		echo "$ra" >"/sys/block/zram$ZRAM_ID/queue/read_ahead_kb" || return 1
	HOSTFIX=$WORK/zram
}
zram_cleanup() {
	[[ -n $ZRAM_ID ]] || return 0
	if mountpoint -q "$WORK/zram"; then
		umount "$WORK/zram" || umount -l "$WORK/zram"
	fi
	echo "$ZRAM_ID" >/sys/class/zram-control/hot_remove || true
	ZRAM_ID=
}
trap 'zram_cleanup; _mmfs_cleanup_extra' EXIT
zram_fixture 2>/dev/null || { zram_cleanup; HOSTFIX=$WORK; }

BACKINGS=("$WORK/backing")
# The host swaps what MADV_PAGEOUT hands it (anonymous and shmem pages)
# when it has an active swap device; so must the model, or neither.
if awk 'NR > 1 { found = 1 } END { exit !found }' /proc/swaps; then
	echo "difftest: the host has swap active: comparing with a machine that has swap too" >&2
	mkdir -p "$WORK/backing-swap"
	mmfs_mount "$WORK/mnt-swap" -o "swap=256M,backing=$WORK/backing-swap"
	MNT=$WORK/mnt-swap
	BACKINGS+=("$WORK/backing-swap")
fi

mkdir -p "$HOSTFIX/host-a" "$HOSTFIX/host-b" "$WORK/backing"
for d in "$HOSTFIX/host-a" "$HOSTFIX/host-b" "${BACKINGS[@]}"; do
	"$DT" files "$d" || fail "mmfs-difftest files $d"
done

# Without zram the host's file reads are real disk I/O: a retried fault
# maps only the pages whose read has completed, which a busy machine makes
# fewer (doc/difftest.md). The model is deterministic, so a difference
# must show again on a second run to count; one that does not was the
# host's timing.
compare_twice() {	# NAME ARGS...: 0 if the two sides agree, at least once
	local name=$1 rc=0
	shift
	"$DT" "$@" >"$WORK/$name.out" 2>&1 || rc=$?
	((rc == 1)) || return "$rc"
	rc=0
	"$DT" "$@" >"$WORK/$name.again" 2>&1 || rc=$?
	((rc == 0)) && echo "$name: differed once, agreed on a second run (host I/O timing)" >&2
	return "$rc"
}

# ---- the tool against itself ----

rc=0
compare_twice self compare -a "host:$HOSTFIX/host-a" -b "host:$HOSTFIX/host-b" "$SCEN"/*.cmds || rc=$?
((rc == 0)) || { cat "$WORK/self.out" >&2; fail "host against host differs (exit $rc)"; }
rc=0
compare_twice self-random random -a "host:$HOSTFIX/host-a" -b "host:$HOSTFIX/host-b" --seed 1000 \
	--seeds 2 --ops 300 || rc=$?
((rc == 0)) || { head -80 "$WORK/self-random.out" >&2; fail "host against host differs (exit $rc)"; }

# A recorded host trace with one VMA line changed must be reported.
"$DT" host --files "$HOSTFIX/host-a" "$SCEN/vma_merge_simple.cmds" >"$WORK/simple.trace" ||
	fail "mmfs-difftest host failed"
sed '0,/^500000201000-500000202000 r--p/s//500000201000-500000202000 rw-p/' \
	"$WORK/simple.trace" >"$WORK/simple.bad"
cmp -s "$WORK/simple.trace" "$WORK/simple.bad" && fail "the trace was not altered"
rc=0
"$DT" compare -a "host:$HOSTFIX/host-b" -b "trace:$WORK/simple.bad" \
	"$SCEN/vma_merge_simple.cmds" >"$WORK/bad.out" 2>&1 || rc=$?
assert_eq 1 "$rc" "exit status of a compare against a wrong trace"
assert_match 'DIFFERENCE in .* at step 5 .*mprotect 0x500000201000 4K r--' \
	"$(cat "$WORK/bad.out")" "the reported difference"
# ... and the unaltered trace must agree
"$DT" compare -a "host:$HOSTFIX/host-b" -b "trace:$WORK/simple.trace" \
	"$SCEN/vma_merge_simple.cmds" >/dev/null || fail "host against its own trace differs"

# ---- mmfs against the host ----

failed=()
for s in "$SCEN"/*.cmds; do
	name=$(basename "$s" .cmds)
	rc=0
	compare_twice "$name" compare --rss -a "host:$HOSTFIX/host-a" -b "mmfs:$MNT" "$s" || rc=$?
	if ((rc != 0)); then
		failed+=("$name")
		echo "---- $name (exit $rc)" >&2
		head -60 "$WORK/$name.out" >&2
	fi
done
rc=0
"$DT" random --rss -a "host:$HOSTFIX/host-a" -b "mmfs:$MNT" --seed 1 --seeds "$SEEDS" --ops "$OPS" \
	>"$WORK/random.out" 2>&1 || rc=$?
if ((rc == 1)); then
	rc=0
	for seed in $(sed -n 's/^DIFFERENCE in random seed \([0-9]*\) .*/\1/p' "$WORK/random.out"); do
		compare_twice "seed$seed" random --rss -a "host:$HOSTFIX/host-a" -b "mmfs:$MNT" \
			--seed "$seed" --ops "$OPS" || rc=1
	done
fi
if ((rc != 0)); then
	failed+=(random)
	echo "---- random, seeds 1..$SEEDS x $OPS ops (exit $rc); first differences:" >&2
	grep -A3 '^DIFFERENCE' "$WORK/random.out" | head -60 >&2
	tail -2 "$WORK/random.out" >&2
fi

# the model's invariants still hold after all of it
exec 3<>"$MNT/ctl"
echo check >&3 || true
read -r verdict <&3
exec 3>&-
assert_eq ok "$verdict" "check after the differential runs"

((${#failed[@]} == 0)) || fail "mmfs differs from the host kernel in: ${failed[*]}"
