# clients: eight clients at once, each running thousands of mixed commands
# on its own processes and reading every view meanwhile: every command gets
# exactly one reply, nothing fails that should not, no view read fails, and
# the machine is consistent afterwards. Then a user who is not root, on a
# mount with allow_other: denied every write and every 0600/0400 file.
# mmfs-options: -o ram=1G,swap=128M,allow_other

"$PY" - "$MNT" <<'PY'
import os, re, sys, random
from multiprocessing import Pool

MNT = sys.argv[1]
VIEWS = ["meminfo", "vmstat", "buddyinfo", "zoneinfo", "pagetypeinfo", "swaps", "kmsg"]
PID_VIEWS = ["maps", "smaps", "smaps_rollup", "status", "statm", "stat"]
REPLY = re.compile(r"^(0x[0-9a-f]+|[0-9]+|[01]+|ok|error E[A-Z0-9]+: .*)$")

def ctl(fd, line):
    """One command, one reply line (read as bash's read does, to the newline)."""
    try:
        os.write(fd, (line + "\n").encode())
    except OSError:
        pass                                    # the reply says why
    out = b""
    while not out.endswith(b"\n"):
        b = os.read(fd, 65536)
        if not b:
            raise SystemExit(f"no reply to {line!r} (after {out!r})")
        out += b
    lines = out.decode().split("\n")[:-1]
    if len(lines) != 1 or not REPLY.match(lines[0]):
        raise SystemExit(f"{line!r}: replies {lines!r}")
    return lines[0]

def read_views(pids):
    for v in VIEWS:
        with open(f"{MNT}/proc/{v}", "rb") as f:
            if not f.read():
                raise SystemExit(f"{v} read empty")
    for p in pids:
        for v in PID_VIEWS:
            try:
                with open(f"{MNT}/proc/{p}/{v}", "rb") as f:
                    f.read()
            except (FileNotFoundError, ProcessLookupError):
                pass                            # killed by its own client meanwhile
        try:
            fd = os.open(f"{MNT}/proc/{p}/pagemap", os.O_RDONLY)
            os.pread(fd, 8 * 512, 0x7ffff7000000 // 512)
            os.close(fd)
        except (FileNotFoundError, ProcessLookupError):
            pass
    fd = os.open(f"{MNT}/proc/kpageflags", os.O_RDONLY)
    os.pread(fd, 8 * 4096, 8 * 0x10000)
    os.close(fd)

def client(n):
    rnd = random.Random(n)
    g = os.open(f"{MNT}/ctl", os.O_RDWR)
    pid = int(ctl(g, "spawn"))
    mine = [pid]
    fds = {pid: os.open(f"{MNT}/proc/{pid}/ctl", os.O_RDWR)}
    addrs = {pid: []}
    sent = replied = 0
    for i in range(2500):
        p = rnd.choice(mine)
        fd = fds[p]
        op = rnd.randrange(12)
        if op < 3:
            r = ctl(fd, f"mmap 0 {rnd.choice([4, 64, 256, 2048])}K {rnd.choice(['rw-', 'r--'])} "
                        f"{rnd.choice(['private', 'shared'])},anon")
            if r.startswith("0x"):
                addrs[p].append(int(r, 16))
        elif op < 6 and addrs[p]:
            a = rnd.choice(addrs[p])
            r = ctl(fd, f"touch {a:#x} {rnd.choice([4, 16, 64])}K {rnd.choice('rw')}")
        elif op == 6 and addrs[p]:
            a = addrs[p].pop(rnd.randrange(len(addrs[p])))
            r = ctl(fd, f"munmap {a:#x} 64K")
        elif op == 7 and addrs[p]:
            r = ctl(fd, f"mincore {rnd.choice(addrs[p]):#x} 4K")
        elif op == 8 and addrs[p]:
            r = ctl(fd, f"madvise {rnd.choice(addrs[p]):#x} 4K "
                        f"{rnd.choice(['dontneed', 'cold', 'willneed', 'pageout'])}")
        elif op == 9 and len(mine) < 4:
            r = ctl(fd, "fork")
            c = int(r)
            mine.append(c)
            fds[c] = os.open(f"{MNT}/proc/{c}/ctl", os.O_RDWR)
            addrs[c] = list(addrs[p])
        elif op == 10 and len(mine) > 1:
            c = mine.pop()
            os.close(fds.pop(c))
            addrs.pop(c)
            r = ctl(g, f"kill {c}")
            if r != "0":
                raise SystemExit(f"kill {c}: {r}")
        else:
            read_views(mine)
            continue
        sent += 1
        replied += 1
    for c in mine[1:]:
        ctl(g, f"kill {c}")
    return (n, sent, replied)

with Pool(8) as pool:
    results = pool.map(client, range(8))
total = sum(r[1] for r in results)
assert all(r[1] == r[2] for r in results), results
print(f"8 clients: {total} commands, every one answered once")
PY

# afterwards: consistent, and the views agree
exec 3<>"$MNT/ctl"
echo check >&3
read -r r <&3
assert_eq ok "$r" "check after the eight clients"
exec 3>&-
free_kb=$(meminfo_kb MemFree)
buddy_pages=$(buddyinfo_table | awk '{ s += $2 } END { print s }')
assert_eq "$free_kb" "$((buddy_pages * 4))" "buddyinfo against MemFree"

# ---- a user who is not root, on a mount with allow_other ----
chmod 711 "$WORK"	# mktemp made it 0700: let nobody reach the mount
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
# reads of 0444 files work
as_nobody cat "$MNT/proc/meminfo" >/dev/null || fail "nobody cannot read meminfo"
as_nobody cat "$MNT/proc/1/maps" >/dev/null || fail "nobody cannot read maps"
# every write is denied, and every 0600/0400 file
for f in ctl proc/1/ctl proc/1/mem proc/sys/vm/swappiness proc/sys/vm/drop_caches \
	sys/kernel/mm/transparent_hugepage/enabled; do
	err=$(as_nobody sh -c "echo 1 > '$MNT/$f'" 2>&1) && fail "nobody wrote $f"
	assert_match 'Permission denied' "$err" "nobody writing $f"
done
for f in proc/kmsg proc/pagetypeinfo proc/kpageflags proc/kpagecount proc/1/pagemap \
	proc/1/mem proc/1/ctl ctl; do
	err=$(as_nobody cat "$MNT/$f" 2>&1 >/dev/null) && fail "nobody read $f"
	assert_match 'Permission denied' "$err" "nobody reading $f"
done
err=$(as_nobody sh -c "echo x > '$MNT/files/nobody.txt'" 2>&1) && fail "nobody created a file"
assert_match 'Permission denied' "$err" "nobody creating in files/"
err=$(as_nobody mkdir "$MNT/files/nobody.d" 2>&1) && fail "nobody made a directory"
assert_match 'Permission denied' "$err" "nobody's mkdir in files/"
assert_eq ok "$(exec 3<>"$MNT/ctl"; echo check >&3; read -r r <&3; echo "$r")" "check at the end"
