# lower.sh - lower=DIR: the host's files read-only beneath backing=, as
# overlayfs: names found in the lower layer, copy-up on the first write
# (through files/ and by simulated processes), whiteouts, confinement (not a
# byte below lower=DIR changes), symlink-resolved paths in maps, stand-ins
# that never hide the host's files, and refused bad lower= options.
# mmfs-options: -o lower=/

# ---- lower=/ : the host's own tree, as the simulated processes see it ----

libc=/usr/lib/x86_64-linux-gnu/libc.so.6
[[ -f $libc ]] || fail "this test expects a merged-/usr Debian ($libc)"
assert_file_eq "$libc" "$MNT/files/lib/x86_64-linux-gnu/libc.so.6" "libc through files/lib"
assert_file_eq /etc/os-release "$MNT/files/etc/os-release" "/etc/os-release through files/"
# the mount point itself lies in the lower layer: never entered, never listed
mnt_rel=$(realpath "$MNT")
mnt_parent=$(dirname "$mnt_rel")
assert_missing "$MNT/files$mnt_rel"
if ls -A "$MNT/files$mnt_parent" | grep -qx "$(basename "$mnt_rel")"; then
	fail "the mount point $mnt_rel is listed under files/"
fi

# init's exec maps the host's real libc and ld.so (no stand-in hides them)
grep -q " $libc\$" "$MNT/proc/1/maps" || fail "init does not map $libc: $(cat "$MNT/proc/1/maps")"
assert_eq "$(stat -c %s "$libc")" "$(stat -c %s "$MNT/files$libc")" "libc's size under files/"

# a simulated process opens /lib/... : maps shows the resolved /usr/lib/... path
exec 3<>"$MNT/ctl"
echo spawn >&3
read -r pid <&3
exec 3>&-
exec 3<>"$MNT/proc/$pid/ctl"
echo 'openat(AT_FDCWD, "/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY) = 7' >&3
read -r r <&3
assert_eq 7 "$r" "openat of /lib/.../libc.so.6"
echo 'mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, 7, 0)' >&3
read -r addr <&3
assert_match '^0x[0-9a-f]+$' "$addr" "mmap of libc"
echo "touch $addr 8192 r" >&3
read -r r <&3
exec 3>&-
line=$(grep "^${addr#0x}-" "$MNT/proc/$pid/maps")
assert_match " $libc\$" "$line" "maps names the resolved path"
# the bytes a simulated process reads are the host file's
want=$(head -c 16 "$libc" | od -An -tx1 | tr -d ' \n')
got=$(dd if="$MNT/proc/$pid/mem" bs=1 skip=$((addr)) count=16 2>/dev/null | od -An -tx1 | tr -d ' \n')
assert_eq "$want" "$got" "libc's first bytes through proc/PID/mem"

# ---- lower=DIR of our own: copy-up, whiteouts, confinement ----

low=$WORK/low
up=$WORK/up
M=$WORK/m2
mkdir -p "$low/dir/sub" "$low/empty" "$low/tree/deeper"
printf 'x\n' >"$low/tree/x"
printf 'y\n' >"$low/tree/deeper/y"
printf 'lower bytes\n' >"$low/a.txt"
printf 'mode\n' >"$low/mode.txt"
head -c 12288 /dev/urandom >"$low/map.bin"
printf 'deep\n' >"$low/dir/sub/b"
printf 'gone\n' >"$low/dir/del"
ln -s dir/sub/b "$low/link"
ln -s /dir/sub/b "$low/dir/abslink"	# absolute: from the merged root
ln -s ../../etc/passwd "$low/dir/escape"	# climbs above the root
chmod 640 "$low/a.txt"
mkdir -p "$low/usr/sbin"
ln -s usr/sbin "$low/sbin"	# merged /usr: init's stand-in must not shadow the link
sum_low() { (cd "$low" && find . -printf '%p %y %m %s %T@\n' | sort && find . -type f -exec md5sum {} + | sort); }
before=$(sum_low)

