# mempolicy_shared_host: the host kernel (one node) judges shared policies.
# mempolicy_shared_host.c runs the scenario on the host in a fresh IPC
# namespace: process a attaches segment 0 and forks b, b attaches it too;
# a mbinds interleave over its attach, b writes the whole segment through
# its own; then a binds the middle 16K. The same runs here through
# proc/PID/ctl, and both print each process's SYSV lines of numa_maps
# (addresses as offsets from the attach) and b's get_mempolicy(MPOL_F_ADDR):
# the outputs must be identical.

command -v unshare >/dev/null || fail "unshare(1) is needed"
cc -o "$WORK/host" "$MMFS_IT_DIR/mempolicy_shared_host.c" || fail "cannot build the host probe"
unshare -i "$WORK/host" >"$WORK/host.out" || fail "the host probe failed"

exec 3<>"$MNT/ctl"
echo spawn >&3 && read -r a <&3
exec 4<>"$MNT/proc/$a/ctl"
ctl() {	# FD LINE: the reply
	{ echo "$2" >&"$1"; } 2>/dev/null || true
	read -r r <&"$1"
	printf '%s\n' "$r"
}
lines() {	# WHO PID BASE: the SYSV lines of numa_maps, addresses as offsets
	grep SYSV "$MNT/proc/$2/numa_maps" | while read -r addr rest; do
		printf '%s +%#x %s\n' "$1" $((0x$addr - $3)) "$rest"
	done
}
getpol() {	# WHO REPLY: get_mempolicy's "POLICY NODES" as the probe prints it (node 0 only)
	set -- "$1" $2
	printf '%s get_mempolicy 0 %s %s\n' "$1" "$2" "$([[ $3 == 0 ]] && echo 0x1 || echo "$3")"
}

{
	assert_eq 0 "$(ctl 4 "shmget IPC_PRIVATE 64K IPC_CREAT|0600")" "shmget"
	A=$(ctl 4 "shmat 0 0 0")
	b=$(ctl 4 fork)
	exec 5<>"$MNT/proc/$b/ctl"
	B=$(ctl 5 "shmat 0 0 0")
	echo "mbind $(ctl 4 "mbind $A 64K interleave 0")"
	assert_eq 0 "$(ctl 5 "touch $B 64K w")" "b writes"
	lines b "$b" "$B"
	getpol b "$(ctl 5 "get_mempolicy $B addr")"
	echo "mbind $(ctl 4 "mbind $((A + 0x4000)) 16K bind 0")"
	lines a "$a" "$A"
	lines b "$b" "$B"
	getpol b "$(ctl 5 "get_mempolicy $((B + 0x5000)) addr")"
} >"$WORK/mmfs.out"
assert_eq 11 "$(wc -l <"$WORK/host.out")" "the host probe's lines"
diff -u "$WORK/host.out" "$WORK/mmfs.out" || fail "mmfs differs from the host"

echo check >&3 && read -r r <&3
assert_eq ok "$r" "check"
exec 3>&- 4>&- 5>&-
