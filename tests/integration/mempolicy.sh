# mmfs-options: -o ram=512M,nodes=2,swap=256M
# mempolicy: set_mempolicy, mbind and get_mempolicy on proc/PID/ctl in both
# forms (strace's text as the host's strace prints it, and the shell's) on a
# 2-node machine: the exact numa_maps lines and N0=/N1= counts of each policy,
# the replies of get_mempolicy, errno of bad calls, fork's inheritance, and a
# process bound to node 1 that fills it: reclaim runs on node 1 only.

NODE=$MNT/sys/devices/system/node
A=0x7f0000000000

exec 3<>"$MNT/ctl"
echo spawn >&3 && read -r p <&3
exec 4<>"$MNT/proc/$p/ctl"

# ctl LINE: the reply to LINE on pid $p's ctl
ctl() {
	{ echo "$1" >&4; } 2>/dev/null || true
	read -r r <&4
	printf '%s\n' "$r"
}
numa_line() { grep "^${2#0x} " "$MNT/proc/$1/numa_maps"; }
node_stat() { awk -v k="$2" '$1 == k { print $2 }' "$NODE/node$1/${3:-numastat}"; }

assert_eq "$A" "$(ctl "mmap $A 256K rw- private,anon,fixed")" "mmap"
# strace's line, as `strace -e trace=mbind` prints it, result and all
assert_eq 0 "$(ctl "mbind(0x7f0000000000, 262144, MPOL_INTERLEAVE, [0x00000000000003], 64, 0) = 0")" "mbind strace"
il0=$(node_stat 0 interleave_hit)
assert_eq 0 "$(ctl "touch $A 256K w")" "touch"
# interleave_index: page k on node (0x7f0000000 + k) mod 2: 32 each
assert_eq "7f0000000000 interleave:0-1 anon=64 dirty=64 active=0 N0=32 N1=32 kernelpagesize_kB=4" \
	"$(numa_line "$p" $A)" "numa_maps interleave"
assert_eq 32 "$(($(node_stat 0 interleave_hit) - il0))" "node0 interleave_hit"
assert_eq "3 0-1" "$(ctl "get_mempolicy $A addr")" "get_mempolicy addr"
assert_eq "1 0-1" "$(ctl "get_mempolicy(0x7ffd4486cb04, 0x55fa8af91060, 64, 0x7f0000001000, MPOL_F_NODE|MPOL_F_ADDR)")" \
	"get_mempolicy node of page 1"
assert_eq "0 none" "$(ctl get_mempolicy)" "task policy: default"
assert_eq "0 0-1" "$(ctl "get_mempolicy 0 mems_allowed")" "mems_allowed"

# split: the middle 64K gets its own policy, the edges keep theirs
assert_eq 0 "$(ctl "mbind 0x7f0000010000 64K bind 1")" "mbind shell"
assert_eq "7f0000000000 interleave:0-1 anon=16 dirty=16 active=0 N0=8 N1=8 kernelpagesize_kB=4
7f0000010000 bind:1 anon=16 dirty=16 active=0 N0=8 N1=8 kernelpagesize_kB=4
7f0000020000 interleave:0-1 anon=32 dirty=32 active=0 N0=16 N1=16 kernelpagesize_kB=4" \
	"$(grep '^7f00000' "$MNT/proc/$p/numa_maps")" "numa_maps after the split"
# STRICT: pages of the range on node 0 fail the policy: EIO, and nothing changes
assert_eq "error EIO: 8 pages of the range on a node the policy does not allow" \
	"$(ctl "mbind 0x7f0000010000 64K bind 1 strict")" "mbind strict"
assert_eq 0 "$(ctl "mbind(0x7f0000010000, 65536, MPOL_BIND, [0x00000000000002], 64, MPOL_MF_STRICT|MPOL_MF_MOVE) = 0")" \
	"mbind move (migration not wired: nothing fails)"
# back to the interleave of its neighbours: one VMA again
assert_eq 0 "$(ctl "mbind 0x7f0000010000 64K interleave 0-1")" "mbind merge"
assert_eq 1 "$(grep -c '^7f00000' "$MNT/proc/$p/numa_maps")" "merged into one VMA"

# the task policy shows on every VMA without one of its own
assert_eq 0 "$(ctl "set_mempolicy(MPOL_BIND|MPOL_F_STATIC_NODES, [0x00000000000002], 64) = 0")" "set_mempolicy strace"
assert_eq "32770 1" "$(ctl get_mempolicy)" "get_mempolicy"
assert_match '^[0-9a-f]+ bind=static:1 stack$' "$(grep ' stack' "$MNT/proc/$p/numa_maps")" "stack line"
assert_eq 0 "$(ctl "set_mempolicy preferred_many 0-1")" "preferred_many"
assert_match ' prefer \(many\):0-1 stack$' "$(grep ' stack' "$MNT/proc/$p/numa_maps")" "prefer (many)"
assert_eq 0 "$(ctl "set_mempolicy weighted_interleave 0-1")" "weighted"
assert_match ' weighted interleave:0-1 stack$' "$(grep ' stack' "$MNT/proc/$p/numa_maps")" "weighted interleave"
assert_eq 0 "$(ctl "set_mempolicy local")" "local"
assert_match ' local stack$' "$(grep ' stack' "$MNT/proc/$p/numa_maps")" "local"

