# psutil: Debian's psutil reads the mount through PROCFS_PATH.

"$PY" -c 'import psutil' 2>/dev/null || fail "$PY has no psutil (apt-get install python3-psutil)"

memtotal=$(meminfo_kb MemTotal)
memfree=$(meminfo_kb MemFree)
vmsize=$(status_kb VmSize 1)
vmrss=$(status_kb VmRSS 1)
nmaps=$(wc -l <"$MNT/proc/1/maps")

out=$("$PY" -W error - "$MNT/proc" <<'EOF'
import sys, psutil
psutil.PROCFS_PATH = sys.argv[1]
vm = psutil.virtual_memory()
print("total", vm.total)
print("free", vm.free)
print("available", vm.available)
sw = psutil.swap_memory()
print("swap", sw.total)
p = psutil.Process(1)
mi = p.memory_info()
print("vms", mi.vms)
print("rss", mi.rss)
print("name", p.name())
maps = p.memory_maps(grouped=False)
print("maps", len(maps))
print("paths", ",".join(sorted({m.path for m in maps})))
EOF
) || fail "psutil script failed: $out"

get() { awk -v k="$1" '$1 == k { print $2 }' <<<"$out"; }
assert_eq $((memtotal * 1024)) "$(get total)" "virtual_memory().total"
assert_eq $((memfree * 1024)) "$(get free)" "virtual_memory().free"
assert_eq $(($(meminfo_kb MemAvailable) * 1024)) "$(get available)" "virtual_memory().available"
assert_eq $(($(meminfo_kb SwapTotal) * 1024)) "$(get swap)" "swap_memory().total"
assert_eq $((vmsize * 1024)) "$(get vms)" "Process(1).memory_info().vms"
assert_eq $((vmrss * 1024)) "$(get rss)" "Process(1).memory_info().rss"
assert_eq "$(cat "$MNT/proc/1/comm")" "$(get name)" "Process(1).name()"
# memory_maps lists every smaps block, [vsyscall] included
assert_eq "$nmaps" "$(get maps)" "len(memory_maps(grouped=False))"
assert_match '\[stack\]' "$(get paths)" "memory_maps paths"
