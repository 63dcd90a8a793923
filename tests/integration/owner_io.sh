# owner_io: page_owner=on (sys/kernel/debug/page_owner lists exactly the
# pages the buddy allocator gave out), /proc/diskstats and sys/block move by
# exactly the model's I/O, /proc/pressure/memory's format, and vmstat -d,
# vmstat -D and iostat read them in a mount namespace.
# mmfs-options: -o page_owner=on,ram=256M

debug=$MNT/sys/kernel/debug

# pages given out = managed - free, over the zones of zoneinfo
buddy_allocated() {
	awk '/^Node/ { z = 1 } $1 == "managed" && z { m += $2 } $1 == "nr_free_pages" && z { f += $2 }
	     END { print m - f }' "$MNT/proc/zoneinfo"
}
# pages page_owner lists: Σ 2^order of its "Page allocated via order N" lines
owner_pages() {
	awk '/^Page allocated via order/ { o = $5; sub(",", "", o); n += 2 ^ o } END { print n + 0 }' \
		"$debug/page_owner"
}

assert_exists "$debug/page_owner"
assert_exists "$debug/page_owner_stacks/show_stacks"
assert_eq "$(owner_pages)" "$(buddy_allocated)" "page_owner pages at mount"

exec 3<>"$MNT/proc/1/ctl"
echo "mmap 0 1M rw- private,anon" >&3
read -r addr <&3
echo "touch $addr 1M w" >&3
read -r r <&3
assert_eq 0 "$r" "touch"
assert_eq "$(owner_pages)" "$(buddy_allocated)" "page_owner pages after 256 faults"
# the 256 faults hold one stack, the newest
stacks=$(cat "$debug/page_owner_stacks/show_stacks")
assert_match $'do_anonymous_page\n __handle_mm_fault\n handle_mm_fault\n do_user_addr_fault\n exc_page_fault\n asm_exc_page_fault\nnr_base_pages: 256\n' \
	"$stacks" "show_stacks"
n=$(grep -c "^Page allocated via order 0, mask 0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), pid 1, tgid 1 (init), ts " \
	"$debug/page_owner")
