# slab_objs: what one operation adds to the caches of the model's objects,
# against the host (doc/slab.md). mmfs counts exactly, so three operations
# show it; the host (slab_objs_host.c) counts its per-CPU slabs as used, so
# it does thousands and rounds the average (hugetlb mappings: hundreds, the
# median of three rounds). Then the kmalloc trace event of
# a System V segment, and the alias directories of merged caches.

exec 3<>"$MNT/ctl"
echo spawn >&3 && read -r P <&3
exec 4<>"$MNT/proc/$P/ctl"
reply() { local r; echo "$1" >&4; read -r r <&4; echo "$r"; }
objs() { awk -v c="$1" '$1 == c { print $2 }' "$MNT/proc/slabinfo"; }
CACHES="kmalloc-cg-256 pid files_cache shared_policy_node"
snap() { for c in $CACHES; do objs "$c"; done; }
per_op() {	# per_op N BEFORE...: each cache's change divided by N, as the host probe prints it
	local n=$1 i=0 c b
	shift
	read -r -a b <<<"$*"
	for c in $CACHES; do
		echo "$c $((($(objs "$c") - b[i]) / n))"
		i=$((i + 1))
	done
}

before=$(snap)
for i in 1 2 3; do reply "shmget IPC_PRIVATE 4096 IPC_CREAT|0600" >/dev/null; done
per_op 3 $before >"$WORK/shm.mmfs"
for i in 0 1 2; do assert_eq 0 "$(reply "shmctl $i rmid")" "rmid $i"; done

before=$(snap)
kids=()
for i in 1 2 3; do kids+=("$(reply fork)"); done
per_op 3 $before >"$WORK/fork.mmfs"
for k in "${kids[@]}"; do echo "kill $k" >&3 && read -r r <&3 && assert_eq 0 "$r" "kill $k"; done

a=$(reply "mmap 0 24K rw- shared,anon")
spn0=$(objs shared_policy_node)
before=$(snap)
for i in 0 2 4; do
	assert_eq 0 "$(reply "mbind $(printf '%#x' $((a + i * 4096))) 4K bind 0")" "mbind page $i"
done
per_op 3 $before >"$WORK/mbind_shared.mmfs"
assert_eq 0 "$(reply "munmap $a 24K")" "munmap"
assert_eq "$spn0" "$(objs shared_policy_node)" "the object's shared policy goes with it"

# MAP_HUGETLB: per mapping of each kind, its resv_maps (kmalloc-128) and
# file_regions plus a shared VMA's lock (kmalloc-64), as the host's probe prints them
echo 16 >"$MNT/proc/sys/vm/nr_hugepages"
hsnap() { echo "$(objs kmalloc-128) $(objs kmalloc-64)"; }
for kind in private write noreserve shared; do
	case $kind in
	shared) fl=shared,anon,hugetlb ;;
	noreserve) fl=private,anon,hugetlb,noreserve ;;
	*) fl=private,anon,hugetlb ;;
	esac
	read -r b128 b64 <<<"$(hsnap)"
	maps=()
	for i in 1 2 3; do
		maps+=("$(reply "mmap 0 2M rw- $fl")")
		[ "$kind" = write ] && assert_eq 0 "$(reply "touch ${maps[-1]} 1 w")" "touch"
	done
	read -r a128 a64 <<<"$(hsnap)"
	echo "$kind kmalloc-128 $(((a128 - b128) / 3)) kmalloc-64 $(((a64 - b64) / 3))" >>"$WORK/hugetlb.mmfs"
	for a in "${maps[@]}"; do assert_eq 0 "$(reply "munmap $a 2M")" "munmap"; done
	assert_eq "$b128 $b64" "$(hsnap)" "$kind: munmap gives them back"
done
echo 0 >"$MNT/proc/sys/vm/nr_hugepages"
assert_eq "private kmalloc-128 2 kmalloc-64 2
write kmalloc-128 2 kmalloc-64 3
noreserve kmalloc-128 1 kmalloc-64 1
shared kmalloc-128 1 kmalloc-64 2" "$(cat "$WORK/hugetlb.mmfs")" "hugetlb objects"

