# mmfs-options: -o ram=128M,swap=256M
# zswap: the compressed pool in front of swap, driven as a person drives
# Linux's: enable it through sys/module/zswap/parameters, push pages out
# (MADV_PAGEOUT), read sys/kernel/debug/zswap, meminfo and vmstat, bring
# the pages back through proc/PID/mem and compare every byte. Counters are
# exact: zeros go to the swap layer (swpout_zero), text to the pool,
# random bytes to the pool as they are (stored_incompressible_pages); a
# full pool refuses stores (pool_limit_hit) and writes its oldest entries
# back when the command is over (zswpwb = written_back_pages).

P=$MNT/sys/module/zswap/parameters
D=$MNT/sys/kernel/debug/zswap
exec 4<>"$MNT/ctl"
gcmd() {
	local r
	echo "$*" >&4 2>/dev/null || true
	read -r r <&4
	printf '%s' "$r"
}
check_ok() {
	assert_eq ok "$(gcmd check)" "check after $1"
}
dbg() { cat "$D/$1"; }

# ---- the parameters as 6.18 has them; debugfs only after the first enable ----
assert_eq "accept_threshold_percent compressor enabled max_pool_percent shrinker_enabled" \
	"$(ls "$P" | tr '\n' ' ' | sed 's/ $//')" "zswap's parameters"
assert_eq "N lz4 20 90 N" "$(cat "$P/enabled" "$P/compressor" "$P/max_pool_percent" \
	"$P/accept_threshold_percent" "$P/shrinker_enabled" | tr '\n' ' ' | sed 's/ $//')" "defaults"
assert_missing "$D"
expect_fail "Invalid argument" "echo maybe > '$P/enabled'"
echo Y >"$P/enabled"
assert_eq Y "$(cat "$P/enabled")" "enabled"
assert_exists "$D"
assert_eq "decompress_fail pool_limit_hit pool_total_size reject_alloc_fail reject_compress_fail reject_compress_poor reject_kmemcache_fail reject_reclaim_fail stored_incompressible_pages stored_pages written_back_pages" \
	"$(ls "$D" | tr '\n' ' ' | sed 's/ $//')" "the debugfs files of 6.18"
grep -q 'zswap: loaded using pool lz4$' "$MNT/proc/kmsg" || fail "no 'loaded using pool lz4' in kmsg"
expect_fail "No such file or directory" "echo lzo > '$P/compressor'"
assert_eq lz4 "$(cat "$P/compressor")" "compressor after a refused write"

# ---- text, random bytes and zeros out ----
W=$(gcmd spawn worker)
exec 5<>"$MNT/proc/$W/ctl"
pcmd() {
	local r
	echo "$*" >&5 2>/dev/null || true
	read -r r <&5
	printf '%s' "$r"
}
A=0x100000000
assert_eq $A "$(pcmd mmap $A 256K rw- private,anon,fixed)" "mmap"
# pages 0-31 text, 32-47 random (seeded), 48-63 zeros
$PY - "$WORK/data" <<'EOF'
import random, sys
random.seed(15)
out = bytearray()
for p in range(32):
    page = b"".join(b"page %d line %d: the quick brown fox jumps over the lazy dog\n" % (p, l) for l in range(80))
    out += page[:4096]
for p in range(16):
    out += bytes(random.getrandbits(8) for _ in range(4096))
out += bytes(16 * 4096)
open(sys.argv[1], "wb").write(out)
EOF
dd if="$WORK/data" of="$MNT/proc/$W/mem" bs=4096 seek=$((A / 4096)) conv=notrunc status=none
assert_eq 0 "$(pcmd touch $((A + 48 * 4096)) 64K w)" "touch the zeros"
v0_out=$(vmstat_val zswpout) z0=$(vmstat_val swpout_zero) p0=$(vmstat_val pswpout)
assert_eq 0 "$(pcmd madvise $A 256K pageout)" "pageout"
check_ok pageout
assert_eq 48 "$(($(vmstat_val zswpout) - v0_out))" "zswpout"
assert_eq 16 "$(($(vmstat_val swpout_zero) - z0))" "swpout_zero: zeros never reach zswap"
assert_eq 0 "$(($(vmstat_val pswpout) - p0))" "pswpout: nothing written"
assert_eq 48 "$(dbg stored_pages)" "stored_pages"
assert_eq 16 "$(dbg stored_incompressible_pages)" "stored_incompressible_pages"
assert_eq 0 "$(dbg reject_compress_poor)" "reject_compress_poor (6.18 keeps them)"
size=$(dbg pool_total_size)
((size % 4096 == 0 && size > 16 * 4096 && size < 16 * 4096 + 16 * 4096)) ||
	fail "pool_total_size $size: 16 pages as they are and 32 pages of text in under 16"
