# mmfs-options: -o ram=2G,nodes=2,cpus=4
# numa: sys/devices/system/{node,cpu}, proc/PID/numa_maps and status's
# *_allowed lines on a 2-node, 4-CPU machine; numactl, numastat, lscpu and
# lstopo-no-graphics read it (MOUNT/proc and MOUNT/sys bound over /proc and
# /sys); the formats match the host's own node0 and cpu files.

S=$MNT/sys/devices/system

in_sys_ns() {
	unshare -m --propagation private -- \
		sh -c 'mount --bind "$0/proc" /proc && mount --bind "$0/sys" /sys && exec "$@"' \
		"$MNT" "$@"
}

# ---- the files, exactly ----
for f in online possible has_memory has_normal_memory has_cpu; do
	assert_eq "0-1" "$(cat "$S/node/$f")" "node/$f"
done
assert_eq "3" "$(cat "$S/node/node0/cpumap")" "node0/cpumap"
assert_eq "c" "$(cat "$S/node/node1/cpumap")" "node1/cpumap"
assert_eq "0-1" "$(cat "$S/node/node0/cpulist")" "node0/cpulist"
assert_eq "2-3" "$(cat "$S/node/node1/cpulist")" "node1/cpulist"
assert_eq "10 20" "$(cat "$S/node/node0/distance")" "node0/distance"
assert_eq "20 10" "$(cat "$S/node/node1/distance")" "node1/distance"
assert_eq "255" "$(cat "$S/cpu/kernel_max")" "cpu/kernel_max"
for f in possible present online; do
	assert_eq "0-3" "$(cat "$S/cpu/$f")" "cpu/$f"
done
assert_eq "" "$(cat "$S/cpu/offline")" "cpu/offline"
assert_exists "$S/cpu/cpu3/online"
assert_missing "$S/cpu/cpu0/online"
assert_eq "1 1 0 c 2-3 8 3" "$(cd "$S/cpu/cpu3/topology" && cat physical_package_id core_id \
	die_id package_cpus core_siblings_list thread_siblings core_cpus_list | tr '\n' ' ' |
	sed 's/ $//')" "cpu3/topology"
assert_eq "0" "$(cat "$S/node/node1/hugepages/hugepages-2048kB/nr_hugepages")" "node1 hugepages"
assert_missing "$S/node/node2"
assert_missing "$S/cpu/cpu4"

# numastat per node sums to proc/vmstat; node vmstat is proc/vmstat's first part
for k in numa_hit numa_miss numa_foreign numa_local numa_other; do
	old=$k
	case $k in numa_local) old=local_node ;; numa_other) old=other_node ;; esac
	sum=$(awk -v k="$old" '$1 == k { s += $2 } END { print s + 0 }' "$S"/node/node*/numastat)
	assert_eq "$(vmstat_val "$k")" "$sum" "Σ node*/numastat $old vs vmstat $k"
done
n=$(wc -l <"$S/node/node0/vmstat")
assert_eq "$(head -n "$n" "$MNT/proc/vmstat" | cut -d' ' -f1)" \
	"$(cut -d' ' -f1 "$S/node/node0/vmstat")" "node0/vmstat keys"

# ---- status and numa_maps ----
nodemask=$(printf '00000000,%.0s' {1..31})00000003
assert_eq "$(printf 'Cpus_allowed:\tf\nCpus_allowed_list:\t0-3\nMems_allowed:\t%s\nMems_allowed_list:\t0-1' "$nodemask")" \
	"$(grep _allowed "$MNT/proc/1/status")" "status *_allowed"

