# mmfs-options: -o ram=128M,swap=64M
# zswap_host.sh - zswap against the host kernel. The same 96 pages (32 of
# zeros, 32 of text, 32 random) are paged out with MADV_PAGEOUT and read
# back a part at a time, once on the host with zswap switched on for the
# run (zswap_probe.c) and once in a process of the mount; after each step
# both print the counters' deltas and the pool's state, and the two traces
# must be identical: zeros to the zeromap, every other page to the pool,
# random pages kept as they are (one pool page each), nothing written or
# read on the device, zswpin per page read, every fault a major one. The
# pool's size is compared where the compressors cannot make a difference
# (only the random pages left): the host compresses with its lzo, mmfs with
# lz4. The debugfs file names and the parameters' formats are compared too.
#
# Host changes, all undone on exit: a 64 MiB swap file under /var/tmp
# (swapon at priority 32767), zswap's parameters (enabled, and nothing
# else), /proc/sys/vm/page-cluster (0 for the run). debugfs is mounted in a
# private mount namespace only. One thing cannot be undone: Linux sets zswap
# up at its first enable, and its debugfs directory stays. Skips (77) where
# the host cannot do it. Holds /run/lock/mmfs-host-swap, as swap_host.sh.

PROBE=${MMFS_ZSWAP_PROBE:?the zswap probe (meson passes MMFS_ZSWAP_PROBE)}
ZP=/sys/module/zswap/parameters
PC=/proc/sys/vm/page-cluster

skip() {
	echo "zswap_host: SKIP: $*" >&2
	exit 77
}
LOCK=/run/lock/mmfs-host-swap
exec {LOCKFD}>"$LOCK" || skip "cannot open $LOCK"
flock -x -w "${SWAP_HOST_LOCK_WAIT:-900}" "$LOCKFD" || skip "$LOCK is held by someone else"
((EUID == 0)) || skip "not root"
[[ -w $ZP/enabled && -w $PC ]] || skip "no zswap parameters or page-cluster to write"
[[ $(cat "$ZP/enabled") == N ]] || skip "zswap is already on: the host is not ours to judge"
command -v mkswap >/dev/null && command -v swapon >/dev/null && command -v unshare >/dev/null ||
	skip "mkswap, swapon or unshare missing"
grep -q debugfs /proc/filesystems || skip "no debugfs"

# ---- the pages, the same bytes for both sides ----
$PY - "$WORK/data" <<'EOF'
import random, sys
random.seed(18)
out = bytearray(32 * 4096)
for p in range(32):
    page = b"".join(b"page %d line %d: the quick brown fox jumps over the lazy dog\n" % (p, l) for l in range(80))
    out += page[:4096]
out += bytes(random.getrandbits(8) for _ in range(32 * 4096))
open(sys.argv[1], "wb").write(out)
EOF

# ---- the host side ----
SWAPF=$(mktemp /var/tmp/mmfs-zswap.XXXXXX)
old_pc=$(cat "$PC")
declare -A old=()
for p in enabled compressor max_pool_percent accept_threshold_percent shrinker_enabled; do
	old[$p]=$(cat "$ZP/$p")
done
host_restore() {
	echo "${old[enabled]}" >"$ZP/enabled" 2>/dev/null || true
	echo "$old_pc" >"$PC" 2>/dev/null || true
	swapoff "$SWAPF" 2>/dev/null || true
	rm -f "$SWAPF"
}
trap 'host_restore; _mmfs_cleanup_extra 2>/dev/null || true' EXIT
dd if=/dev/zero of="$SWAPF" bs=1M count=64 status=none
chmod 600 "$SWAPF"
mkswap "$SWAPF" >/dev/null || skip "mkswap $SWAPF failed"
swapon -p 32767 "$SWAPF" 2>/dev/null || skip "swapon $SWAPF failed (the file system may not take swap files)"
echo 0 >"$PC"
echo Y >"$ZP/enabled"
mkdir -p "$WORK/dbg"
unshare -m --propagation private sh -c 'mount -t debugfs none "$1" && ls "$1/zswap" >"$2/host.files" &&
	exec "$3" "$4" "$1/zswap"' sh "$WORK/dbg" "$WORK" "$PROBE" "$WORK/data" >"$WORK/host.trace" ||
	fail "the host probe failed: $(cat "$WORK/host.trace")"
host_params="$(cat "$ZP/enabled") $(cat "$ZP/max_pool_percent") $(cat "$ZP/accept_threshold_percent") $(cat "$ZP/shrinker_enabled")"
host_restore
trap '_mmfs_cleanup_extra 2>/dev/null || true' EXIT

# ---- the mmfs side: the same steps through the mount ----
P=$MNT/sys/module/zswap/parameters D=$MNT/sys/kernel/debug/zswap
echo 0 >"$MNT/proc/sys/vm/page-cluster"
echo Y >"$P/enabled"
ls "$D" >"$WORK/mmfs.files"
exec 4<>"$MNT/ctl"
echo spawn >&4
read -r W <&4
exec 5<>"$MNT/proc/$W/ctl"
pcmd() {
	local r
	echo "$*" >&5
	read -r r <&5
	[[ $r == 0 || $r == 0x* ]] || fail "$*: $r"
}
A=0x100000000
pcmd mmap $A 384K rw- private,anon,fixed
dd if="$WORK/data" of="$MNT/proc/$W/mem" bs=4096 seek=$((A / 4096)) conv=notrunc status=none
pcmd touch $A 128K w	# the zeros are pages of zeros, as memcpy made them on the host
evs="swpout_zero zswpout pswpout zswpin pswpin"
declare -A b=()
for e in $evs; do b[$e]=$(vmstat_val "$e"); done
maj0=$(awk '{ print $12 }' "$MNT/proc/$W/stat")
step() {
	local line="$1" e
	for e in $evs; do line+=" $e=$(($(vmstat_val "$e") - b[$e]))"; done
	line+=" majflt=$(($(awk '{ print $12 }' "$MNT/proc/$W/stat") - maj0))"
	line+=" stored_pages=$(cat "$D/stored_pages")"
	line+=" stored_incompressible_pages=$(cat "$D/stored_incompressible_pages")"
	if (($2)); then line+=" pool_total_size=$(cat "$D/pool_total_size")"; else line+=" pool_total_size=-"; fi
	echo "$line"
}
{
	step start 0
	pcmd madvise $A 384K pageout
	step pageout 0
	pcmd touch $A 256K r
	step read_zero_text 1
	pcmd touch $((A + 256 * 1024)) 128K r
	step read_random 1
} >"$WORK/mmfs.trace"
dd if="$MNT/proc/$W/mem" bs=4096 skip=$((A / 4096)) count=96 status=none | cmp -s - "$WORK/data" ||
	fail "the pages came back changed in mmfs"
mmfs_params="$(cat "$P/enabled") $(cat "$P/max_pool_percent") $(cat "$P/accept_threshold_percent") $(cat "$P/shrinker_enabled")"

assert_eq "$(cat "$WORK/host.files")" "$(cat "$WORK/mmfs.files")" "the files of debugfs/zswap"
assert_eq "$host_params" "$mmfs_params" "enabled max_pool_percent accept_threshold_percent shrinker_enabled"
assert_eq "$(cat "$WORK/host.trace")" "$(cat "$WORK/mmfs.trace")" "the traces (host, then mmfs)"
assert_eq ok "$(echo check >&4; read -r r <&4; echo "$r")" "check"