assert_eq $((size / 1024)) "$(meminfo_kb Zswap)" "meminfo Zswap = pool_total_size"
assert_eq 192 "$(meminfo_kb Zswapped)" "meminfo Zswapped = stored pages x 4 kB"
assert_eq 0 "$(meminfo_kb SwapCached)" "SwapCached: no page waits for I/O"

# ---- back in: every byte, counted as zswpin, still major faults ----
in0=$(vmstat_val zswpin) maj0=$(vmstat_val pgmajfault) pin0=$(vmstat_val pswpin)
dd if="$MNT/proc/$W/mem" of="$WORK/back" bs=4096 skip=$((A / 4096)) count=64 status=none
cmp -s "$WORK/data" "$WORK/back" || fail "the pages came back changed"
check_ok "read back"
assert_eq 48 "$(($(vmstat_val zswpin) - in0))" "zswpin"
assert_eq 0 "$(($(vmstat_val pswpin) - pin0))" "pswpin"
maj=$(($(vmstat_val pgmajfault) - maj0))
((maj > 0 && maj < 64)) || fail "major faults $maj: one per readahead window"
assert_eq 0 "$(dbg stored_pages)" "stored_pages after reading all back"
assert_eq 0 "$(dbg pool_total_size)" "pool_total_size after reading all back"

# ---- a full pool: 1% of RAM; refused stores go to the device, the worker writes back ----
echo 1 >"$P/max_pool_percent"
max=$(($(meminfo_kb MemTotal) / 4 / 100))
thr=$((max * 90 / 100))
n=$((max + 40))
B=0x200000000
assert_eq $B "$(pcmd mmap $B $((n * 4))K rw- private,anon,fixed)" "mmap B"
$PY - "$WORK/rand" "$n" <<'EOF'
import random, sys
random.seed(16)
open(sys.argv[1], "wb").write(bytes(random.getrandbits(8) for _ in range(int(sys.argv[2]) * 4096)))
EOF
dd if="$WORK/rand" of="$MNT/proc/$W/mem" bs=4096 seek=$((B / 4096)) conv=notrunc status=none
p0=$(vmstat_val pswpout) wb0=$(vmstat_val zswpwb)
assert_eq 0 "$(pcmd madvise $B $((n * 4))K pageout)" "pageout B"
check_ok "pageout B"
assert_eq 40 "$(dbg pool_limit_hit)" "pool_limit_hit: one per refused page"
wb=$(dbg written_back_pages)
assert_eq "$wb" "$(($(vmstat_val zswpwb) - wb0))" "zswpwb = written_back_pages"
((wb > 0 && $(dbg stored_pages) == max - wb && max - wb <= thr)) ||
	fail "the worker wrote back $wb of $max: stored $(dbg stored_pages), threshold $thr"
assert_eq $((40 + wb)) "$(($(vmstat_val pswpout) - p0))" "pswpout: refused pages and written-back ones"
dd if="$MNT/proc/$W/mem" of="$WORK/rback" bs=4096 skip=$((B / 4096)) count=$n status=none
cmp -s "$WORK/rand" "$WORK/rback" || fail "the pages written back came back changed"
check_ok "read back B"