exec 3<>"$MNT/proc/1/ctl"
echo 'mmap 0 64K rw- private,anon' >&3 && read -r addr <&3
echo "touch $addr 64K w" >&3 && read -r r <&3
assert_eq 0 "$r" "touch"
echo 'mmap 0 8K r-- private,anon' >&3 && read -r zaddr <&3
echo "touch $zaddr 8K r" >&3 && read -r r <&3
echo fork >&3 && read -r child <&3
exec 3>&-
assert_eq "${addr#0x} default anon=16 dirty=16 mapmax=2 active=0 N0=16 kernelpagesize_kB=4" \
	"$(grep "^${addr#0x} " "$MNT/proc/1/numa_maps")" "numa_maps of the touched mapping"
assert_eq "${zaddr#0x} default" "$(grep "^${zaddr#0x} " "$MNT/proc/1/numa_maps")" \
	"numa_maps of zero-page reads"
assert_match "^[0-9a-f]+ default stack" "$(tail -n1 "$MNT/proc/$child/numa_maps")" "stack line"
for pid in 1 "$child"; do
	assert_eq "$(grep -vc vsyscall "$MNT/proc/$pid/maps")" "$(wc -l <"$MNT/proc/$pid/numa_maps")" \
		"numa_maps lines of $pid"
	# Rss per VMA from smaps, Σ N<node>= per VMA from numa_maps; [vdso]/[vvar] aside
	rss=$(awk '/^[0-9a-f]+-/ { split($1, a, "-"); v = a[1]; n = $6 }
		   /^Rss:/ && n !~ /^\[v(dso|var|syscall)/ { print v, $2 / 4 }' "$MNT/proc/$pid/smaps")
	nsum=$(awk '{ s = 0; for (i = 3; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { sub(/^N[0-9]+=/, "", $i); s += $i }
		     print $1, s }' "$MNT/proc/$pid/numa_maps" | grep -vE "^($(awk '$6 ~ /^\[v(dso|var)/ {
		     split($1, a, "-"); printf "%s%s", sep, a[1]; sep = "|" }' "$MNT/proc/$pid/maps")) ")
	assert_eq "$rss" "$nsum" "numa_maps N counts vs smaps Rss of $pid"
done

# ---- the tools ----
out=$(in_sys_ns numactl --hardware 2>&1) || fail "numactl --hardware: $out"
mb() { echo $(($(awk -v k="$2:" '$3 == k { print $4 }' "$S/node/node$1/meminfo") / 1024)); }
assert_eq "available: 2 nodes (0-1)
node 0 cpus: 0 1
node 0 size: $(mb 0 MemTotal) MB
node 0 free: $(mb 0 MemFree) MB
node 1 cpus: 2 3
node 1 size: $(mb 1 MemTotal) MB
node 1 free: $(mb 1 MemFree) MB
node distances:
node   0   1 
  0:  10  20 
  1:  20  10 " "$out" "numactl --hardware"

out=$(in_sys_ns numastat 2>&1) || fail "numastat: $out"
assert_match "^ +node0 +node1$" "$(head -n1 <<<"$out")" "numastat header"
assert_eq "numa_hit interleave_hit local_node" \
	"$(awk 'NR > 1 && ($1 == "numa_hit" || $1 == "interleave_hit" || $1 == "local_node") { print $1 }' <<<"$out" | tr '\n' ' ' | sed 's/ $//')" "numastat rows"
hit0=$(awk '$1 == "numa_hit" { print $2 }' "$S/node/node0/numastat")
assert_eq "$hit0" "$(awk '$1 == "numa_hit" { print $2 }' <<<"$out")" "numastat numa_hit node0"
out=$(in_sys_ns numastat -n 2>&1) || fail "numastat -n: $out"
assert_match "Numa_Hit" "$out" "numastat -n"
assert_match "Node 0 +Node 1 +Total" "$out" "numastat -n header"

# numastat -m warns only about what it warns about on the host (its own table)
out=$(in_sys_ns numastat -m 2>&1) || fail "numastat -m: $out"
tokens=$(grep '^Token' <<<"$out" | sort -u)
assert_eq "Token FileHugePages not in hash table.
Token FilePmdMapped not in hash table.
Token SecPageTables not in hash table.
Token SwapCached not in hash table." "$tokens" "numastat -m tokens"
if [[ -r /sys/devices/system/node/node0/meminfo ]]; then
	assert_eq "$(numastat -m 2>&1 | grep '^Token' | sort -u)" "$tokens" "numastat -m tokens vs host"
fi
assert_match "MemTotal +[0-9.]+ +[0-9.]+ +[0-9.]+" "$out" "numastat -m MemTotal"

out=$(in_sys_ns numastat -p 1 2>&1) || fail "numastat -p 1: $out"
assert_match "Per-node process memory usage \(in MBs\) for PID 1 \(init\)" "$out" "numastat -p 1"
assert_match "^Private +0\.06 +0\.00 +0\.06$" "$(grep ^Private <<<"$out")" "numastat -p Private"

out=$(in_sys_ns lscpu 2>&1) || fail "lscpu: $out"
for l in "CPU(s): 4" "On-line CPU(s) list: 0-3" "Thread(s) per core: 1" "Core(s) per socket: 2" \
	 "Socket(s): 2" "NUMA node(s): 2" "NUMA node0 CPU(s): 0,1" "NUMA node1 CPU(s): 2,3"; do
	grep -qxF "$l" <<<"$(sed 's/  */ /g' <<<"$out")" || fail "lscpu lacks '$l': $out"
done

err=$WORK/lstopo.err
out=$(in_sys_ns env HWLOC_COMPONENTS=-x86 lstopo-no-graphics 2>"$err") || fail "lstopo: $(cat "$err")"
assert_eq "" "$(cat "$err")" "lstopo-no-graphics stderr"
assert_match "NUMANode L#0 \(P#0 $(mb 0 MemTotal)MB\)" "$out" "lstopo node 0"
assert_match "NUMANode L#1 \(P#1 $(mb 1 MemTotal)MB\)" "$out" "lstopo node 1"
assert_eq 4 "$(grep -c 'PU L#' <<<"$out")" "lstopo PUs"
assert_eq 2 "$(grep -c 'Package L#' <<<"$out")" "lstopo packages"

# ---- against the host's own files (the host has node0 and cpu0) ----
H=/sys/devices/system
if [[ -d $H/node/node0 ]]; then
	assert_eq "$(cut -d' ' -f1 "$H/node/node0/numastat")" "$(cut -d' ' -f1 "$S/node/node0/numastat")" \
		"node0/numastat keys vs host"
	assert_eq "$(cut -d' ' -f1 "$H/node/node0/vmstat")" "$(cut -d' ' -f1 "$S/node/node0/vmstat")" \
		"node0/vmstat keys vs host"
	assert_eq "$(awk '{ print $3 }' "$H/node/node0/meminfo")" \
		"$(awk '{ print $3 }' "$S/node/node0/meminfo")" "node0/meminfo keys vs host"
	for f in online possible has_cpu has_memory has_normal_memory node0/cpulist node0/distance; do
		assert_match '^[0-9,-]*( [0-9]+)*$' "$(cat "$H/node/$f")" "host node/$f shape"
	done
	for f in cpumap cpulist distance numastat vmstat meminfo; do
		assert_exists "$S/node/node0/$f"
	done
fi
if [[ -d $H/cpu/cpu0/topology ]]; then
	assert_eq "$(ls "$H/cpu/cpu0/topology")" "$(ls "$S/cpu/cpu0/topology")" "cpu0/topology files vs host"
	hn=$(ls -d "$H"/cpu/cpu[0-9]* | wc -l)
	assert_eq "0-$((hn - 1))" "$(cat "$H/cpu/online")" "host cpu/online shape"
	assert_eq "$(cat "$H/cpu/offline")" "$(cat "$S/cpu/offline")" "cpu/offline vs host"
fi
# status: the host's lines have the same shape
assert_eq "$(grep -E '^(Cpus|Mems)_allowed' /proc/self/status | sed 's/:.*//')" \
	"$(grep -E '^(Cpus|Mems)_allowed' "$MNT/proc/1/status" | sed 's/:.*//')" "status keys vs host"
assert_eq "$(grep '^Mems_allowed:' /proc/self/status | tr -c ',\n' x | tr -s x)" \
	"$(grep '^Mems_allowed:' "$MNT/proc/1/status" | tr -c ',\n' x | tr -s x)" "Mems_allowed shape vs host"

# ---- the options ----
out=$("$MMFS" --help 2>&1) || fail "mmfs --help: $out"
assert_match "cpus=N" "$out" "--help mentions cpus="
assert_match "distance=D" "$out" "--help mentions distance="
refused() {	# refused WHAT REASON OPTIONS: mmfs -o OPTIONS must exit saying REASON
	local err rc=0
	mkdir -p "$WORK/refused"
	err=$(timeout 20 "$MMFS" -o "backing=$WORK/refused-backing,$3" "$WORK/refused" 2>&1 >/dev/null) ||
		rc=$?
	mountpoint -q "$WORK/refused" && { fusermount3 -u "$WORK/refused"; fail "$1: mounted"; }
	((rc != 0 && rc != 124)) || fail "$1: mmfs exited $rc"
	assert_eq "$2" "$err" "$1"
}
refused "cpus=0" "mmfs: cpus=0: not a number of CPUs (1..256)" cpus=0
refused "cpus=257" "mmfs: cpus=257: not a number of CPUs (1..256)" cpus=257
refused "distance= count" "mmfs: distance=10:20:20: one distance, or 4 of them joined with ':'" \
	nodes=2,distance=10:20:20
refused "distance= word" "mmfs: distance=far: not a distance, or more than 4" nodes=2,distance=far
refused "distance= local" \
	"mmfs: cannot boot the machine: distance from node 0 to node 1 is 10: must be 10 to itself, 11..254 to another" \
	nodes=2,distance=10

# a SLIT of three nodes and CPUs for two of them
mmfs_mount "$WORK/m3" -o ram=384M,nodes=3,cpus=2,distance=10:30:15:21:10:21:15:30:10
S3=$WORK/m3/sys/devices/system
assert_eq "10 30 15|21 10 21|15 30 10" \
	"$(cat "$S3"/node/node{0,1,2}/distance | paste -sd'|')" "node*/distance of the SLIT"
assert_eq "0-1" "$(cat "$S3/node/has_cpu")" "has_cpu with 2 CPUs on 3 nodes"
assert_eq "" "$(cat "$S3/node/node2/cpulist")" "node2/cpulist: no CPUs"
out=$(MNT=$WORK/m3 in_sys_ns numactl --hardware 2>&1) || fail "numactl --hardware (3 nodes): $out"
assert_eq "node   0   1   2 
  0:  10  30  15 
  1:  21  10  21 
  2:  15  30  10 " "$(sed -n '/^node distances:/,$p' <<<"$out" | tail -n +2)" "numactl distances"
assert_match "node 2 cpus: *$" "$(grep '^node 2 cpus:' <<<"$out")" "numactl: node 2 has no CPUs"
mmfs_umount "$WORK/m3"

# the journal keeps cpus= and distance=
mmfs_mount "$WORK/mj" -o "ram=256M,nodes=2,cpus=3,distance=31,journal=$WORK/j,backing=$WORK/bj"
mmfs_umount "$WORK/mj"
mmfs_mount "$WORK/mj" -o "journal=$WORK/j,backing=$WORK/bj"
assert_eq "0-2|31 10" "$(cat "$WORK/mj/sys/devices/system/cpu/online" \
	"$WORK/mj/sys/devices/system/node/node1/distance" | paste -sd'|')" "cpus= and distance= from the journal"
mmfs_umount "$WORK/mj"
err=$(timeout 20 "$MMFS" -o "journal=$WORK/j,cpus=4" "$WORK/mj" 2>&1 >/dev/null) &&
	fail "a journal mounted with other cpus="
assert_eq "mmfs: journal=$WORK/j records other cpus= or distance=: mount it without them, or with those values" \
	"$err" "journal with other cpus="

# numa_maps lines against the host's own for the same kinds of VMA: a shared
# anonymous mapping and a private rwx one (which merges with nothing), written
host=$("$PY" - <<'PY'
import ctypes, mmap
s = mmap.mmap(-1, 8192, flags=mmap.MAP_SHARED)
p = mmap.mmap(-1, 16384, flags=mmap.MAP_PRIVATE,
              prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
for m, n in ((s, 2), (p, 4)):
    for i in range(n):
        m[i * 4096] = 1
want = [ctypes.addressof(ctypes.c_char.from_buffer(m)) for m in (s, p)]
lines = {int(l.split()[0], 16): l.split(' ', 1)[1].strip() for l in open('/proc/self/numa_maps')}
print('\n'.join(lines[a] for a in want))
PY
)
exec 3<>"$MNT/proc/1/ctl"
echo 'mmap 0 8K rw- shared,anon' >&3 && read -r sh <&3
echo "touch $sh 8K w" >&3 && read -r r <&3
echo 'mmap 0 16K rwx private,anon' >&3 && read -r px <&3
echo "touch $px 16K w" >&3 && read -r r <&3
exec 3>&-
ours=$(for a in "$sh" "$px"; do grep "^${a#0x} " "$MNT/proc/1/numa_maps" | cut -d' ' -f2-; done)
assert_eq "$host" "$ours" "numa_maps lines vs the host's"
