# files_dir: MOUNT/files/ is backing=DIR as a real directory tree, and
# nothing reached through it leads outside backing=DIR.

F=$MNT/files
B=$WORK/backing		# run.sh's backing=

# exec of init made /sbin/init and the libraries.
assert_eq "dev sbin usr" "$(ls "$F" | tr '\n' ' ' | sed 's/ $//')" "ls files/"
assert_eq "init" "$(ls "$F/sbin")" "ls files/sbin"
libc=$F/usr/lib/x86_64-linux-gnu/libc.so.6
assert_eq "$(stat -c %s "$B/usr/lib/x86_64-linux-gnu/libc.so.6")" "$(stat -c %s "$libc")" "libc size"

# st_ino is the model's number: the inode column of maps.
maps_ino=$(awk '$6 == "/usr/lib/x86_64-linux-gnu/libc.so.6" { print $5; exit }' "$MNT/proc/1/maps")
assert_match '^[1-9][0-9]*$' "$maps_ino" "libc's inode in maps"
assert_eq "$maps_ino" "$(stat -c %i "$libc")" "st_ino of libc.so.6"
# readdir's d_ino agrees with stat (ls -i takes it from readdir)
assert_eq "$maps_ino libc.so.6" "$(ls -i "$F/usr/lib/x86_64-linux-gnu" | awk '$2 == "libc.so.6" { print $1, $2 }')" "ls -i"
# a directory's number is stable
d1=$(stat -c %i "$F/usr")
assert_eq "$d1" "$(stat -c %i "$F/usr")" "st_ino of usr, twice"

# create, read, append, truncate, with the backing file behind it
echo hello >"$F/a.txt"
assert_eq "hello" "$(cat "$F/a.txt")" "cat after echo"
# the bytes live in the simulated page cache until writeback: sync puts them on disk
echo sync >"$MNT/ctl"
assert_eq "hello" "$(cat "$B/a.txt")" "backing file after echo and sync"
echo world >>"$F/a.txt"
assert_eq "hello world" "$(cat "$F/a.txt" | tr '\n' ' ' | sed 's/ $//')" "after append"
assert_eq 12 "$(stat -c %s "$F/a.txt")" "size after append"
truncate -s 3 "$F/a.txt"
assert_eq "hel" "$(cat "$F/a.txt")" "after truncate -s 3"
assert_eq 3 "$(stat -c %s "$F/a.txt")" "size after truncate"
truncate -s 1M "$F/a.txt"
assert_eq 1048576 "$(stat -c %s "$F/a.txt")" "size after truncate -s 1M"
assert_eq 1048576 "$(stat -c %s "$B/a.txt")" "backing size after truncate -s 1M"
echo new >"$F/a.txt"		# O_TRUNC
assert_eq "new" "$(cat "$F/a.txt")" "after > on a 1M file"
assert_eq 4 "$(stat -c %s "$F/a.txt")" "size after >"

# mtime: a write moves it to now; touch -d sets it
before=$(date +%s)
sleep 1.1
echo more >>"$F/a.txt"
mt=$(stat -c %Y "$F/a.txt")
((mt > before)) || fail "mtime $mt did not move past $before after a write"
assert_eq "$(stat -c %Y "$B/a.txt")" "$mt" "mtime as the backing file has it"
touch -d '2020-01-02 03:04:05 UTC' "$F/a.txt"
assert_eq 1577934245 "$(stat -c %Y "$F/a.txt")" "mtime after touch -d"

# chmod
chmod 640 "$F/a.txt"
assert_eq 640 "$(stat -c %a "$F/a.txt")" "mode after chmod"
assert_eq 640 "$(stat -c %a "$B/a.txt")" "backing mode after chmod"

