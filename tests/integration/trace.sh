# trace: tracefs through a real mount (doc/tracing.md). Its files where
# Linux has them (sys/kernel/tracing and sys/kernel/debug/tracing), format
# files byte for byte the host's, events enabled by echo 1 > enable and
# set_event, the lines of a mmap and touch through ctl exactly (pfns from
# pagemap), the kmem events against vmstat's counters, trace_pipe that
# waits, consumes and wakes poll, echo > trace, trace-cmd show in a mount
# namespace, and a journal replay that rebuilds the same trace.
# mmfs-options: -o ram=256M

T=$MNT/sys/kernel/tracing
D=$MNT/sys/kernel/debug/tracing
SAMPLES=$MMFS_IT_DIR/../../tools/trace/samples

# ---- the files, before anything is enabled ----
assert_eq "7 (expanded: 1408)" "$(cat "$T/buffer_size_kb")" "buffer_size_kb before the first event"
assert_eq 1 "$(cat "$T/tracing_on")" "tracing_on"
assert_eq "" "$(cat "$T/set_event")" "set_event"
assert_eq 0 "$(cat "$T/events/enable")" "events/enable"
assert_eq "$(grep -E '^(kmem|vmscan|oom|compaction|filemap|exceptions):' "$SAMPLES/available_events" |
	grep -vE 'wb_err|totalreserve|per_zone|extfrag|free_batched|throttled|node_reclaim|memcg|reclaim_pages')" \
	"$(cat "$T/available_events")" "available_events: the host's, in its order"
for f in kmem/mm_page_alloc kmem/rss_stat exceptions/page_fault_user vmscan/mm_vmscan_lru_isolate \
	oom/mark_victim compaction/mm_compaction_end filemap/mm_filemap_fault; do
	# through cat: cmp trusts st_size, and procfs-like files say 0
	cmp -s "$SAMPLES/$f.format" <(cat "$T/events/$f/format") || fail "events/$f/format differs from the host's"
	cmp -s "$SAMPLES/$f.format" <(cat "$D/events/$f/format") || fail "debug/tracing/events/$f/format differs"
done
assert_eq 653 "$(cat "$T/events/kmem/mm_page_alloc/id")" "the host's event id"
assert_eq none "$(cat "$T/events/kmem/mm_page_alloc/filter")" "no filter"

# ---- enable: the two directories are one tracefs ----
echo 1 >"$T/events/kmem/mm_page_alloc/enable"
assert_eq 1 "$(cat "$D/events/kmem/mm_page_alloc/enable")" "enable seen through debug/tracing"
assert_eq X "$(cat "$T/events/kmem/enable")" "kmem: some enabled"
assert_eq kmem:mm_page_alloc "$(cat "$T/set_event")" "set_event lists it"
assert_eq 1410 "$(cat "$T/buffer_size_kb")" "the buffer expanded (whole 4080-byte sub-buffers)"
assert_eq 2820 "$(cat "$T/buffer_total_size_kb")" "buffer_total_size_kb"
echo exceptions:page_fault_user >>"$D/set_event"
assert_eq "exceptions:page_fault_user
kmem:mm_page_alloc" "$(cat "$T/set_event")" "set_event appended"
expect_fail "Invalid argument" "echo 2 >'$T/events/kmem/mm_page_free/enable'"
expect_fail "Invalid argument" "echo kmem:nonesuch >>'$T/set_event'"

# ---- a mmap and a touch through ctl: the exact lines ----
echo >"$T/trace"
assert_match '^# entries-in-buffer/entries-written: 0/0   #P:2$' "$(sed -n 3p "$T/trace")" "cleared"
pgalloc() { awk '/^pgalloc_/ { n += $2 } END { print n }' "$MNT/proc/vmstat"; }
before=$(pgalloc)
exec 3<>"$MNT/proc/1/ctl"
echo 'mmap 0 8K rw- private,anon' >&3 && read -r a <&3
echo "touch $a 8K w" >&3 && read -r r <&3
assert_eq 0 "$r" "touch"
after=$(pgalloc)
pfn_of() {	# VADDR: the frame pagemap shows
	local w
	w=$(dd if="$MNT/proc/1/pagemap" bs=8 skip=$(($1 / 4096)) count=1 status=none | od -An -tx8 | tr -d ' ')
	printf '0x%x' $((0x$w & ((1 << 55) - 1)))
}
lines=$(tail -n +13 "$T/trace")
assert_eq $((after - before)) "$(grep -c ' mm_page_alloc: ' <<<"$lines")" "mm_page_alloc events = pgalloc delta"
assert_eq 2 "$(grep -c ' page_fault_user: ' <<<"$lines")" "one fault per page"
user=$(grep -E ' page_fault_user: | migratetype=1 ' <<<"$lines" |
	sed -E 's/ +[0-9]+\.[0-9]{6}:/ TS:/; s/page=[0-9a-f]{16}/page=P/')
