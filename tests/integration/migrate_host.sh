# mmfs-options: -o ram=256M
# migrate_host: migrate_pages, move_pages and the affinity calls against the
# host kernel. The host has one node, so it shows the query statuses (a
# written page, the zero page, a page never touched, no mapping) and the
# errno of every bad call (a node without memory, a negative node, unknown
# flags, no such process, no online node in NEW, no online CPU, a mask
# size that is not whole longs), and the affinity of its two CPUs (as
# mmfs's default cpus=2) with the bytes sched_getaffinity copies. migrate_probe (migrate_probe.c) makes the
# calls on the host; the same calls, in strace's form, go to a process of
# a one-node mmfs machine, and the two transcripts must be equal.

PROBE=${MMFS_MIGRATE_PROBE:-}
if [[ -z $PROBE ]]; then
	PROBE=$WORK/migrate_probe
	cc -O1 -o "$PROBE" "$MMFS_IT_DIR/migrate_probe.c" ||
		{ echo "migrate_host: SKIP: no probe and no compiler" >&2; exit 77; }
fi
"$PROBE" >"$WORK/host.txt"

NOPID=4194303
exec 3<>"$MNT/ctl"
echo spawn >&3
read -r pid <&3
exec 4<>"$MNT/proc/$pid/ctl"
echo 'mmap 0 16K rw- private,anon' >&4
read -r a <&4
echo "touch $a 8K w" >&4 && read -r _ <&4
echo "touch $((a + 8192)) 1 r" >&4 && read -r _ <&4
P=$(printf '[%#x, %#x, %#x, %#x, 0x1000]' "$a" $((a + 4096)) $((a + 8192)) $((a + 12288)))
P2=$(printf '[%#x, %#x]' "$a" $((a + 4096)))

# name, then the call as strace prints it; the reply becomes "name RET [...]" or "name error ENAME"
run() {
	local reply
	{ echo "$2" >&4; } 2>/dev/null || true	# a failed call fails the write too
	read -r reply <&4
	if [[ $reply == error* ]]; then
		reply=${reply%%:*}
	elif [[ $reply == failed* ]]; then	# failed as the host's call did
		reply="error ${reply#failed }"
	fi
	echo "$1 $reply"
}
{
	run query "move_pages(0, 5, $P, NULL, 0x7ffc0000, 0) = 0"
	run move "move_pages(0, 5, $P, [0, 0, 0, 0, 0], 0x7ffc0000, 0) = 0"
	run move_all "move_pages(0, 5, $P, [0, 0, 0, 0, 0], 0x7ffc0000, MPOL_MF_MOVE_ALL) = 0"
	run move_node1 "move_pages(0, 5, $P, [0, 1, 0, 0, 0], 0x7ffc0000, 0) = -1 ENODEV (No such device)"
	run move_node-1 "move_pages(0, 5, $P, [0, -1, 0, 0, 0], 0x7ffc0000, 0) = -1 ENODEV (No such device)"
	run query_flags8 "move_pages(0, 2, $P2, NULL, 0x7ffc0000, 0x8 /* MPOL_??? */) = -1 EINVAL (Invalid argument)"
	run query_nopid "move_pages($NOPID, 2, $P2, NULL, 0x7ffc0000, 0) = -1 ESRCH (No such process)"
	run migrate_0_0 "migrate_pages(0, 64, [0x00000000000001], [0x00000000000001]) = 0"
	run migrate_0_1 "migrate_pages(0, 64, [0x00000000000001], [0x00000000000002]) = -1 EINVAL (Invalid argument)"
	run migrate_nopid "migrate_pages($NOPID, 64, [0x00000000000001], [0x00000000000001]) = -1 ESRCH (No such process)"
	run migrate_maxnode1 "migrate_pages(0, 1, 0x7ffddfd272c8, 0x7ffddfd272c0) = -1 EINVAL (Invalid argument)"
	run migrate_maxnode2 "migrate_pages(0, 2, [0x00000000000001], [0x00000000000001]) = 0"
	run migrate_maxnode40000 "migrate_pages(0, 40000, 0x7ffc0000, 0x7ffc0008) = -1 EINVAL (Invalid argument)"
	run setaffinity_100 "sched_setaffinity(0, 128, [100]) = -1 EINVAL (Invalid argument)"
	run setaffinity_nopid "sched_setaffinity($NOPID, 128, [100]) = -1 ESRCH (No such process)"
	run getaffinity_4 "sched_getaffinity(0, 4, 0x7ffc0000) = -1 EINVAL (Invalid argument)"
	run getaffinity_12 "sched_getaffinity(0, 12, 0x7ffc0000) = -1 EINVAL (Invalid argument)"
	run getaffinity_128 "sched_getaffinity(0, 128, [0 1]) = 32"
	run setaffinity_1 "sched_setaffinity(0, 128, [1]) = 0"
	run getaffinity_8 "sched_getaffinity(0, 8, [1]) = 8"
} >"$WORK/mmfs.txt"
exec 3>&- 4>&-

if ! diff -u "$WORK/host.txt" "$WORK/mmfs.txt"; then
	fail "mmfs answers migrate_pages/move_pages/affinity calls unlike the host (diff above)"
fi
assert_eq 20 "$(wc -l <"$WORK/host.txt")" "cases compared"