# bad calls: Linux's errno, a reason
# (a strace line that failed on the host answers "failed ENAME" when mmfs fails alike)
assert_eq "failed EINVAL" \
	"$(ctl "set_mempolicy(0x63 /* MPOL_??? */, [0x00000000000001], 64) = -1 EINVAL (Invalid argument)")" "bad mode"
assert_eq "error EINVAL: unknown memory policy mode 0x63" \
	"$(ctl "set_mempolicy(0x63 /* MPOL_??? */, [0x00000000000001], 64)")" "bad mode, no result"
assert_eq "error EINVAL: the nodemask is empty" "$(ctl "set_mempolicy bind none")" "empty mask"
assert_eq "error EINVAL: no node of the nodemask is online (nodes 0-1)" "$(ctl "set_mempolicy bind 2-3")" "offline nodes"
assert_eq "error EINVAL: unknown mbind flags 0x18" \
	"$(ctl "mbind(0x7f0000000000, 262144, MPOL_BIND, [0x00000000000001], 64, MPOL_MF_STRICT|MPOL_MF_MOVE|MPOL_MF_MOVE_ALL|0x18)")" "bad mbind flags"
assert_eq "error EINVAL: address 0x7f0000000001 is not page-aligned" "$(ctl "mbind 0x7f0000000001 4K bind 0")" "unaligned"
assert_eq "error EFAULT: no mapping in the range" "$(ctl "mbind 0x1000 4K bind 0")" "hole"
assert_eq "error EINVAL: maxnode 1 is below the 2 nodes" \
	"$(ctl "get_mempolicy([MPOL_DEFAULT], [0x1], 1, NULL, 0)")" "maxnode below nr_node_ids"
assert_eq "error EINVAL: unknown command 'mbindx'" "$(ctl "mbindx 0 4K bind 0")" "parser"
assert_match "mmfs ctl\[$p\]: set_mempolicy bind none: error EINVAL: the nodemask is empty" \
	"$(cat "$MNT/proc/kmsg")" "kmsg"

# fork: the child has the parent's task and VMA policies
assert_eq 0 "$(ctl "set_mempolicy interleave 0-1")" "interleave task policy"
child=$(ctl fork)
exec 5<>"$MNT/proc/$child/ctl"
echo get_mempolicy >&5 && read -r r <&5
assert_eq "3 0-1" "$r" "child task policy"
assert_eq "$(numa_line "$p" $A | cut -d' ' -f2)" "$(numa_line "$child" $A | cut -d' ' -f2)" "child VMA policy"
echo exec >&5 && read -r r <&5
echo get_mempolicy >&5 && read -r r <&5
assert_eq "3 0-1" "$r" "task policy kept across exec"
exec 5>&-

# bound to node 1, 300M on a 256M node: node 1 fills and reclaim swaps
# node 1's pages only; node 0 keeps its pages and writes nothing
echo spawn >&3 && read -r q <&3
exec 6<>"$MNT/proc/$q/ctl"
echo "set_mempolicy bind 1" >&6 && read -r r <&6
echo "mmap 0 300M rw- private,anon" >&6 && read -r b <&6
w0=$(node_stat 0 nr_vmscan_write vmstat)
anon0=$(node_stat 0 nr_anon_pages vmstat)
echo "touch $b 300M w" >&6 && read -r r <&6
assert_eq 0 "$r" "touch 300M bound to node 1"
assert_eq "$w0" "$(node_stat 0 nr_vmscan_write vmstat)" "node 0 reclaimed nothing"
assert_eq "$anon0" "$(node_stat 0 nr_anon_pages vmstat)" "node 0 anon unchanged"
(($(node_stat 1 nr_vmscan_write vmstat) > 0)) || fail "node 1 was not reclaimed"
assert_match "^${b#0x} bind:1 anon=[0-9]+ dirty=[0-9]+ active=0 N1=[0-9]+ kernelpagesize_kB=4$" \
	"$(numa_line "$q" "$b")" "every page on node 1"
exec 6>&-

# weighted interleave: node1 weighs 3, so 3 pages of every 4 go to node 1
WI=$MNT/sys/kernel/mm/mempolicy/weighted_interleave
assert_eq "__auto_type node0 node1" "$(ls "$WI" | tr '\n' ' ' | sed 's/ $//')" "weighted_interleave files"
assert_eq "true 1" "$(cat "$WI/__auto_type" "$WI/node1" | tr '\n' ' ' | sed 's/ $//')" "defaults"
echo 3 >"$WI/node1"
assert_eq false "$(cat "$WI/__auto_type")" "a weight turns auto off"
expect_fail "Invalid argument" "echo 0 >$WI/node1"
assert_eq 0x7f0000100000 "$(ctl "mmap 0x7f0000100000 64K rw- private,anon,fixed")" "mmap"
assert_eq 0 "$(ctl "mbind 0x7f0000100000 64K weighted_interleave 0-1")" "mbind weighted"
assert_eq 0 "$(ctl "touch 0x7f0000100000 64K w")" "touch"
assert_eq "7f0000100000 weighted interleave:0-1 anon=16 dirty=16 active=0 N0=4 N1=12 kernelpagesize_kB=4" \
	"$(numa_line "$p" 0x7f0000100000)" "numa_maps weighted interleave"

echo check >&3 && read -r r <&3
assert_eq ok "$r" "check"
exec 3>&- 4>&-