assert_eq "            init-1       [000] d.... TS: page_fault_user: address=$a ip=0x0 error_code=0x6
            init-1       [000] ..... TS: mm_page_alloc: page=P pfn=$(pfn_of $((a))) order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP
            init-1       [000] d.... TS: page_fault_user: address=$(printf 0x%x $((a + 4096))) ip=0x0 error_code=0x6
            init-1       [000] ..... TS: mm_page_alloc: page=P pfn=$(pfn_of $((a + 4096))) order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP" \
	"$user" "the user pages' lines"
assert_match "^# entries-in-buffer/entries-written: $(wc -l <<<"$lines")/$(wc -l <<<"$lines")   #P:2\$" \
	"$(sed -n 3p "$T/trace")" "header counts"

# ---- a filter ----
echo 'migratetype == 1' >"$T/events/kmem/mm_page_alloc/filter"
assert_eq 'migratetype == 1' "$(cat "$T/events/kmem/mm_page_alloc/filter")" "filter reads back"
expect_fail "Invalid argument" "echo 'bogus > 2' >'$T/events/kmem/mm_page_alloc/filter'"
assert_eq "bogus > 2
      ^
parse_error: Field not found" "$(cat "$T/events/kmem/mm_page_alloc/filter")" "the refused filter and why"
echo 'migratetype == 1' >"$T/events/kmem/mm_page_alloc/filter"

# ---- trace_pipe: waits, then hands out and consumes ----
echo >"$T/trace"
cat "$T/trace_pipe" >"$WORK/pipe" &
cat_pid=$!
sleep 0.3
kill -0 $cat_pid || fail "trace_pipe did not wait for events"
echo 'mmap 0 16K rw- private,anon' >&3 && read -r b <&3
echo "touch $b 16K w" >&3 && read -r r <&3
for ((i = 0; i < 50; i++)); do
	[[ $(wc -l <"$WORK/pipe") -ge 8 ]] && break
	sleep 0.1
done
kill $cat_pid
wait $cat_pid 2>/dev/null || true
assert_eq 8 "$(wc -l <"$WORK/pipe")" "trace_pipe lines (4 faults, 4 user pages)"
assert_eq 4 "$(grep -c 'migratetype=1 ' "$WORK/pipe")" "the filtered allocations"
assert_match '^# entries-in-buffer/entries-written: 0/8   #P:2$' "$(sed -n 3p "$T/trace")" \
	"trace_pipe consumed what it returned"

# poll and select: not ready while empty, ready when an event comes
"$PY" - "$T/trace_pipe" "$MNT/proc/1/ctl" <<'EOF' || fail "poll on trace_pipe"
import os, select, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
p = select.poll()
p.register(fd, select.POLLIN)
assert p.poll(200) == [], "ready while empty"
try:
    os.read(fd, 4096)
    raise SystemExit("a nonblocking read of nothing did not fail")
except BlockingIOError:
    pass
ctl = os.open(sys.argv[2], os.O_RDWR)
os.write(ctl, b"mmap 0 4K rw- private,anon\n")
addr = os.read(ctl, 100).decode().strip()
os.write(ctl, ("touch %s 4K w\n" % addr).encode())
os.read(ctl, 100)
os.close(ctl)
assert p.poll(3000) == [(fd, select.POLLIN)], "not woken"
r, _, _ = select.select([fd], [], [], 1)
assert r == [fd], "select"
assert len(os.read(fd, 65536).splitlines()) == 2
EOF