assert_eq 256 "$n" "anonymous pages of init in page_owner"
# counting allocations by stack, as doc/page_owner.md shows
top=$(awk 'BEGIN { RS = ""; FS = "\n" } { s = ""; for (i = 3; i <= NF; i++) s = s $i "|"; c[s]++ }
	   END { for (s in c) print c[s], s }' "$debug/page_owner" | sort -rn | head -1)
assert_match '^256 ' "$top" "the largest stack"
echo "munmap $addr 1M" >&3
read -r r <&3
exec 3>&-
assert_eq "$(owner_pages)" "$(buddy_allocated)" "page_owner pages after munmap"

# ---- the disk ----
line() { awk -v d="$1" '$3 == d' "$MNT/proc/diskstats"; }
field() { line "$1" | awk -v f="$2" '{ print $f }'; }
assert_match '^ 254       0 vda [0-9 ]+$' "$(line vda)" "diskstats vda"
assert_match '^ 254       1 vda1 [0-9 ]+$' "$(line vda1)" "diskstats vda1"
assert_eq 20 "$(line vda | wc -w)" "diskstats fields"
assert_eq "254:0" "$(cat "$MNT/sys/block/vda/dev")" "vda dev"
assert_eq "254:1" "$(cat "$MNT/sys/block/vda/vda1/dev")" "vda1 dev"
assert_eq 1 "$(cat "$MNT/sys/block/vda/vda1/partition")" "vda1 partition"
assert_eq 1 "$(cat "$MNT/sys/block/vda/queue/rotational")" "rotational"

w0=$(field vda1 10)
head -c $((64 * 4096)) /dev/urandom >"$MNT/files/data"
echo sync >"$MNT/ctl"
w1=$(field vda1 10)
assert_eq $((64 * 8)) $((w1 - w0)) "sectors written by sync of 64 dirty pages"
echo "drop_caches 1" >"$MNT/ctl"
r0=$(field vda1 6)
pgpgin0=$(vmstat_val pgpgin)
cat "$MNT/files/data" >/dev/null
r1=$(field vda1 6)
assert_eq $((64 * 8)) $((r1 - r0)) "sectors read by reading 64 pages back"
assert_eq $(((r1 - r0) / 2)) $(($(vmstat_val pgpgin) - pgpgin0)) "sectors read / 2 = pgpgin"
counters() { line "$1" | awk '{ $1 = $2 = $3 = ""; print }' | xargs; }
assert_eq "$(counters vda)" "$(counters vda1)" "vda counts what vda1 does"
# sys/block/vda/stat has the same counters
assert_eq "$(counters vda)" "$(xargs <"$MNT/sys/block/vda/stat")" "sys/block/vda/stat"

# ---- pressure ----
assert_match '^some avg10=[0-9]+\.[0-9]{2} avg60=[0-9]+\.[0-9]{2} avg300=[0-9]+\.[0-9]{2} total=[0-9]+
full avg10=[0-9]+\.[0-9]{2} avg60=[0-9]+\.[0-9]{2} avg300=[0-9]+\.[0-9]{2} total=[0-9]+$' \
	"$(cat "$MNT/proc/pressure/memory")" "pressure/memory"

# kswapd reclaiming for 320 MiB of writes on a 256 MiB machine is a SOME
# stall of at most the 1 ms tick of each command that woke it
exec 3<>"$MNT/proc/1/ctl"
echo "mmap 0 320M rw- private,anon" >&3
read -r big <&3
for i in $(seq 0 19); do
	echo "touch $((big + i * 16 * 1048576)) 16M w" >&3
	read -r r <&3
	assert_eq 0 "$r" "touch under pressure"
done
exec 3>&-
some=$(awk '$1 == "some" { sub("total=", "", $5); print $5 }' "$MNT/proc/pressure/memory")
full=$(awk '$1 == "full" { sub("total=", "", $5); print $5 }' "$MNT/proc/pressure/memory")
((some > 0 && some <= 20 * 1000 && full <= some)) ||
	fail "pressure after reclaim: some total $some, full total $full"

# ---- the tools, in a namespace with MNT/proc and MNT/sys ----
in_sys_ns() {
	unshare -m --propagation private -- \
		sh -c 'mount --bind "$0/proc" /proc && mount --bind "$0/sys" /sys && exec "$@"' "$MNT" "$@"
}
out=$(in_sys_ns vmstat -d)
assert_match "vda +[0-9]+ +[0-9]+ +$r1 " "$out" "vmstat -d"
out=$(in_sys_ns vmstat -D)
assert_match "1 disks" "$out" "vmstat -D disks"
assert_match "1 partitions" "$out" "vmstat -D partitions"
assert_match " $r1 read sectors" "$out" "vmstat -D read sectors"
if command -v iostat >/dev/null; then
	out=$(in_sys_ns iostat -d -k vda)
	assert_match "vda +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +$((r1 / 2)) +$((w1 / 2)) " "$out" "iostat"
fi

echo check >"$MNT/ctl"

# ---- a journal replays the owners byte for byte ----
j=$WORK/owner.journal
mmfs_mount "$WORK/j1" -o "page_owner=on,ram=256M,journal=$j,backing=$WORK/backing-1"
exec 3<>"$WORK/j1/proc/1/ctl"
echo "mmap 0 64K rw- private,anon" >&3
read -r addr <&3
echo "touch $addr 64K w" >&3
read -r r <&3
echo fork >&3
read -r child <&3
exec 3>&-
echo "kill $child" >"$WORK/j1/ctl"
cat "$WORK/j1/sys/kernel/debug/page_owner" >"$WORK/owner.1"
cat "$WORK/j1/sys/kernel/debug/page_owner_stacks/show_stacks" >"$WORK/stacks.1"
mmfs_umount "$WORK/j1"
mmfs_mount "$WORK/j2" -o "journal=$j,backing=$WORK/backing-1"	# page_owner from the header
# (copied first: cmp trusts st_size, which is 0 as in procfs)
cat "$WORK/j2/sys/kernel/debug/page_owner" >"$WORK/owner.2"
cat "$WORK/j2/sys/kernel/debug/page_owner_stacks/show_stacks" >"$WORK/stacks.2"
assert_file_eq "$WORK/owner.1" "$WORK/owner.2" "page_owner after replay"
assert_file_eq "$WORK/stacks.1" "$WORK/stacks.2" "show_stacks after replay"
mkdir -p "$WORK/j3"
expect_fail "page_owner=maybe: not on or off" "'$MMFS' -f -o page_owner=maybe '$WORK/j3'"
expect_fail "records page_owner=on" "'$MMFS' -f -o 'page_owner=off,journal=$j' '$WORK/j3'"
mmfs_umount "$WORK/j2"

# ---- a swap partition is a disk of its own, a swap file is on vda1 ----
# (on a new machine: the swap cluster in use on /swapfile would stay in use)
mmfs_mount "$WORK/sd" -o "ram=256M"
M0=$MNT
MNT=$WORK/sd
ctl_cmd() { exec 4<>"$MNT/ctl"; echo "$1" >&4; read -r r <&4; exec 4>&-; assert_eq 0 "$r" "$1"; }
vda1_before=$(counters vda1)
[[ ! -e "$MNT/sys/block/sdb" ]] || fail "sys/block/sdb before swapon"
ctl_cmd "swapon /dev/sdb 64M 100"
assert_eq "8:16" "$(cat "$MNT/sys/block/sdb/dev")" "sdb dev"
assert_eq $((64 * 2048)) "$(cat "$MNT/sys/block/sdb/size")" "sdb size"
assert_eq 1 "$(cat "$MNT/sys/block/sdb/queue/rotational")" "sdb rotational"
assert_eq "block
sdb
vda" "$(ls "$MNT/sys" | grep block; ls "$MNT/sys/block")" "ls sys/block"
ctl_cmd "swapon /swap2 64M"
assert_eq "   8      16 sdb 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0" "$(line sdb)" "diskstats sdb"
exec 3<>"$MNT/proc/1/ctl"
echo "mmap 0 64K rw- private,anon" >&3
read -r sw <&3
for i in $(seq 0 15); do
	printf 'page %d' "$i" | dd of="$MNT/proc/1/mem" bs=1 seek=$((sw + i * 4096)) conv=notrunc status=none
done
echo "madvise $sw 64K pageout" >&3
read -r r <&3
assert_eq 0 "$r" "madvise pageout"
exec 3>&-
# 16 pages: one request of 16 bios, 128 sectors
assert_eq "   8      16 sdb 0 0 0 0 1 15 128 0 0 0 0 0 0 0 0 0 0" "$(line sdb)" "sdb after pageout"
assert_eq "$vda1_before" "$(counters vda1)" "vda1 does not count the partition's writes"
ctl_cmd "swapoff /dev/sdb"
ctl_cmd "swapoff /swap2"
assert_match '^   8      16 sdb ' "$(line sdb)" "sdb stays after swapoff"
assert_eq "$(counters sdb)" "$(xargs <"$MNT/sys/block/sdb/stat")" "sys/block/sdb/stat"
out=$(in_sys_ns vmstat -D)
assert_match "2 disks" "$out" "vmstat -D disks with sdb"
assert_match "1 partitions" "$out" "vmstat -D partitions with sdb"
assert_match "sdb +0 +0 +0 +0 +1 +15 +128 " "$(in_sys_ns vmstat -d)" "vmstat -d sdb"
if command -v iostat >/dev/null; then
	out=$(in_sys_ns iostat -d -k sdb)
	assert_match "sdb +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +0 +64 " "$out" "iostat sdb"
fi
echo check >"$MNT/ctl"
mmfs_umount "$MNT"
MNT=$M0
