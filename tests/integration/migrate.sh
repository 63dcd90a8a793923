# mmfs-options: -o ram=512M,nodes=2,cpus=4
# migrate: a process touches memory on node 0; migrate_pages moves it to
# node 1 and numa_maps, the nodes' meminfo and numastat and proc/vmstat
# change by exactly its pages; move_pages asks and moves page by page in
# both forms; sched_setaffinity and taskset move the process between CPUs
# (stat's processor field, status's Cpus_allowed) and fork inherits them.

N=$MNT/sys/devices/system/node
node_kb() { awk -v k="$2:" '$3 == k { print $4 }' "$N/node$1/meminfo"; }
numastat_of() { awk -v k="$2" '$1 == k { print $2 }' "$N/node$1/numastat"; }

exec 3<>"$MNT/ctl"
echo spawn >&3
read -r pid <&3
exec 4<>"$MNT/proc/$pid/ctl"
echo 'mmap 0 64K rw- private,anon' >&4
read -r a <&4
echo "touch $a 64K w" >&4 && read -r r <&4 && assert_eq 0 "$r" "touch"
hexa=$(printf '%x' "$a")
line() { grep "^$hexa " "$MNT/proc/$pid/numa_maps"; }
assert_eq "$hexa default anon=16 dirty=16 active=0 N0=16 kernelpagesize_kB=4" "$(line)" "numa_maps before"

anon0=$(node_kb 0 AnonPages) anon1=$(node_kb 1 AnonPages)
hit1=$(numastat_of 1 numa_hit)
assert_eq 0 "$(vmstat_val pgmigrate_success)" "pgmigrate_success before"

# ---- migrate_pages: everything of node 0 to node 1 ----
echo "migrate_pages $pid 0 1" >&4 && read -r r <&4
assert_eq 0 "$r" "migrate_pages: pages not moved"
assert_eq "$hexa default anon=16 dirty=16 active=0 N1=16 kernelpagesize_kB=4" "$(line)" "numa_maps after"
assert_eq $((anon0 - 64)) "$(node_kb 0 AnonPages)" "node0 AnonPages"
assert_eq $((anon1 + 64)) "$(node_kb 1 AnonPages)" "node1 AnonPages"
assert_eq $((hit1 + 16)) "$(numastat_of 1 numa_hit)" "node1 numa_hit: the new frames"
assert_eq 16 "$(vmstat_val pgmigrate_success)" "pgmigrate_success"
assert_eq 0 "$(vmstat_val pgmigrate_fail)" "pgmigrate_fail"
assert_eq 0 "$(vmstat_val numa_pages_migrated)" "numa_pages_migrated (NUMA balancing only)"
# the same again moves nothing
echo "migrate_pages 0 0 1" >&4 && read -r r <&4 && assert_eq 0 "$r" "again"
assert_eq 16 "$(vmstat_val pgmigrate_success)" "pgmigrate_success again"

# ---- move_pages: query, then move two pages back, shell and strace form ----
b=$((a + 4096))
echo "move_pages 0 $a,$b,0x1000" >&4 && read -r r <&4
assert_eq "0 [1, 1, -EFAULT]" "$r" "query"
echo "move_pages 0 $a,$b 0" >&4 && read -r r <&4
assert_eq "0 [0, 0]" "$r" "move to 0"
echo "move_pages($pid, 2, [$(printf '%#x, %#x' "$a" "$b")], NULL, [0, 0], 0) = 0" >&4 && read -r r <&4
assert_eq "0 [0, 0]" "$r" "strace query"
echo "move_pages(0, 2, [$(printf '%#x, %#x' "$a" "$b")], [1, 0], 0x7ffd00, MPOL_MF_MOVE) = 0" >&4 &&
	read -r r <&4
assert_eq "0 [1, 0]" "$r" "strace move"
assert_eq "$hexa default anon=16 dirty=16 active=0 N0=1 N1=15 kernelpagesize_kB=4" "$(line)" "numa_maps mixed"
assert_eq 19 "$(vmstat_val pgmigrate_success)" "pgmigrate_success after move_pages"
{ echo "move_pages 0 $a 2" >&4; } 2>/dev/null || true
read -r r <&4
assert_eq "error ENODEV: node 2 has no memory" "$r" "a node without memory"
echo "move_pages 0 0x10000" >&4 && read -r r <&4
assert_eq "0 [-EFAULT]" "$r" "no mapping there"

# ---- a page shared with a child: EACCES without MPOL_MF_MOVE_ALL ----
echo fork >&4 && read -r child <&4
echo "move_pages 0 $b 1" >&4 && read -r r <&4
assert_eq "0 [-EACCES]" "$r" "shared page, MPOL_MF_MOVE"
echo "move_pages 0 $b 1 all" >&4 && read -r r <&4
assert_eq "0 [1]" "$r" "shared page, MPOL_MF_MOVE_ALL"
echo "move_pages $child $b" >&4 && read -r r <&4
assert_eq "0 [1]" "$r" "the child's PTE follows"
echo check >&3 && read -r r <&3 && assert_eq ok "$r" "check"

