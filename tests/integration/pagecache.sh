# pagecache: files/ goes through the simulated page cache, and a real
# process's mmap of MOUNT/files/NAME and a simulated process's shared
# mapping of it see each other's stores.
# mmfs-options: -o ram=512M

F=$MNT/files
B=$WORK/backing		# run.sh's backing=
PY=/usr/bin/python3
[[ -x $PY ]] || fail "no $PY"

# ---- reads and writes are the cache's ----

cached0=$(meminfo_kb Cached)
head -c 1048576 /dev/urandom >"$WORK/rand"
cp "$WORK/rand" "$F/big"
cached1=$(meminfo_kb Cached)
((cached1 - cached0 >= 1024)) || fail "Cached grew by $((cached1 - cached0)) kB for a 1 MiB write, want >= 1024"
(($(meminfo_kb Dirty) >= 1024)) || fail "Dirty is $(meminfo_kb Dirty) kB after a 1 MiB write, want >= 1024"
(($(vmstat_val nr_dirty) >= 256)) || fail "nr_dirty $(vmstat_val nr_dirty) after a 1 MiB write"
cmp "$WORK/rand" "$F/big" || fail "files/big reads back different bytes"
# sync: every dirty page reaches backing=DIR
echo sync >"$MNT/ctl"
assert_eq 0 "$(meminfo_kb Dirty)" "Dirty after sync"
cmp "$WORK/rand" "$B/big" || fail "backing file differs after sync"

# ---- a simulated and a real mapper of one file ----

head -c 8192 /dev/zero >"$F/f"
exec 3<>"$MNT/proc/1/ctl"
echo 'mmap 0 8192 rw- shared /f' >&3
read -r addr <&3
assert_match '^0x[0-9a-f]+$' "$addr" "address of the shared mapping"
assert_match " rw-s 00000000 fe:01 $(stat -c %i "$F/f") +/f\$" \
	"$(grep "^${addr#0x}-" "$MNT/proc/1/maps")" "maps line of the shared file mapping"

# The real process maps first and reads, so the host caches the page: each
# simulated store (into a clean page, then into the same page, now dirty)
# must invalidate it. Then the real store, msync'd, must reach the
# simulated page.
echo sync >"$MNT/ctl"
"$PY" - "$MNT" "$addr" <<'PYEOF' || fail "python mmap coherence (see above)"
import mmap, os, sys, time
mnt, addr = sys.argv[1], int(sys.argv[2], 16)
fd = os.open(mnt + "/files/f", os.O_RDWR)
m = mmap.mmap(fd, 8192, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
assert m[0:8] == bytes(8), m[0:8]
mem = os.open(mnt + "/proc/1/mem", os.O_RDWR)

def sim_store(data, at):
    assert os.pwrite(mem, data, addr + at) == len(data)
    deadline = time.monotonic() + 2
    while m[at:at + len(data)] != data:
        if time.monotonic() > deadline:
            sys.exit("real mapper sees %r, not the simulated store %r" % (m[at:at + len(data)], data))
        time.sleep(0.001)

sim_store(b"FIRSTSIM", 0)
sim_store(b"SIMSTORE", 0)
m[4096 + 100:4096 + 108] = b"REALSTOR"
m.flush()
got = os.pread(mem, 8, addr + 4096 + 100)
if got != b"REALSTOR":
    sys.exit("simulated side reads %r after the real store and msync" % got)
m.close()
os.close(fd)
PYEOF
assert_eq SIMSTORE "$(head -c 8 "$F/f")" "cat of files/f: the simulated store"
assert_eq REALSTOR "$(dd if="$F/f" bs=1 skip=4196 count=8 status=none)" "cat of files/f: the real store"
echo sync >"$MNT/ctl"
assert_eq SIMSTORE "$(head -c 8 "$B/f")" "backing file after sync: the simulated store"
assert_eq REALSTOR "$(dd if="$B/f" bs=1 skip=4196 count=8 status=none)" "backing file after sync: the real store"

# ---- truncate through the shell: the simulated mapper gets SIGBUS ----

truncate -s 0 "$F/f"
assert_eq 0 "$(stat -c %s "$F/f")" "size after truncate"
expect_fail "Bad address" "echo 'touch $addr 4096 r' > '$MNT/proc/1/ctl'"
assert_match 'bus error' "$(tail -n1 "$MNT/proc/kmsg")" "kmsg line of the SIGBUS"
exec 3>&-

# ---- unmount writes every dirty page ----

M2=$WORK/mnt2
B2=$WORK/backing2
mmfs_mount "$M2" -o "ram=256M,backing=$B2"
printf 'written before unmount\n' >"$M2/files/g"
(($(meminfo_kb Dirty "$M2") > 0)) || fail "Dirty is 0 right after a write to mnt2"
mmfs_umount "$M2"
assert_eq "written before unmount" "$(cat "$B2/g")" "backing file after unmount"
