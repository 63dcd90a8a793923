# slab: /proc/slabinfo and sys/kernel/slab in the host's exact shape, Σ slab
# pages = meminfo Slab, procps vmstat -m and slabtop -o in the namespace,
# and drop_caches 2 shrinking the dentries and inodes of files/.

si=$MNT/proc/slabinfo

# the header is the host's, byte for byte; mode 0400 as on the host
assert_eq "$(head -n2 /proc/slabinfo)" "$(head -n2 "$si")" "slabinfo header"
assert_eq "$(stat -c %a /proc/slabinfo)" "$(stat -c %a "$si")" "slabinfo mode"

# every line is what cache_show's format makes of its own fields (checked on the host first)
reformat='NR > 2 { printf "%-17s %6d %6d %6d %4d %4d : tunables %4d %4d %4d : slabdata %6d %6d %6d\n",
	$1, $2, $3, $4, $5, $6, $9, $10, $11, $14, $15, $16 }'
hostsi=$(cat /proc/slabinfo)	# once: the host's counts move between two reads
assert_eq "$(tail -n +3 <<<"$hostsi")" "$(awk "$reformat" <<<"$hostsi")" "host slabinfo shape"
assert_eq "$(tail -n +3 "$si")" "$(awk "$reformat" "$si")" "slabinfo shape"

# the caches the host has too: the same objsize, objperslab, pagesperslab
n=0
while read -r name _ _ size per pages _; do
	host=$(awk -v c="$name" '$1 == c { print $4, $5, $6 }' /proc/slabinfo)
	[[ -n $host ]] || continue
	assert_eq "$host" "$size $per $pages" "$name geometry vs the host"
	n=$((n + 1))
done < <(tail -n +3 "$si")
[[ $n -ge 10 ]] || fail "only $n caches compared with the host"

# Σ slabs × pages per slab × 4 kB = Slab; sys/kernel/slab agrees with slabinfo
sum=$(awk 'NR > 2 { s += $15 * $6 } END { print s * 4 }' "$si")
assert_eq "$(meminfo_kb Slab)" "$sum" "Σ slabinfo pages vs meminfo Slab"
assert_eq "$(meminfo_kb Slab)" "$(($(meminfo_kb SReclaimable) + $(meminfo_kb SUnreclaim)))" \
	"Slab = SReclaimable + SUnreclaim"
assert_eq "$(meminfo_kb SReclaimable)" "$(($(vmstat_val nr_slab_reclaimable) * 4))" "nr_slab_reclaimable"
d=$MNT/sys/kernel/slab/vm_area_struct
active=$(awk '$1 == "vm_area_struct" { print $2 }' "$si")
assert_eq "$active N0=$active" "$(cat "$d/objects")" "sys objects"
for f in object_size slab_size objs_per_slab order align reclaim_account aliases; do
	assert_eq "$(cat /sys/kernel/slab/dentry/$f)" "$(cat "$MNT/sys/kernel/slab/dentry/$f")" "dentry/$f"
done
assert_eq 400 "$(stat -c %a "$d/order")" "sysfs attribute mode"

# procps: vmstat -m prints name, active, total, size, objects per slab of each cache
out=$(in_proc_ns vmstat -m) || fail "vmstat -m failed: $out"
assert_eq "Cache                       Num  Total   Size  Pages" "$(head -n1 <<<"$out")" "vmstat -m header"
want=$(awk 'NR > 2 { print $1, $2, $3, $4, $5 }' "$si" | sort)
got=$(awk '$1 != "Cache" { print $1, $2, $3, $4, $5 }' <<<"$out" | sort)	# a header every 22 lines
assert_eq "$want" "$got" "vmstat -m rows vs slabinfo"

# slabtop -o: the totals line and one row per cache
out=$(in_proc_ns slabtop -o) || fail "slabtop -o failed: $out"
objs=$(awk 'NR > 2 { a += $2; t += $3 } END { print a " / " t }' "$si")
assert_match "^ Active / Total Objects \\(% used\\) +: $objs " "$(head -n1 <<<"$out")" "slabtop objects"
rows=$(grep -cE '^ *[0-9]+ +[0-9]+ +[0-9]+% ' <<<"$out") || true
assert_eq "$(($(wc -l <"$si") - 2))" "$rows" "slabtop rows"

