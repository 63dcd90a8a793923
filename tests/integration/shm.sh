# shm: System V and POSIX shared memory as a person uses it.
# - the System V scenario of shm_host.c, run on the host in a fresh IPC
#   namespace (unshare -i) and here: the same replies and errno, the same
#   proc/sysvipc/shm columns (times aside; pids as P and C), the same
#   SYSV maps lines (addresses aside);
# - ipcs -m reading the mount's proc/ in a mount namespace;
# - POSIX: shm_open, a writer and a reader process sharing
#   /dev/shm/NAME, a real host process mapping MOUNT/files/dev/shm/NAME and
#   seeing (and writing) the same bytes, shm_unlink.

# ---- System V against the host ----

have_cc=1
command -v cc >/dev/null || have_cc=0
exec 3<>"$MNT/ctl"
echo spawn >&3 && read -r P <&3
exec 4<>"$MNT/proc/$P/ctl"
reply() { local r; { echo "$1" >&4 || true; } 2>/dev/null; read -r r <&4; echo "$r"; }
res() {	# res WHAT LINE: the host program's line for one call
	local r
	r=$(reply "$2")
	case $r in
	0x10000000) ;;
	0x*) r=addr ;;
	error*) r=${r#error }; r=${r%%:*} ;;
	esac
	echo "$1 => $r"
}
dump() {	# the columns shm_host.c prints
	echo "== $1"
	awk -v p="$P" -v c="${C:-x}" 'NR > 1 {
		cp = $5 == p ? "P" : $5 == c ? "C" : $5; lp = $6 == p ? "P" : $6 == c ? "C" : $6
		print $1, $2, $3, $4, cp, lp, $7, $15, $16 }' "$MNT/proc/sysvipc/shm"
}
maps() {
	grep /SYSV "$MNT/proc/$P/maps" | awk '{ $1 = ""; $0 = $0; $1 = $1; print }'
}
{
	res "shmget IPC_PRIVATE 10000 IPC_CREAT|0640" "shmget IPC_PRIVATE 10000 IPC_CREAT|0640"
	res "shmget 0x1234 8192 IPC_CREAT|IPC_EXCL|0600" "shmget 0x1234 8192 IPC_CREAT|IPC_EXCL|0600"
	res "shmget 0x1234 8192 IPC_CREAT|IPC_EXCL|0600" "shmget 0x1234 8192 IPC_CREAT|IPC_EXCL|0600"
	res "shmget 0x1234 100000 0" "shmget 0x1234 100000 0"
	res "shmget 0x1235 100 0" "shmget 0x1235 100 0"
	res "shmget IPC_PRIVATE 0 IPC_CREAT" "shmget IPC_PRIVATE 0 IPC_CREAT"
	res "shmat 0 0 0" "shmat 0 0 0"
	res "shmat 1 0 SHM_RDONLY" "shmat 1 0 SHM_RDONLY"
	res "shmat 99 0 0" "shmat 99 0 0"
	res "shmat 0 0x1001 0" "shmat 0 0x1001 0"
	res "shmat 0 0x10000001 SHM_RND" "shmat 0 0x10000001 SHM_RND"
	p=$(grep '/SYSV00000000' "$MNT/proc/$P/maps" | tail -1 | cut -d- -f1)
	reply "touch 0x$p 8192 w" >/dev/null
	dump touched
	maps
	C=$(reply fork)
	dump fork
	echo exit >"$MNT/proc/$C/ctl"
	dump "child exit"
	res "shmctl 1 rmid" "shmctl 1 rmid"
	dump rmid
	res "shmat 1 0 0" "shmat 1 0 0"
	dump "attach removed"
	maps
	q=$(grep 'r--s.*/SYSV00001234' "$MNT/proc/$P/maps" | cut -d- -f1)
	s=$(grep 'rw-s.*/SYSV00001234' "$MNT/proc/$P/maps" | cut -d- -f1)
	res "shmdt q" "shmdt 0x$q"
	res "shmdt s" "shmdt 0x$s"
	dump "last detach"
	res "shmdt 0x1000" "shmdt 0x1000"
	res "shmctl 0 lock" "shmctl 0 lock"
	dump locked
	res "shmctl 0 unlock" "shmctl 0 unlock"
	res "shmctl 77 rmid" "shmctl 77 rmid"
	res "shmctl 0 rmid" "shmctl 0 rmid"
	dump "a removed"
	res "shmdt r" "shmdt 0x10000000"
	res "shmdt p" "shmdt 0x$p"
	dump end
	res "shmget IPC_PRIVATE 4096 IPC_CREAT|0600" "shmget IPC_PRIVATE 4096 IPC_CREAT|0600"
} >"$WORK/sysv.mmfs" 2>&1
if ((have_cc)); then
	cc -o "$WORK/shm_host" "$MMFS_IT_DIR/shm_host.c"
	unshare -i "$WORK/shm_host" | tr -s ' ' >"$WORK/sysv.host"
	tr -s ' ' <"$WORK/sysv.mmfs" >"$WORK/sysv.mmfs1" && mv "$WORK/sysv.mmfs1" "$WORK/sysv.mmfs"
	assert_file_eq "$WORK/sysv.host" "$WORK/sysv.mmfs" "System V: the host and mmfs"