# ---- the shrinker: drop_caches 2 runs it (do_shrink_slab at priority 0) ----
# 200 new entries: the first drop's first batch only takes their marks off, so
# it writes nothing and defers 400; the second writes all 200 back.
echo 100 >"$P/max_pool_percent"
echo Y >"$P/shrinker_enabled"
T=$MNT/sys/kernel/tracing
echo 1 >"$T/events/vmscan/mm_shrink_slab_start/enable"
echo 1 >"$T/events/vmscan/mm_shrink_slab_end/enable"
C=0x300000000
assert_eq $C "$(pcmd mmap $C 800K rw- private,anon,fixed)" "mmap C"
head -c 819200 "$WORK/rand" >"$WORK/crand"
dd if="$WORK/crand" of="$MNT/proc/$W/mem" bs=4096 seek=$((C / 4096)) conv=notrunc status=none
assert_eq 0 "$(pcmd madvise $C 800K pageout)" "pageout C"
assert_eq 200 "$(dbg stored_pages)" "200 incompressible entries"
wb0=$(dbg written_back_pages) z0=$(vmstat_val zswpwb)
echo 2 >"$MNT/proc/sys/vm/drop_caches"
assert_eq "$wb0" "$(dbg written_back_pages)" "the first drop only takes marks off"
echo 2 >"$MNT/proc/sys/vm/drop_caches"
assert_eq $((wb0 + 200)) "$(dbg written_back_pages)" "the second drop writes back all 200"
assert_eq $((z0 + 200)) "$(vmstat_val zswpwb)" "zswpwb"
check_ok "shrinker"
grep -q 'zswap_shrinker_scan .*nid: 0 objects to shrink 0 gfp_flags GFP_KERNEL cache items 200 delta 400 total_scan 400 priority 0' "$T/trace" ||
	fail "no mm_shrink_slab_start for zswap_shrinker_scan: $(grep zswap "$T/trace" | head -3)"
grep -q 'zswap_shrinker_scan .*nid: 0 unused scan count 400 new scan count 400 total_scan 16 last shrinker return val 200' "$T/trace" ||
	fail "no mm_shrink_slab_end for the second drop: $(grep zswap "$T/trace" | head -4)"
echo 0 >"$T/events/vmscan/mm_shrink_slab_start/enable"
echo 0 >"$T/events/vmscan/mm_shrink_slab_end/enable"
dd if="$MNT/proc/$W/mem" of="$WORK/cback" bs=4096 skip=$((C / 4096)) count=200 status=none
cmp -s "$WORK/crand" "$WORK/cback" || fail "the pages the shrinker wrote back came back changed"
echo N >"$P/shrinker_enabled"

# ---- off again: new pages go to the device, nothing is left in the pool ----
echo N >"$P/enabled"
assert_eq N "$(cat "$P/enabled")" "disabled"
assert_eq 0 "$(pcmd madvise $A 128K pageout)" "pageout with zswap off"
assert_eq 0 "$(dbg stored_pages)" "stored_pages with zswap off"
assert_eq 0 "$(gcmd kill "$W")" "kill"
check_ok end

# ---- the journal: a replay rebuilds the same pool, entry for entry ----
J=$WORK/zswap.journal JB=$WORK/jbacking JM=$WORK/jmnt
mkdir -p "$JB"
state() {	# what the pool and its counters look like, and check's verdict
	local m=$1 verdict
	(cd "$m/sys/kernel/debug/zswap" && grep -H . ./*)
	grep -E '^(Zswap|Zswapped|SwapCached|MemFree):' "$m/proc/meminfo"
	grep -E '^(zswp|pswp|swpout_zero|pgmajfault)' "$m/proc/vmstat"
	cat "$m/sys/module/zswap/parameters/compressor"
	exec 6<>"$m/ctl"
	echo check >&6
	read -r verdict <&6
	exec 6>&-
	echo "check: $verdict"
}
mmfs_mount "$JM" -o "journal=$J,backing=$JB,ram=128M,swap=256M"
echo 1 >"$JM/sys/module/zswap/parameters/enabled"
echo zstd >"$JM/sys/module/zswap/parameters/compressor"
exec 6<>"$JM/ctl"
echo spawn >&6
read -r JW <&6
exec 6>&-
exec 7<>"$JM/proc/$JW/ctl"
echo "mmap $A 256K rw- private,anon,fixed" >&7
read -r r <&7
dd if="$WORK/data" of="$JM/proc/$JW/mem" bs=4096 seek=$((A / 4096)) conv=notrunc status=none
echo "madvise $A 256K pageout" >&7
read -r r <&7
dd if="$JM/proc/$JW/mem" of=/dev/null bs=4096 skip=$((A / 4096 + 8)) count=4 status=none
exec 7>&-
before=$(state "$JM")
assert_match 'stored_pages:4[0-9]' "$before" "a pool to replay"
assert_match 'check: ok' "$before" "check before the replay"
mmfs_umount "$JM"
mmfs_mount "$JM" -o "journal=$J,backing=$JB"
assert_eq "$before" "$(state "$JM")" "the pool after a replay of the journal"
mmfs_umount "$JM"