if command -v cc >/dev/null; then
	cc -O1 -o "$WORK/slab_objs_host" "$MMFS_IT_DIR/slab_objs_host.c" -lm
	unshare -i "$WORK/slab_objs_host" shm 2000 >"$WORK/shm.host"
	"$WORK/slab_objs_host" fork 1000 >"$WORK/fork.host"
	"$WORK/slab_objs_host" mbind_shared 2000 >"$WORK/mbind_shared.host"
	for op in shm fork mbind_shared; do
		assert_file_eq "$WORK/$op.host" "$WORK/$op.mmfs" "$op: objects per operation, host and mmfs"
	done
	# the probe sets (and restores) the host's pool; 3: no pool could be had
	rc=0
	"$WORK/slab_objs_host" hugetlb 400 >"$WORK/hugetlb.host" || rc=$?
	if [ "$rc" = 3 ]; then
		echo "slab_objs: no host huge pages, the hugetlb comparison is skipped" >&2
	else
		assert_eq 0 "$rc" "slab_objs_host hugetlb"
		assert_file_eq "$WORK/hugetlb.host" "$WORK/hugetlb.mmfs" "hugetlb: objects per mapping, host and mmfs"
	fi
else
	echo "slab_objs: no C compiler, the host comparison is skipped" >&2
fi
assert_eq "kmalloc-cg-256 1
pid 0
files_cache 0
shared_policy_node 0" "$(cat "$WORK/shm.mmfs")" "shmget"
assert_eq "kmalloc-cg-256 0
pid 2
files_cache 1
shared_policy_node 0" "$(cat "$WORK/fork.mmfs")" "fork"

# the segment's kmalloc and kfree events, as the host prints them (call_site bare)
T=$MNT/sys/kernel/tracing
echo 1 >"$T/events/kmem/kmalloc/enable"
echo 1 >"$T/events/kmem/kfree/enable"
echo 1 >"$T/events/kmem/kmem_cache_alloc/enable"
id=$(reply "shmget IPC_PRIVATE 4096 IPC_CREAT|0600")
assert_eq 0 "$(reply "shmctl $id rmid")" "rmid"
echo 0 >"$T/events/kmem/enable"
assert_match "kmalloc: call_site=newseg ptr=[0-9a-f]+ bytes_req=256 bytes_alloc=256 gfp_flags=GFP_KERNEL_ACCOUNT node=-1 accounted=true" \
	"$(grep kmalloc: "$T/trace")" "kmalloc event"
assert_match "kfree: call_site=shm_rcu_free ptr=[0-9a-f]+" "$(grep kfree: "$T/trace")" "kfree event"
# the segment's inode as the host traced it (SLAB_ACCOUNT: accounted=true)
assert_match "kmem_cache_alloc: call_site=shmem_alloc_inode ptr=[0-9a-f]+ name=shmem_inode_cache bytes_req=744 bytes_alloc=752 gfp_flags=GFP_KERNEL node=-1 accounted=true" \
	"$(grep name=shmem_inode_cache "$T/trace")" "shmem inode event"

# a private MAP_HUGETLB mapping: the inode's map and the VMAs' one, each with a file_region
echo 4 >"$MNT/proc/sys/vm/nr_hugepages"
echo >"$T/trace"
echo 1 >"$T/events/kmem/kmalloc/enable"
echo 1 >"$T/events/kmem/kfree/enable"
h=$(reply "mmap 0 2M rw- private,anon,hugetlb")
assert_eq 0 "$(reply "munmap $h 2M")" "munmap hugetlb"
echo 0 >"$T/events/kmem/enable"
echo 0 >"$MNT/proc/sys/vm/nr_hugepages"
assert_eq "2 2" "$(grep -c 'kmalloc: call_site=resv_map_alloc .*bytes_req=120 bytes_alloc=128 gfp_flags=GFP_KERNEL node=-1 accounted=false' "$T/trace") $(grep -c 'kmalloc: call_site=resv_map_alloc .*bytes_req=48 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false' "$T/trace")" "resv_map and file_region kmalloc events"
assert_eq 4 "$(grep -c 'kfree: call_site=resv_map_release ' "$T/trace")" "resv_map_release kfree events"

# merged caches: the member's directory shows the group's cache
S=$MNT/sys/kernel/slab
assert_eq "$(cat "$S/pid/objects")" "$(cat "$S/cred/objects")" "cred is pid"
assert_eq 1 "$(cat "$S/pid/aliases")" "pid aliases"
assert_eq "$(cat "$S/ftrace_event_field/object_size")" "$(cat "$S/zswap_entry/object_size")" "zswap_entry is ftrace_event_field"
assert_eq "$(cat /sys/kernel/slab/zswap_entry/object_size)" "$(cat "$S/zswap_entry/object_size")" "zswap_entry object_size vs the host"
echo check >&3
read -r r <&3
assert_eq ok "$r" "check"