mmfs_mount "$M" -o "backing=$up,lower=$low"

# visible, merged, through symlinks of the lower layer
assert_eq 'lower bytes' "$(cat "$M/files/a.txt")" "a lower file under files/"
assert_eq 'deep' "$(cat "$M/files/link")" "a lower symlink"
assert_eq '../dir/sub/b' "$(readlink "$M/files/dir/abslink")" "an absolute lower link as files/ shows it"
assert_eq 'deep' "$(cat "$M/files/dir/abslink")" "an absolute lower link followed"
expect_fail 'Permission denied' "cat '$M/files/dir/escape'"
assert_eq '640' "$(stat -c %a "$M/files/a.txt")" "a lower file's mode"
assert_missing "$up/a.txt"
[[ -L $M/files/sbin ]] || fail "the lower /sbin link is shadowed: $(ls -la "$M/files/")"
assert_exists "$up/usr/sbin/init"
grep -q ' /usr/sbin/init$' "$M/proc/1/maps" || fail "init does not map /usr/sbin/init: $(cat "$M/proc/1/maps")"

# a write through files/ copies the file up first
printf 'more\n' >>"$M/files/a.txt"
msync_all() { local fd r; exec {fd}<>"$M/ctl"; echo sync >&"$fd"; read -r r <&"$fd"; exec {fd}>&-; }
msync_all	# the page cache's dirty pages reach backing=
assert_eq $'lower bytes\nmore' "$(cat "$M/files/a.txt")" "after an append"
assert_eq '640' "$(stat -c %a "$up/a.txt")" "the copy keeps the mode"
assert_eq $'lower bytes\nmore' "$(cat "$up/a.txt")" "the copy in backing="
assert_eq 'lower bytes' "$(cat "$low/a.txt")" "the lower file untouched"

# a create in a directory only the lower layer has makes it in backing=
printf 'new\n' >"$M/files/dir/sub/new"
msync_all
assert_eq 'new' "$(cat "$up/dir/sub/new")" "a new file's parents made in backing="
assert_eq 'b new' "$(ls "$M/files/dir/sub" | tr '\n' ' ' | sed 's/ $//')" "the merged directory"

# unlink of a lower name: a whiteout (a 0:0 character device) hides it
rm "$M/files/dir/del"
assert_missing "$M/files/dir/del"
assert_eq 'character special file 0,0' "$(stat -c '%F %t,%T' "$up/dir/del")" "the whiteout"
assert_eq 'abslink escape sub' "$(ls "$M/files/dir" | tr '\n' ' ' | sed 's/ $//')" "dir/ without the deleted name"
# a name created again over its whiteout is a new file
printf 'again\n' >"$M/files/dir/del"
assert_eq 'again' "$(cat "$M/files/dir/del")" "a file made over a whiteout"
# rmdir of a lower directory with lower entries left: ENOTEMPTY; once empty, a whiteout
expect_fail 'Directory not empty' "rmdir '$M/files/dir/sub'"
rmdir "$M/files/empty"
assert_missing "$M/files/empty"
# rm -rf of a lower tree, then mkdir of its name: an opaque directory (overlayfs'
# xattr), so none of the lower entries show through again
rm -rf "$M/files/tree"
assert_missing "$M/files/tree"
mkdir "$M/files/tree"
assert_eq '' "$(ls -A "$M/files/tree")" "a directory made again over a removed lower tree"
assert_eq y "$($PY -c 'import os, sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' "$up/tree")" "the opaque mark"
expect_fail 'No such file or directory' "cat '$M/files/tree/x'"
# a rename of a lower file: copied up, moved, the old name whited out
mv "$M/files/dir/sub/b" "$M/files/b-moved"
assert_eq 'deep' "$(cat "$M/files/b-moved")" "the renamed lower file"
assert_missing "$M/files/dir/sub/b"
expect_fail 'No such file or directory' "cat '$M/files/link'"
# chmod of a lower file copies it up
chmod 600 "$M/files/mode.txt"
assert_eq '600' "$(stat -c %a "$up/mode.txt")" "chmod copied up"
assert_eq '600' "$(stat -c %a "$M/files/mode.txt")" "the mode under files/"
assert_eq 'mode' "$(cat "$up/mode.txt")" "the copy's bytes"

