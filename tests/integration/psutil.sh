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

# ---- the process API: exe, cwd, open_files, num_fds, threads, environ, io_counters ----

head -c 65536 /dev/zero >"$MNT/files/data.bin"
exec 3<>"$MNT/ctl"
echo "spawn worker" >&3 && read -r A <&3
exec 4<>"$MNT/proc/$A/ctl"
echo "open /data.bin rdwr" >&4 && read -r fd <&4
assert_eq 3 "$fd" "open"
echo sync >&3 && read -r _ <&3
echo "drop_caches 1" >&3 && read -r _ <&3
echo "mmap 0 64K rw- shared /data.bin" >&4 && read -r f <&4
echo "touch $f 64K r" >&4 && read -r _ <&4
echo "touch $f 4K w" >&4 && read -r _ <&4
echo fork >&4 && read -r B <&4
exec 4>&- 3>&-
ino=$(stat -c %i "$MNT/files/data.bin")

out=$("$PY" -W error - "$MNT/proc" "$A" <<'EOF2'
import sys, psutil
psutil.PROCFS_PATH = sys.argv[1]
p = psutil.Process(int(sys.argv[2]))
print("exe", p.exe())
print("cwd", p.cwd())
print("open_files", p.open_files())
print("num_fds", p.num_fds())
print("threads", p.threads())
print("num_threads", p.num_threads())
print("environ", sorted(p.environ().items()))
print("io", p.io_counters())
print("ppid", p.ppid())
print("status", p.status())
print("children", [c.pid for c in p.children()])
print("cmdline", p.cmdline())
print("init", psutil.Process(1).exe(), psutil.Process(1).cwd(), psutil.Process(1).open_files())
print("pids", psutil.pids())
EOF2
) || fail "psutil process script failed: $out"

get() { sed -n "s/^$1 //p" <<<"$out"; }
assert_eq "$MNT/files/usr/bin/worker" "$(get exe)" "exe()"
assert_eq "$MNT/files" "$(get cwd)" "cwd()"
assert_eq "[popenfile(path='$MNT/files/data.bin', fd=3, position=0, mode='r+', flags=32770)]" \
	"$(get open_files)" "open_files() (flags O_RDWR|O_LARGEFILE)"
assert_eq 1 "$(get num_fds)" "num_fds()"
assert_eq "[pthread(id=$A, user_time=0.0, system_time=0.0)]" "$(get threads)" "threads()"
assert_eq 1 "$(get num_threads)" "num_threads()"
assert_eq "[('HOME', '/'), ('TERM', 'linux')]" "$(get environ)" "environ()"
assert_eq "pio(read_count=0, write_count=0, read_bytes=65536, write_bytes=4096, read_chars=0, write_chars=0)" \
	"$(get io)" "io_counters() (the 64K read, one page dirtied)"
assert_eq "$(awk '$1 == "PPid:" { print $2 }' "$MNT/proc/$A/status")" "$(get ppid)" "ppid()"
assert_eq "sleeping" "$(get status)" "status()"
assert_eq "[$B]" "$(get children)" "children()"
assert_eq "['worker']" "$(get cmdline)" "cmdline()"
assert_eq "$MNT/files/sbin/init $MNT/files []" "$(get init)" "init's exe, cwd, open_files"
assert_eq "[$(pids | paste -sd, | sed 's/,/, /g')]" "$(get pids)" "pids()"
assert_eq "$ino" "$(awk '$1 == "ino:" { print $2 }' "$MNT/proc/$A/fdinfo/3")" "fdinfo ino"