# a file read through files/ leaves a dentry and an inode; drop_caches 2 frees
# the dentry at the second try (the first clears its reference bit), and 3
# evicts the inode with its page
dentry() { awk '$1 == "dentry" { print $2 }' "$si"; }
inodes() { awk '$1 == "ext4_inode_cache" { print $2 }' "$si"; }
d0=$(dentry)
i0=$(inodes)
echo hello >"$MNT/files/slabfile"
cat "$MNT/files/slabfile" >/dev/null
d1=$(dentry)
i1=$(inodes)
[[ $d1 -gt $d0 ]] || fail "no dentry for files/slabfile ($d0 -> $d1)"
scanned=$(vmstat_val slabs_scanned)
echo 2 >"$MNT/proc/sys/vm/drop_caches"
assert_eq "$d1" "$(dentry)" "dentries after the first drop_caches 2"
echo 2 >"$MNT/proc/sys/vm/drop_caches"
assert_lt "$(dentry)" "$d1" "dentries after the second drop_caches 2"
echo sync >"$MNT/ctl"	# the page echo dirtied must be clean to go
echo 3 >"$MNT/proc/sys/vm/drop_caches"
assert_lt "$(inodes)" "$i1" "inodes after drop_caches 3"
assert_lt "$scanned" "$(vmstat_val slabs_scanned)" "slabs_scanned"
sum=$(awk 'NR > 2 { s += $15 * $6 } END { print s * 4 }' "$si")
assert_eq "$(meminfo_kb Slab)" "$sum" "Σ slabinfo pages vs Slab after the shrink"
exec {fd}<>"$MNT/ctl"
echo check >&"$fd"
read -r reply <&"$fd"
exec {fd}>&-
assert_eq ok "$reply" "check after the shrink"

# sys/kernel/slab/CACHE/shrink and validate: 0600 and empty to read, as on the
# host; shrink takes "1" (its first byte), anything else is EINVAL; validate is
# EINVAL for a cache without debugging, the host's answer without slub_debug
k=kmalloc-64
for f in shrink validate; do
	assert_eq "$(stat -c %a "/sys/kernel/slab/$k/$f")" "$(stat -c %a "$MNT/sys/kernel/slab/$k/$f")" "$f mode"
	assert_eq "" "$(cat "$MNT/sys/kernel/slab/$k/$f")" "$f reads empty"
done
assert_eq "$(ls /sys/kernel/slab/$k/ | tr '\n' ' ')" "$(ls "$MNT/sys/kernel/slab/$k/" | tr '\n' ' ')" \
	"the attributes of a cache directory"
expect_fail "Invalid argument" "echo 0 >'$MNT/sys/kernel/slab/$k/shrink'"
expect_fail "Invalid argument" "echo 1 >'$MNT/sys/kernel/slab/$k/validate'"
expect_fail "Invalid argument" "echo 1 >/sys/kernel/slab/$k/validate"

# Fifteen processes and their exit: three task_struct slabs (8 pages each,
# five tasks a slab) are left empty, kept for min_partial; writing 1 to
# shrink gives exactly them back, as tools/mm/slabinfo -s does
ts=$MNT/sys/kernel/slab/task_struct
exec {fd}<>"$MNT/ctl"
spawned=()
for i in $(seq 15); do echo spawn >&"$fd" && read -r p <&"$fd" && spawned+=("$p"); done
for p in "${spawned[@]}"; do echo "kill $p" >&"$fd" && read -r _ <&"$fd"; done
slabs0=$(cut -d' ' -f1 "$ts/slabs")
objects0=$(cut -d' ' -f1 "$ts/objects")
slab0=$(meminfo_kb Slab)
echo 1 >"$ts/shrink"
slabs1=$(cut -d' ' -f1 "$ts/slabs")
assert_eq "$objects0" "$(cut -d' ' -f1 "$ts/objects")" "objects stay"
assert_eq 3 "$((slabs0 - slabs1))" "empty task_struct slabs freed"
assert_eq "$((slab0 - 3 * 32))" "$(meminfo_kb Slab)" "Slab drops by their 24 pages"
echo 1 >"$ts/shrink"
assert_eq "$slabs1" "$(cut -d' ' -f1 "$ts/slabs")" "a second shrink has nothing to free"
echo check >&"$fd"
read -r reply <&"$fd"
exec {fd}>&-
assert_eq ok "$reply" "check after sysfs shrink"