else
	echo "shm: no C compiler, the host comparison is skipped" >&2
fi

# ---- ipcs -m in the namespace of the mount's proc/ ----

ipcs_out=$(in_proc_ns ipcs -m)
assert_match $'0x00000000 2          root       600        4096       0' "$ipcs_out" "ipcs -m"
assert_eq 4096 "$(cat "$MNT/proc/sys/kernel/shmmni")" "shmmni"
assert_eq 18446744073692774399 "$(cat "$MNT/proc/sys/kernel/shmmax")" "shmmax"
assert_eq 18446744073692774399 "$(cat "$MNT/proc/sys/kernel/shmall")" "shmall"
assert_eq 0 "$(cat "$MNT/proc/sys/kernel/shm_rmid_forced")" "shm_rmid_forced"
echo 'check' >&3 && read -r ok <&3
assert_eq ok "$ok" "check"

# ---- POSIX: writer and reader, simulated and real ----

assert_eq "drwxrwxrwt" "$(stat -c %A "$MNT/files/dev/shm")" "files/dev/shm"
echo "spawn writer" >&3 && read -r W <&3
echo "spawn reader" >&3 && read -r R <&3
exec 5<>"$MNT/proc/$W/ctl" 6<>"$MNT/proc/$R/ctl"
wr() { local r; { echo "$1" >&5 || true; } 2>/dev/null; read -r r <&5; echo "$r"; }
rd() { local r; { echo "$1" >&6 || true; } 2>/dev/null; read -r r <&6; echo "$r"; }
assert_eq 3 "$(wr 'shm_open /demo O_CREAT|O_RDWR 0666')" "writer: shm_open"
assert_match "^error EEXIST" "$(wr 'shm_open /demo O_CREAT|O_EXCL|O_RDWR 0600')" "shm_open O_EXCL"
assert_eq "flags:	02500002" "$(grep flags "$MNT/proc/$W/fdinfo/3")" "O_NOFOLLOW|O_CLOEXEC added"
assert_eq "-rw-r--r--" "$(stat -c %A "$MNT/files/dev/shm/demo")" "mode under the umask"
truncate -s 4096 "$MNT/files/dev/shm/demo"	# ftruncate, as the writer would
wa=$(wr "mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0)")
assert_eq 3 "$(rd 'shm_open demo O_RDONLY 0')" "reader: shm_open"
ra=$(rd "mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3, 0)")
printf 'hello, reader' | dd of="$MNT/proc/$W/mem" bs=1 seek=$((wa)) conv=notrunc status=none
assert_eq "hello, reader" "$(dd if="$MNT/proc/$R/mem" bs=1 skip=$((ra)) count=13 status=none)" "reader sees"
host=$("$PY" - "$MNT/files/dev/shm/demo" <<'PYEOF'
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
m = mmap.mmap(fd, 4096)
seen = m[:13].decode()
m[0:5] = b"HOST!"
m.flush()
print(seen)
PYEOF
)
assert_eq "hello, reader" "$host" "a real process maps files/dev/shm/demo"
assert_eq "HOST!, reader" "$(dd if="$MNT/proc/$R/mem" bs=1 skip=$((ra)) count=13 status=none)" \
	"the simulated reader sees the host's store"