# simulated processes: a read-only mapping reads the lower file in place,
# an O_RDWR open copies it up, a shared mapping's writeback reaches the copy
exec 3<>"$M/proc/1/ctl"
echo 'openat(AT_FDCWD, "/map.bin", O_RDONLY) = 5' >&3
read -r r <&3
assert_eq 5 "$r" "openat O_RDONLY of a lower file"
echo 'mmap(NULL, 12288, PROT_READ, MAP_SHARED, 5, 0)' >&3
read -r ro <&3
echo "touch $ro 12288 r" >&3
read -r r <&3
assert_missing "$up/map.bin"
echo 'openat(AT_FDCWD, "/map.bin", O_RDWR) = 6' >&3
read -r r <&3
assert_eq 6 "$r" "openat O_RDWR of a lower file"
assert_exists "$up/map.bin"
echo 'mmap(NULL, 12288, PROT_READ|PROT_WRITE, MAP_SHARED, 6, 0)' >&3
read -r rw <&3
printf 'STORED' | dd of="$M/proc/1/mem" bs=1 seek=$((rw)) conv=notrunc status=none
echo "msync $rw 12288 sync" >&3
read -r r <&3
exec 3>&-
# the page the store dirtied was written back to the copy, not below lower=
assert_eq STORED "$(head -c 6 "$up/map.bin")" "the written-back page in the copy"
cmp -s <(tail -c +7 "$up/map.bin") <(tail -c +7 "$low/map.bin") ||
	fail "the rest of the copy differs from the lower file"
# one inode across the copy-up: both mappings show the same inode number
ino_ro=$(awk -v a="${ro#0x}" 'index($1, a "-") == 1 { print $5 }' "$M/proc/1/maps")
ino_rw=$(awk -v a="${rw#0x}" 'index($1, a "-") == 1 { print $5 }' "$M/proc/1/maps")
assert_eq "$ino_ro" "$ino_rw" "the inode of map.bin before and after its copy-up"

# O_TRUNC of a lower file by a simulated process: copied up, then cut
exec 3<>"$M/proc/1/ctl"
echo 'openat(AT_FDCWD, "/dir/sub/../../link2", O_RDWR|O_CREAT|O_TRUNC) = 8' >&3
read -r r <&3
exec 3>&-
assert_eq 8 "$r" "openat O_CREAT|O_TRUNC"
assert_eq 0 "$(stat -c %s "$up/link2")" "the created file"

mmfs_umount "$M"
after=$(sum_low)
assert_eq "$before" "$after" "lower=DIR after writes, renames, unlinks and mappings"

# a second mount over the same backing= and lower= sees the same merged tree
mmfs_mount "$M" -o "backing=$up,lower=$low"
assert_missing "$M/files/dir/sub/b"
assert_missing "$M/files/empty"
assert_eq $'lower bytes\nmore' "$(cat "$M/files/a.txt")" "a.txt on the next mount"
mmfs_umount "$M"

# ---- --help and bad lower= options ----

out=$("$MMFS" --help 2>&1)
[[ $out == *"lower=DIR"* ]] || fail "--help does not mention lower=DIR"
: >"$WORK/a-file"
mkdir -p "$WORK/refused"
for bad in "$WORK/missing" "$WORK/a-file" "$up" "$up/dir"; do
	rc=0
	err=$(timeout 20 "$MMFS" -f -o "backing=$up,lower=$bad" "$WORK/refused" 2>&1 >/dev/null) || rc=$?
	if mountpoint -q "$WORK/refused"; then
		fusermount3 -u "$WORK/refused"
		fail "lower=$bad mounted"
	fi
	((rc != 0 && rc != 124)) || fail "lower=$bad: exit $rc"
	assert_match "^mmfs: lower=$bad: " "$err" "the message for lower=$bad"
done
