# mmfs_up: scripts/mmfs-up, the README's first command, run twice: the
# second run says what is mounted and with which options, once, and refuses
# options it cannot apply instead of dropping them.
ROOT=$(realpath "$MMFS_IT_DIR/../..")
UP=$ROOT/scripts/mmfs-up
[[ -x $UP ]] || fail "no $UP"
if mountpoint -q "$ROOT/mnt"; then
	echo "mmfs_up: SKIP: $ROOT/mnt is mounted already (not by this test)" >&2
	exit 77
fi
up_cleanup() { fusermount3 -u "$ROOT/mnt" 2>/dev/null || true; }
trap 'up_cleanup; _mmfs_cleanup_extra' EXIT

out=$("$UP" -o ram=512M,swap=0 2>&1) || fail "mmfs-up exited $?: $out"
assert_match 'mmfs is mounted at \./mnt' "$out" "first mmfs-up"
assert_eq $((0)) "$(meminfo_kb SwapTotal "$ROOT/mnt")" "the options of the first run"

out=$("$UP" 2>&1) || fail "mmfs-up, mounted already, without options exited $?: $out"
assert_eq "mmfs: ./mnt is already mounted, with options: -o ram=512M,swap=0
Stop it with:  fusermount3 -u mnt" "$out" "second mmfs-up"

rc=0
out=$("$UP" -o ram=2G 2>&1) || rc=$?
assert_eq 1 "$rc" "mmfs-up with options it cannot apply"
assert_eq "mmfs: ./mnt is already mounted, with options: -o ram=512M,swap=0
mmfs: not applied: -o ram=2G; unmount first (fusermount3 -u mnt), then run this again" \
	"$out" "mmfs-up with options, mounted already"
fusermount3 -u "$ROOT/mnt"