assert_eq 0 "$(wr 'shm_unlink /demo')" "shm_unlink"
assert_match "^error ENOENT" "$(wr 'shm_unlink demo')" "shm_unlink twice"
assert_match "^error EINVAL" "$(wr 'shm_open a/b O_RDWR 0')" "a name with '/'"
sleep 1.2	# the kernel's entry cache of files/ (1 s) still knows the name
assert_missing "$MNT/files/dev/shm/demo"
assert_eq "HOST!, reader" "$(dd if="$MNT/proc/$R/mem" bs=1 skip=$((ra)) count=13 status=none)" \
	"mapped after unlink"

# ---- POSIX against the host: shm_open's errno, fdinfo, mode, maps ----

echo "spawn posix" >&3 && read -r X <&3
exec 7<>"$MNT/proc/$X/ctl"
px() { local r; { echo "$1" >&7 || true; } 2>/dev/null; read -r r <&7; echo "$r"; }
pres() {
	local r
	r=$(px "$2")
	case $r in error*) r=${r#error }; r=${r%%:*} ;; esac
	echo "$1 => $r"
}
pmaps() { awk '/\/dev\/shm\/mmfs-it/ { $1 = $4 = $5 = ""; $0 = $0; $1 = $1; print }' "$MNT/proc/$X/maps"; }
{
	pres "shm_open /NAME O_CREAT|O_RDWR 0666" "shm_open /mmfs-it O_CREAT|O_RDWR 0666"
	pres "shm_open /NAME O_CREAT|O_EXCL|O_RDWR 0600" "shm_open /mmfs-it O_CREAT|O_EXCL|O_RDWR 0600"
	pres "shm_open a/b O_RDWR 0" "shm_open a/b O_RDWR 0"
	pres "shm_open / O_RDWR 0" "shm_open / O_RDWR 0"
	pres "shm_open NAME-none O_RDWR 0" "shm_open mmfs-it-none O_RDWR 0"
	grep '^flags:' "$MNT/proc/$X/fdinfo/3"
	echo "mode $(stat -c %a "$MNT/files/dev/shm/mmfs-it")"
	truncate -s 4096 "$MNT/files/dev/shm/mmfs-it"
	px "mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0)" >/dev/null
	pmaps
	pres "shm_unlink NAME" "shm_unlink mmfs-it"
	pres "shm_unlink NAME" "shm_unlink mmfs-it"
	pmaps
} | sed 's/mmfs-it/NAME/g' >"$WORK/posix.mmfs"
if ((have_cc)); then
	cc -o "$WORK/shm_posix_host" "$MMFS_IT_DIR/shm_posix_host.c"
	"$WORK/shm_posix_host" "mmfs-it-$$" 3>&- 4>&- 5>&- 6>&- 7>&- | sed "s/mmfs-it-$$/NAME/g" >"$WORK/posix.host"
	assert_file_eq "$WORK/posix.host" "$WORK/posix.mmfs" "POSIX: the host and mmfs"
fi
exec 7>&- 5>&- 6>&- 4>&- 3>&-

# ---- files/dev/shm is a tmpfs: Shmem, swap, nothing in backing=DIR ----
# A mount of its own, on a backing directory this test looks into.

T="$WORK/tmpfs-mnt" TB="$WORK/tmpfs-backing"
mmfs_mount "$T" -o ram=256M -o swap=64M -o "backing=$TB"
exec 3<>"$T/ctl"
echo "spawn sim" >&3 && read -r S <&3
exec 4<>"$T/proc/$S/ctl"
sim() { local r; { echo "$1" >&4 || true; } 2>/dev/null; read -r r <&4; echo "$r"; }
sh0=$(meminfo_kb Shmem "$T")
c0=$(meminfo_kb Cached "$T")
echo hi >"$T/files/dev/shm/x"			# made by a host process through FUSE
assert_eq hi "$(cat "$T/files/dev/shm/x")" "a host-made tmpfs file reads back"
assert_eq $((sh0 + 4)) "$(meminfo_kb Shmem "$T")" "Shmem: one page for x"
head -c 12288 /dev/urandom >"$WORK/pages"
dd if="$WORK/pages" of="$T/files/dev/shm/big" bs=4096 status=none
assert_eq $((sh0 + 16)) "$(meminfo_kb Shmem "$T")" "Shmem: exactly the pages written"
assert_eq $((c0 + 16)) "$(meminfo_kb Cached "$T")" "Cached includes Shmem"
assert_eq "12288 24" "$(stat -c '%s %b' "$T/files/dev/shm/big")" "stat: tmpfs blocks are the pages"
assert_eq 0 "$(meminfo_kb Dirty "$T")" "tmpfs pages are never Dirty"
echo sync >&3 && read -r ok <&3
assert_eq "12288 0" "$(stat -c '%s %b' "$TB/dev/shm/big")" "backing=DIR: a size, no data"
assert_eq 0 "$(vmstat_val nr_written "$T")" "nothing written back"
echo 3 >"$T/proc/sys/vm/drop_caches"
assert_eq $((sh0 + 16)) "$(meminfo_kb Shmem "$T")" "drop_caches leaves Shmem"
# a simulated mapper, a real one, the same bytes; maps on the tmpfs's 00:1b
assert_eq 3 "$(sim 'shm_open /big O_RDWR 0')" "shm_open of a host-made file"
a=$(sim "mmap(NULL, 12288, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0)")
assert_eq 0 "$(sim "touch $a 12K r")" "touch"
assert_eq "$(head -c 16 "$WORK/pages" | od -An -tx1)" \
	"$(dd if="$T/proc/$S/mem" bs=1 skip=$((a)) count=16 status=none | od -An -tx1)" "the simulated mapper sees the bytes"