# rename, unlink; the inode number survives a rename
ino=$(stat -c %i "$F/a.txt")
mv "$F/a.txt" "$F/b.txt"
assert_missing "$F/a.txt"
assert_eq "$ino" "$(stat -c %i "$F/b.txt")" "st_ino after mv"
assert_exists "$B/b.txt"
echo c >"$F/c.txt"
# renameat2 flags: NOREPLACE refuses, EXCHANGE swaps
$PY - "$F" <<'EOF'
import ctypes, errno, os, sys
d = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
def renameat2(a, b, flags):
    r = libc.renameat2(-100, os.path.join(d, a).encode(), -100, os.path.join(d, b).encode(), flags)
    return 0 if r == 0 else ctypes.get_errno()
assert renameat2("c.txt", "b.txt", 1) == errno.EEXIST, "RENAME_NOREPLACE"
assert renameat2("c.txt", "b.txt", 2) == 0, "RENAME_EXCHANGE"
assert open(os.path.join(d, "b.txt")).read() == "c\n"
assert renameat2("c.txt", "b.txt", 2) == 0, "RENAME_EXCHANGE back"
assert open(os.path.join(d, "c.txt")).read() == "c\n"
EOF
rm "$F/c.txt"
assert_missing "$B/c.txt"
expect_fail "No such file or directory" "cat '$F/c.txt'"
expect_fail "Is a directory" "cat '$F/usr' >/dev/null"
expect_fail "Is a directory" "echo x >'$F/usr'"

# hard links share the inode
ln "$F/b.txt" "$F/b2.txt"
assert_eq "$ino 2" "$(stat -c '%i %h' "$F/b2.txt")" "hard link"
rm "$F/b2.txt"

# directories
mkdir -p "$F/a/b"
assert_eq "b" "$(ls "$F/a")" "ls after mkdir -p"
[[ -d $B/a/b ]] || fail "mkdir -p did not reach the backing directory"
expect_fail "Directory not empty" "rmdir '$F/a'"
rmdir "$F/a/b"
rmdir "$F/a"
assert_missing "$F/a"
expect_fail "File exists" "mkdir '$F/usr'"
# ls -a shows . and ..
assert_eq ". .. init" "$(ls -a "$F/sbin" | tr '\n' ' ' | sed 's/ $//')" "ls -a files/sbin"
# only regular files can be made
expect_fail "Operation not permitted" "mkfifo '$F/fifo'"

# symlinks inside are followed
ln -s b.txt "$F/link"
assert_eq "b.txt" "$(readlink "$F/link")" "readlink"
assert_eq "$(cat "$F/b.txt")" "$(cat "$F/link")" "cat through a symlink"
mkdir "$F/d"
ln -s ../b.txt "$F/d/up1"
assert_eq "$(cat "$F/b.txt")" "$(cat "$F/d/up1")" "cat through ../"

# ... and nothing leads out: made through files/ ...
expect_fail "Permission denied" "ln -s /etc '$F/evil'"
expect_fail "Permission denied" "ln -s ../../.. '$F/up'"
assert_missing "$B/evil"
# ... or planted in backing=DIR behind our back
ln -s /etc "$B/evil"
ln -s ../../.. "$B/up"
ln -s .. "$B/d/root"		# inside: d/.. is the root
ln -s root/.. "$B/d/sneak"	# root/.. is above the root
expect_fail "Permission denied" "cat '$F/evil/passwd'"
expect_fail "Permission denied" "readlink -v '$F/evil'"
expect_fail "Permission denied" "ls '$F/up/'"
expect_fail "Permission denied" "ls '$F/d/sneak/'"
assert_eq "$(ls "$F" | tr '\n' ' ')" "$(ls "$F/d/root/" | tr '\n' ' ')" "a symlink to the root"
# the kernel's own ".." of files/ is the mount's root: not an escape
assert_eq "$(cat "$MNT/proc/meminfo" | head -1)" "$(head -1 "$F/../proc/meminfo")" "files/../proc"
# a process's open: ".." stops at the root as at "/"; only a symlink leads out
exec 3<>"$MNT/proc/1/ctl"
ctl_line() { echo "$1" >&3 2>/dev/null || true; read -r r <&3; echo "$r"; }
assert_match '^[0-9]+$' "$(ctl_line "open ../..")" "open ../.. (the root, as /.. is /)"
assert_eq "error ENOENT: cannot open '../../etc/passwd'" "$(ctl_line "open ../../etc/passwd")" \
	"open ../../etc/passwd: the simulated /etc/passwd, which is missing"
