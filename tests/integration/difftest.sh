# difftest.sh - the host kernel judges mmfs: every script of tests/diff/ and
# seeded random scripts run on the host (mmfs-difftest's runner) and in this
# mount, step by step; replies and the window's VMAs must be identical.
# First the tool checks itself: the host against the host must agree, and a
# trace with one wrong line must be caught. See doc/difftest.md.
# mmfs-options: -o swap=0
# (the host has no swap: MADV_PAGEOUT must not swap out on either side)

# MMFS_DIFFTEST (from scripts/run-tests: an uninstrumented build) wins over
# the tool built beside this daemon: the host runner must not run under ASan.
DT=${MMFS_DIFFTEST:-${MMFS_DIFFTEST_BUILT:-$(dirname "$MMFS")/../tools/difftest/mmfs-difftest}}
[[ -x $DT ]] || fail "no mmfs-difftest at $DT"
SCEN=$(realpath "$MMFS_IT_DIR/../diff")
SEEDS=${DIFFTEST_SEEDS:-20}
OPS=${DIFFTEST_OPS:-400}

mkdir -p "$WORK/host-a" "$WORK/host-b" "$WORK/backing"
for d in "$WORK/host-a" "$WORK/host-b" "$WORK/backing"; do
	"$DT" files "$d" || fail "mmfs-difftest files $d"
done

# ---- the tool against itself ----

rc=0
"$DT" compare -a "host:$WORK/host-a" -b "host:$WORK/host-b" "$SCEN"/*.cmds \
	>"$WORK/self.out" 2>&1 || rc=$?
((rc == 0)) || { cat "$WORK/self.out" >&2; fail "host against host differs (exit $rc)"; }
rc=0
"$DT" random -a "host:$WORK/host-a" -b "host:$WORK/host-b" --seed 1000 --seeds 2 \
	--ops 300 >"$WORK/self-random.out" 2>&1 || rc=$?
((rc == 0)) || { head -80 "$WORK/self-random.out" >&2; fail "host against host differs (exit $rc)"; }

# A recorded host trace with one VMA line changed must be reported.
"$DT" host --files "$WORK/host-a" "$SCEN/vma_merge_simple.cmds" >"$WORK/simple.trace" ||
	fail "mmfs-difftest host failed"
sed '0,/^500000201000-500000202000 r--p/s//500000201000-500000202000 rw-p/' \
	"$WORK/simple.trace" >"$WORK/simple.bad"
cmp -s "$WORK/simple.trace" "$WORK/simple.bad" && fail "the trace was not altered"
rc=0
"$DT" compare -a "host:$WORK/host-b" -b "trace:$WORK/simple.bad" \
	"$SCEN/vma_merge_simple.cmds" >"$WORK/bad.out" 2>&1 || rc=$?
assert_eq 1 "$rc" "exit status of a compare against a wrong trace"
assert_match 'DIFFERENCE in .* at step 5 .*mprotect 0x500000201000 4K r--' \
	"$(cat "$WORK/bad.out")" "the reported difference"
# ... and the unaltered trace must agree
"$DT" compare -a "host:$WORK/host-b" -b "trace:$WORK/simple.trace" \
	"$SCEN/vma_merge_simple.cmds" >/dev/null || fail "host against its own trace differs"

# ---- mmfs against the host ----

failed=()
for s in "$SCEN"/*.cmds; do
	name=$(basename "$s" .cmds)
	rc=0
	"$DT" compare --rss -a "host:$WORK/host-a" -b "mmfs:$MNT" "$s" >"$WORK/$name.out" 2>&1 || rc=$?
	if ((rc != 0)); then
		failed+=("$name")
		echo "---- $name (exit $rc)" >&2
		head -60 "$WORK/$name.out" >&2
	fi
done
rc=0
"$DT" random --rss -a "host:$WORK/host-a" -b "mmfs:$MNT" --seed 1 --seeds "$SEEDS" --ops "$OPS" \
	>"$WORK/random.out" 2>&1 || rc=$?
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
