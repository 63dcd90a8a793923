# oom_slab: the OOM report's "Unreclaimable slab info" through a real mount.
# 135000 VMAs in three processes fill vm_area_struct slabs (25 MB) of a
# 64 MiB machine; when a fourth process runs it out of memory, the
# unreclaimable slab outweighs the LRU lists, and kmsg lists every cache
# without SLAB_RECLAIM_ACCOUNT that has slabs, newest first, in Linux's
# "%-17s %10luKB %10luKB" (active objects and all slots times the slot
# size), right after Mem-Info. Their figures are slabinfo's just before the
# OOM (nothing unreclaimable is allocated or freed by the faults that lead
# to it). The ordinary OOM of oom.sh has no such section.
# mmfs-options: -o ram=64M,swap=0

echo 1 >"$MNT/proc/sys/vm/overcommit_memory"
exec 3<>"$MNT/ctl"
echo 'spawn b' >&3 && read -r b <&3
for k in 1 2 3; do
	echo 'spawn vmas' >&3 && read -r p <&3
	awk 'BEGIN { for (i = 0; i < 45000; i++) print "mmap 0 4096", (i % 2 ? "r--" : "rw-"), "private,anon" }' \
		>"$MNT/proc/$p/ctl"
	n=$(wc -l <"$MNT/proc/$p/maps")
	[[ $n -ge 45000 ]] || fail "process $p has $n VMAs"
done
exec 4<>"$MNT/proc/$b/ctl"
echo 'mmap 0 64M rw- private,anon' >&4 && read -r addr <&4
echo "touch $addr 4096 w" >&4 && read -r r <&4	# its anon_vma and chain exist first
assert_eq 0 "$r" "first touch"

# what dump_unreclaimable_slab prints for the slabinfo of now
want=$(awk 'NR > 2 { print $1, $2, $3, $4 }' "$MNT/proc/slabinfo" | while read -r name act tot size; do
	[[ $(cat "$MNT/sys/kernel/slab/$name/reclaim_account") == 0 && $tot -gt 0 ]] || continue
	printf '%-17s %10dKB %10dKB\n' "$name" $((act * size / 1024)) $((tot * size / 1024))
done)
echo "touch $((addr + 4096)) $((64 * 1024 * 1024 - 4096)) w" >&4 2>/dev/null || true	# fails: EINTR
read -r r <&4
assert_match "EINTR" "$r" "the toucher is the victim"
kmsg=$(sed 's/^\[ *[0-9.]*\] //' "$MNT/proc/kmsg")
got=$(awk '/^Unreclaimable slab info:$/ { on = 1; next } on && /^Name / { next } on && /^Tasks state/ { exit } on' <<<"$kmsg")
assert_eq "$want" "$got" "Unreclaimable slab info lines"
grep -qxF "Name                      Used          Total" <<<"$kmsg" || fail "no header line"
grep -qE '^vm_area_struct +2[0-9]{4}KB' <<<"$got" || fail "vm_area_struct is not 25 MB: $got"
assert_eq "0 pages cma reserved
Unreclaimable slab info:" "$(grep -B1 -x 'Unreclaimable slab info:' <<<"$kmsg")" "right after Mem-Info"
echo check >&3 && read -r r <&3
assert_eq ok "$r" "check"
exec 3>&- 4>&-