# ---- CPUs ----
cpu() { awk '{ print $39 }' "$MNT/proc/$1/stat"; }
allowed() { awk -F'\t' -v k="$2:" '$1 == k { print $2 }' "$MNT/proc/$1/status"; }
assert_eq 0 "$(cpu "$pid")" "a spawned process starts on CPU 0"
assert_eq "f" "$(allowed "$pid" Cpus_allowed)" "Cpus_allowed before"
echo "sched_setaffinity 0 2-3" >&4 && read -r r <&4 && assert_eq 0 "$r" "sched_setaffinity"
assert_eq 2 "$(cpu "$pid")" "processor: the first allowed CPU"
assert_eq "c" "$(allowed "$pid" Cpus_allowed)" "Cpus_allowed"
assert_eq "2-3" "$(allowed "$pid" Cpus_allowed_list)" "Cpus_allowed_list"
echo "sched_getaffinity(0, 128, [2 3]) = 32" >&4 && read -r r <&4 && assert_eq "32 [2 3]" "$r" "getaffinity"
echo fork >&4 && read -r c2 <&4
assert_eq 2 "$(cpu "$c2")" "fork inherits the CPU"
assert_eq "2-3" "$(allowed "$c2" Cpus_allowed_list)" "fork inherits the mask"
echo "taskset $c2 0,2" >&3 && read -r r <&3 && assert_eq 0 "$r" "taskset"
assert_eq 2 "$(cpu "$c2")" "still allowed: it stays"
assert_eq "0,2" "$(allowed "$c2" Cpus_allowed_list)" "taskset's mask"
echo "sched_setaffinity($c2, 128, [1]) = 0" >&4 && read -r r <&4 && assert_eq 0 "$r" "strace form"
assert_eq 1 "$(cpu "$c2")" "moved to CPU 1"
{ echo "sched_setaffinity 0 4-5" >&4; } 2>/dev/null || true
read -r r <&4
assert_eq "error EINVAL: no online CPU in the mask" "$r" "offline CPUs only"
echo check >&3 && read -r r <&3 && assert_eq ok "$r" "check at the end"
exec 3>&- 4>&-

# ---- the journal replays all of it byte for byte (after a kill -9) ----
J=$WORK/journal
JM=$WORK/jm
mmfs_mount "$JM" -o "journal=$J,backing=$WORK/jb,ram=512M,nodes=2,cpus=4"
exec 3<>"$JM/ctl"
echo spawn >&3 && read -r p <&3
exec 4<>"$JM/proc/$p/ctl"
cat >&4 <<CMDS
mmap 0 4M rw- private,anon
CMDS
read -r a <&4
cat >&4 <<CMDS
madvise $a 4M hugepage
touch $a 3M w
migrate_pages 0 0 1
move_pages 0 $a,$((a + 2097152)),$((a + 3145728)) 0,0,0
fork
sched_setaffinity 0 3
CMDS
replies=()
for _ in 1 2 3 4 5 6; do read -r r <&4 && replies+=("$r"); done
assert_eq "0 [0, 0, -EBUSY]" "${replies[3]}" "two THPs back; the second one's other page is taken (-EBUSY)"
echo "taskset $p 1-2" >&3 && read -r _ <&3
exec 3>&- 4>&-
jsnap() {
	local d=$1 f q
	mkdir -p "$d"
	for f in meminfo vmstat buddyinfo zoneinfo; do cat "$JM/proc/$f" >"$d/$f"; done
	for f in 0 1; do
		cat "$JM/sys/devices/system/node/node$f/meminfo" \
			"$JM/sys/devices/system/node/node$f/numastat" >"$d/node$f"
	done
	for q in $(pids "$JM"); do
		for f in numa_maps stat status smaps; do cat "$JM/proc/$q/$f" >"$d/$q.$f"; done
	done
}
jsnap "$WORK/jbefore"
assert_eq 4 "$(vmstat_val thp_migration_success "$JM")" "two THPs there and back, whole"
assert_eq 2048 "$(vmstat_val pgmigrate_success "$JM")" "pgmigrate_success counts base pages"
{
	kill -9 "${_MMFS_PID[$JM]}"
	wait "${_MMFS_PID[$JM]}" || true
} 2>/dev/null
unset "_MMFS_PID[$JM]"
mmfs_mount "$JM" -o "journal=$J,backing=$WORK/jb"
jsnap "$WORK/jafter"
diff -r "$WORK/jbefore" "$WORK/jafter" >&2 || fail "the replayed machine differs from the one killed"
mmfs_umount "$JM"