assert_eq "error EACCES: 'evil/passwd' leads outside the file system" \
	"$(ctl_line "open evil/passwd")" "open through a symlink out of backing=DIR"
exec 3>&-
rm "$B/evil" "$B/up" "$B/d/root" "$B/d/sneak" "$F/d/up1" "$F/link"
rmdir "$F/d"

# python writes and reads through files/
$PY - "$F" <<'EOF'
import os, sys
d = sys.argv[1]
p = os.path.join(d, "py.bin")
data = bytes(range(256)) * 1000
with open(p, "wb") as f:
    f.write(data)
with open(p, "rb") as f:
    assert f.read() == data, "read back differs"
with open(p, "r+b") as f:
    f.seek(100)
    f.write(b"XYZ")
with open(p, "rb") as f:
    f.seek(99)
    assert f.read(5) == bytes([99]) + b"XYZ" + bytes([103]), "pwrite in the middle"
assert os.stat(p).st_size == len(data)
os.rename(p, p + ".2")
os.unlink(p + ".2")
assert not os.path.exists(p + ".2")
EOF

# a real process maps a file of files/ (the kernel page cache, not direct_io)
$PY - "$F" "$B" <<'EOF'
import mmap, os, sys
p, b = os.path.join(sys.argv[1], "m"), os.path.join(sys.argv[2], "m")
with open(p, "wb") as f:
    f.write(b"a" * 8192)
fd = os.open(p, os.O_RDWR)
m = mmap.mmap(fd, 8192)
assert m[:4] == b"aaaa"
m[0:4] = b"WXYZ"
m.flush()
m.close()
os.close(fd)
with open(b, "rb") as f:
    assert f.read(6) == b"WXYZaa", "a shared mapping's store reached the backing file"
os.unlink(p)
EOF

# FORGET: the daemon holds one descriptor per inode the kernel knows, and
# lets it go when the kernel does (here: when the files are removed)
nfds() { ls "/proc/$MMFS_PID/fd" | wc -l; }
base=$(nfds)
for i in $(seq 100); do echo "$i" >"$F/many$i"; done
assert_lt $((base + 99)) "$(nfds)" "descriptors with 100 more files"
rm "$F"/many*
for i in $(seq 50); do (($(nfds) <= base)) && break; sleep 0.1; done
assert_eq "$base" "$(nfds)" "descriptors after removing them"

# statfs is the backing file system's
assert_eq "$(stat -f -c '%b %S' "$B")" "$(stat -f -c '%b %S' "$F")" "statfs of files/"

# outside files/, the tree stays read-only in its names
expect_fail "Operation not permitted" "mkdir '$MNT/proc/x'"
expect_fail "Operation not permitted" "echo x >'$MNT/proc/newfile'"
# rename across is EXDEV, so mv copies, and creating in proc/ is refused
expect_fail "Operation not permitted" "mv '$F/b.txt' '$MNT/proc/b.txt'"
assert_exists "$F/b.txt"

# a file made through files/ can be mapped by a simulated process
printf 'page\n' >"$F/mapme"
truncate -s 8192 "$F/mapme"
exec 3<>"$MNT/proc/1/ctl"
printf 'mmap 0 4096 r-- private /mapme\n' >&3
read -r -t 5 reply <&3 || fail "no reply to mmap"
exec 3>&-
assert_match '^(0x)?[0-9a-f]+$' "$reply" "mmap of a file made in files/"
line=$(awk '$6 == "/mapme"' "$MNT/proc/1/maps")
assert_match ' fe:01 ' "$line" "maps line of /mapme"
assert_eq "$(stat -c %i "$F/mapme")" "$(awk '{ print $5 }' <<<"$line")" "st_ino = maps inode of /mapme"