assert_eq "rw-s 00000000 00:1b /dev/shm/big" \
	"$(awk '/\/dev\/shm\/big/ { print $2, $3, $4, $6 }' "$T/proc/$S/maps")" "maps: the tmpfs device"
printf 'from sim' | dd of="$T/proc/$S/mem" bs=1 seek=$((a + 4096)) conv=notrunc status=none
host=$("$PY" - "$T/files/dev/shm/big" <<'PYEOF'
import mmap, os, sys
m = mmap.mmap(os.open(sys.argv[1], os.O_RDWR), 12288)
seen = m[4096:4104].decode()
m[8192:8196] = b"REAL"
m.flush()
print(seen)
PYEOF
)
assert_eq "from sim" "$host" "a real mapper sees the simulated store"
assert_eq REAL "$(dd if="$T/proc/$S/mem" bs=1 skip=$((a + 8192)) count=4 status=none)" \
	"the simulated mapper sees the real store"
# reclaim: MADV_PAGEOUT sends the three pages to swap, a read brings them back
out0=$(vmstat_val pswpout "$T")
assert_eq 0 "$(sim "madvise $a 12K pageout")" "pageout"
assert_eq 3 $(($(vmstat_val pswpout "$T") - out0)) "three pages to swap"
assert_eq $((sh0 + 4)) "$(meminfo_kb Shmem "$T")" "Shmem: the swapped pages left it"
assert_eq "from sim" "$(dd if="$T/files/dev/shm/big" bs=1 skip=4096 count=8 status=none)" "swapped in intact"
assert_eq $((sh0 + 8)) "$(meminfo_kb Shmem "$T")" "Shmem: the page read back"
# unlink while mapped: (deleted), the pages stay until the unmap
rm "$T/files/dev/shm/big"
assert_match "/dev/shm/big \(deleted\)$" "$(grep /dev/shm/big "$T/proc/$S/maps")" "unlinked while mapped"
assert_eq REAL "$(dd if="$T/proc/$S/mem" bs=1 skip=$((a + 8192)) count=4 status=none)" "bytes kept"
assert_eq 0 "$(sim "munmap $a 12K")" "munmap"
assert_eq 0 "$(sim 'close 3')" "close"
assert_eq $((sh0 + 4)) "$(meminfo_kb Shmem "$T")" "the last unmap freed the pages"
assert_eq EXDEV "$("$PY" -c 'import errno, os, sys
try: os.rename(sys.argv[1], sys.argv[2])
except OSError as e: print(errno.errorcode[e.errno])' "$T/files/dev/shm/x" "$T/files/x")" "rename out of the tmpfs"
echo 'check' >&3 && read -r ok <&3
assert_eq ok "$ok" "check (tmpfs)"
exec 4>&- 3>&-
mmfs_umount "$T"
assert_eq "" "$(ls -A "$TB/dev/shm")" "unmount: nothing of the tmpfs in backing=DIR"
mmfs_mount "$T" -o ram=256M -o "backing=$TB"
assert_eq "" "$(ls -A "$T/files/dev/shm")" "mount again: an empty tmpfs"
mmfs_umount "$T"