# ---- trace-cmd finds tracefs through proc/mounts ----
assert_match 'tracefs /sys/kernel/tracing tracefs ' "$(cat "$MNT/proc/mounts")" "proc/mounts has tracefs"
assert_eq "$(cat "$MNT/proc/mounts")" "$(cat "$MNT/proc/self/mounts")" "proc/self/mounts"
echo 1 >"$T/events/kmem/rss_stat/enable"
echo "touch $b 16K r" >&3 && read -r r <&3
echo "munmap $b 16K" >&3 && read -r r <&3
shown=$(unshare -m --propagation private -- sh -c \
	'mount --bind "$0/proc" /proc && mount --bind "$0/sys/kernel/tracing" /sys/kernel/tracing &&
	 exec trace-cmd show' "$MNT") || fail "trace-cmd show: $shown"
assert_eq "$(cat "$T/trace")" "$shown" "trace-cmd show prints the trace file"
assert_match 'rss_stat: mm_id=[0-9]+ curr=1 type=MM_ANONPAGES size=' "$shown" "rss_stat lines"

# ---- the page cache: a write and a read through files/ ----
echo 'filemap:*' >"$T/set_event"
assert_eq "filemap:mm_filemap_fault
filemap:mm_filemap_map_pages
filemap:mm_filemap_get_pages
filemap:mm_filemap_add_to_page_cache
filemap:mm_filemap_delete_from_page_cache" "$(cat "$T/set_event")" "set_event: > empties it first"
echo >"$T/trace"
head -c 65536 /dev/zero >"$MNT/files/traced"
sync "$MNT/files/traced"
# the host's cached pages of the file go, so that cat reads through the model
"$PY" -c 'import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' 	"$MNT/files/traced"
cat "$MNT/files/traced" >/dev/null
ino=$(printf %x "$(stat -c %i "$MNT/files/traced")")
assert_eq "dev=254:1 ino=$ino ofs=0-65535" 	"$(sed -n 's/.* mm_filemap_get_pages: //p' "$T/trace" | tail -n1)" "the read's get_pages"
assert_eq 16 "$(awk -v ino="$ino" '$5 == "mm_filemap_add_to_page_cache:" && $9 == ino {
	split($12, o, "="); n += 2 ^ o[2] } END { print n }' "$T/trace")" "the pages added, by their folios' orders"

# ---- tracing_on, buffer_size_kb ----
echo 'kmem:mm_page_alloc exceptions:page_fault_user' >"$T/set_event"
echo 0 >"$T/tracing_on"
n=$(wc -l <"$T/trace")
echo "touch $a 8K w" >&3 && read -r r <&3
echo 'mmap 0 4K rw- private,anon' >&3 && read -r c <&3
echo "touch $c 4K w" >&3 && read -r r <&3
assert_eq "$n" "$(wc -l <"$T/trace")" "tracing_on 0 records nothing"
echo 1 >"$T/tracing_on"
for kb in 1:7 100:103 1:7; do	# as the host rounds them
	echo "${kb%:*}" >"$T/buffer_size_kb"
	assert_eq "${kb#*:}" "$(cat "$T/buffer_size_kb")" "buffer_size_kb ${kb%:*}"
done
assert_eq 14 "$(cat "$T/buffer_total_size_kb")" "buffer_total_size_kb"
expect_fail "Invalid argument" "echo 0 >'$T/buffer_size_kb'"
echo 'mmap 0 1M rw- private,anon' >&3 && read -r c <&3
echo "touch $c 1M w" >&3 && read -r r <&3
assert_eq 255 "$(tail -n +13 "$T/trace" | wc -l)" "a full ring of 255 entries keeps the newest"
assert_match "^# entries-in-buffer/entries-written: 255/[0-9]+ " "$(sed -n 3p "$T/trace")" "its header"
assert_eq "$(printf 0x%x $((c + 0xff000)))" \
	"$(sed -n 's/.*page_fault_user: address=\([^ ]*\) .*/\1/p' "$T/trace" | tail -n1)" "the newest fault"
exec 3>&-

# ---- the journal replays the same trace ----
J=$WORK/journal
M2=$WORK/m2
mmfs_mount "$M2" -o "journal=$J,backing=$WORK/b2"
echo 1 >"$M2/sys/kernel/tracing/events/enable"
exec 4<>"$M2/ctl"
echo spawn >&4 && read -r p <&4
exec 4>&-
exec 5<>"$M2/proc/$p/ctl"
echo 'mmap 0 64K rw- private,anon' >&5 && read -r a2 <&5
echo "touch $a2 64K w" >&5 && read -r r <&5
exec 5>&-
head -c 300 "$M2/sys/kernel/tracing/trace_pipe" >/dev/null	# consumes one read's worth
cat "$M2/sys/kernel/tracing/trace" >"$WORK/trace-before"
pid=${_MMFS_PID[$M2]}
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
unset "_MMFS_PID[$M2]"
mmfs_mount "$M2" -o "journal=$J,backing=$WORK/b2"	# the dead mount is the new daemon's to clear
cmp -s "$WORK/trace-before" <(cat "$M2/sys/kernel/tracing/trace") ||
	fail "the replayed trace differs: $(diff "$WORK/trace-before" "$M2/sys/kernel/tracing/trace" | head)"
assert_eq "$(cat "$M2/sys/kernel/tracing/set_event" | wc -l)" 50 "every event still enabled"
mmfs_umount "$M2"
