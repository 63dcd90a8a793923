# mmfs-options: -o ram=512M,nodes=2
# mempolicy_shared: shared policies of shmem objects on a 2-node machine.
# Two processes attach one System V segment; one of them mbinds interleave
# over its attach: the segment's pages that the other faults follow it
# (interleave by the segment's inode number -- its id, 0 -- plus the page
# offset), and both numa_maps show it; a second mbind through the other
# process splits the object's range. A /dev/shm file keeps its policy
# after its last munmap, for the next mapping and for writes through files/.

exec 3<>"$MNT/ctl"
echo spawn >&3 && read -r a <&3
echo spawn >&3 && read -r b <&3
exec 4<>"$MNT/proc/$a/ctl" 5<>"$MNT/proc/$b/ctl"

# on FD: the reply to LINE
ctl() {
	{ echo "$2" >&"$1"; } 2>/dev/null || true
	read -r r <&"$1"
	printf '%s\n' "$r"
}
numa_line() { grep "^${2#0x} " "$MNT/proc/$1/numa_maps"; }

assert_eq 0 "$(ctl 4 "shmget IPC_PRIVATE 64K IPC_CREAT|0600")" "shmget"
sa=$(ctl 4 "shmat 0 0 0")
sb=$(ctl 5 "shmat 0 0 0")
assert_match '^0x7' "$sa" "shmat a"
assert_match '^0x7' "$sb" "shmat b"
assert_eq 0 "$(ctl 4 "mbind $sa 64K interleave 0-1")" "a mbinds its attach"
# b never called mbind, but its faults follow the segment's policy
assert_eq 0 "$(ctl 5 "touch $sb 64K w")" "b touches"
assert_eq "${sb#0x} interleave:0-1 file=/SYSV00000000\\040(deleted) dirty=16 active=0 N0=8 N1=8 kernelpagesize_kB=4" \
	"$(numa_line "$b" "$sb")" "b's numa_maps"
# (a's attach maps none of the pages yet: the line stops after the name)
assert_eq "${sa#0x} interleave:0-1 file=/SYSV00000000\\040(deleted)" \
	"$(numa_line "$a" "$sa")" "a's numa_maps"
assert_eq "3 0-1" "$(ctl 5 "get_mempolicy $sb addr")" "b's get_mempolicy addr"
# page k on node (0 + k) mod 2
assert_eq "0 0-1" "$(ctl 5 "get_mempolicy $sb node,addr")" "page 0 on node 0"
assert_eq "1 0-1" "$(ctl 5 "get_mempolicy $((sb + 4096)) node,addr")" "page 1 on node 1"

# b binds the middle 16K to node 1: the object's range splits; a's VMA
# stays whole, but its numa_maps line reads the object at its start
mid=$(printf '%#x' $((sb + 0x4000)))
assert_eq 0 "$(ctl 5 "mbind $mid 16K bind 1")" "b mbinds the middle"
assert_eq "2 1" "$(ctl 4 "get_mempolicy $(printf '%#x' $((sa + 0x5000))) addr")" "a sees bind:1 in the middle"
assert_eq "3 0-1" "$(ctl 4 "get_mempolicy $(printf '%#x' $((sa + 0x8000))) addr")" "a sees interleave after it"
assert_eq 1 "$(grep -c "^${sa#0x} " "$MNT/proc/$a/numa_maps")" "a's attach is one VMA"
assert_eq 3 "$(grep -c "SYSV00000000" "$MNT/proc/$b/numa_maps")" "b's attach split in three"
assert_eq "${mid#0x} bind:1 file=/SYSV00000000\\040(deleted) dirty=4 active=0 N0=2 N1=2 kernelpagesize_kB=4" \
	"$(numa_line "$b" "$mid")" "b's middle line (its pages stay where they are)"

# the segment goes at its last detach: its policy with it
assert_eq 0 "$(ctl 4 "shmctl 0 rmid")" "rmid"
assert_eq 0 "$(ctl 4 "shmdt $sa")" "a detaches"
assert_eq 0 "$(ctl 5 "shmdt $sb")" "b detaches"

# /dev/shm: the file's policy outlives its mappings
assert_eq 3 "$(ctl 4 "shm_open /p O_CREAT|O_RDWR 0600")" "shm_open"
truncate -s 64K "$MNT/files/dev/shm/p" || fail "truncate through files/"
m1=$(ctl 4 "mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0)")
assert_eq 0 "$(ctl 4 "mbind $m1 64K bind 1")" "mbind the file's mapping"
assert_eq 0 "$(ctl 4 "munmap $m1 64K")" "munmap"
m2=$(ctl 5 "mmap 0 64K rw- shared /dev/shm/p")
assert_eq 0 "$(ctl 5 "touch $m2 64K w")" "b touches a new mapping"
assert_match "^${m2#0x} bind:1 file=/dev/shm/p dirty=16 active=0 N1=16 kernelpagesize_kB=4$" \
	"$(numa_line "$b" "$m2")" "the new mapping shows and follows bind:1"

echo check >&3 && read -r r <&3
assert_eq ok "$r" "check"
exec 3>&- 4>&- 5>&-
