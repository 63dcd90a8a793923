# journal: journal=FILE rebuilds the machine after a kill -9 of its daemon,
# byte for byte, with files/ and backing=DIR as they were; fsync'd data
# survives; a torn record is dropped; a dead mount is cleared at mount.
# mmfs-options: -o ram=512M,swap=64M

J=$WORK/journal
B=$WORK/jbacking
M=$WORK/jm

# snapshot ROOT DIR: every deterministic view, and backing=DIR with its bytes
# (read directly: a read through files/ is a command, it would change the
# machine it looks at)
snapshot() {
	local root=$1 dir=$2 f p
	rm -rf "$dir"
	mkdir -p "$dir"
	for f in meminfo vmstat buddyinfo pagetypeinfo zoneinfo swaps kmsg slabinfo; do
		cat "$root/proc/$f" >"$dir/$f"
	done
	for f in "$root"/proc/sys/vm/*; do
		[[ -r $f && $(stat -c %a "$f") != 200 ]] || continue
		cat "$f" >"$dir/sysvm.${f##*/}"
	done
	pids "$root" >"$dir/pids"
	# System V segments, their times aside (wall clock: btime + simulated time)
	awk '{ $12 = $13 = $14 = ""; print }' "$root/proc/sysvipc/shm" >"$dir/sysvipc.shm"
	for p in $(pids "$root"); do
		for f in maps smaps smaps_rollup status statm stat comm cmdline numa_maps; do
			cat "$root/proc/$p/$f" >"$dir/$p.$f"
		done
		ls "$root/proc/$p/task" | sort -n >"$dir/$p.task"
		"$PY" -c 'import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY)
sys.stdout.write(os.pread(fd, 65536, 0x7ffff7000000 // 512).hex())' \
			"$root/proc/$p/pagemap" >"$dir/$p.pagemap"
	done
	(cd "$B" && find . -printf '%p %y %s %m %l\n' | sort) >"$dir/backing.list"
	# the tmpfs files/dev/shm: its bytes are the model's alone (never in backing=DIR)
	(cd "$root/files/dev/shm" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) \
		>"$dir/devshm.sha"
	(cd "$B" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) >"$dir/backing.sha"
}

# files/ shows what backing=DIR holds (every dirty page was written back)
files_match_backing() {
	local got
	got=$(cd "$M/files" && find . -path ./dev/shm -prune -o -type f -print0 | sort -z |
	      xargs -0 -r sha256sum)
	assert_eq "$(cd "$B" && find . -path ./dev/shm -prune -o -type f -print0 | sort -z |
		     xargs -0 -r sha256sum)" "$got" \
		"files/ against backing=DIR"
}

# die DIR: kill -9 the daemon of a mount made by mmfs_mount; its mount stays, dead
die() {
	local pid=${_MMFS_PID[$1]}
	kill -9 "$pid"
	wait "$pid" 2>/dev/null || true
	unset "_MMFS_PID[$1]"
	if ls "$1" >/dev/null 2>&1; then fail "the mount of a killed daemon still answers"; fi
}

mmfs_mount "$M" -o "journal=$J,backing=$B,ram=512M,swap=64M"
assert_exists "$J"

# A session touching every kind of command: processes, memory, files/,
# tunables, proc/PID/mem, a bus error, an interrupted populate.
exec 3<>"$M/ctl"
echo spawn >&3 && read -r p2 <&3
echo spawn >&3 && read -r p3 <&3
exec 4<>"$M/proc/$p2/ctl"
echo 'mmap 0 2M rw- private,anon' >&4 && read -r a <&4
echo "touch $a 1M w" >&4 && read -r r <&4
echo fork >&4 && read -r child <&4
# threads (threads.md): pthread_create, clone, a thread's malloc and exit
echo pthread_create >&4 && read -r t1 <&4
echo 'clone vm|files|sighand|thread' >&4 && read -r t2 <&4
exec 6<>"$M/proc/$p2/task/$t2/ctl"
echo 'malloc 100' >&6 && read -r r <&6
echo exit >&6 && read -r r <&6
exec 6>&-
assert_eq "$p2 $t1" "$(ls "$M/proc/$p2/task" | sort -n | tr '\n' ' ' | sed 's/ $//')" "the threads"
printf 'journal test\n' >"$M/files/notes.txt"
mkdir -p "$M/files/d/e"
printf 'x%.0s' {1..5000} >"$M/files/d/e/big"
mv "$M/files/d/e/big" "$M/files/d/moved"
ln -s moved "$M/files/d/link"
ln "$M/files/notes.txt" "$M/files/hard"
chmod 600 "$M/files/hard"
printf 'gone' >"$M/files/gone"
rm "$M/files/gone"
echo 'mmap 0 8K rw- shared notes.txt' >&4 && read -r f <&4
{ echo "touch $((f + 4096)) 1 r" >&4; } 2>/dev/null || true
read -r r <&4
assert_match '^error EFAULT: bus error' "$r" "touch past EOF"
printf 'HELLO' | dd of="$M/proc/$p2/mem" bs=1 seek=$((a)) conv=notrunc status=none
echo 30 >"$M/proc/sys/vm/swappiness"
# shared memory: System V segments and POSIX shm_open/shm_unlink
echo 'shmget 0x2a 64K IPC_CREAT|0600' >&4 && read -r r <&4
assert_eq 0 "$r" "shmget"
echo 'shmat 0 0 0' >&4 && read -r sa <&4
echo "touch $sa 16K w" >&4 && read -r r <&4
echo "mbind $((sa + 8192)) 8K interleave 0" >&4 && read -r r <&4
assert_eq 0 "$r" "mbind on a segment: the segment's shared policy"
echo 'shmget IPC_PRIVATE 8K 0640' >&4 && read -r r <&4
echo 'shmat 1 0 SHM_RDONLY' >&4 && read -r r <&4
echo 'shmctl 1 rmid' >&4 && read -r r <&4
echo 'shm_open /j O_CREAT|O_RDWR 0600' >&4 && read -r r <&4
printf 'tmpfs bytes' >"$M/files/dev/shm/j"	# Shmem: replayed from the journal
echo 'shm_open /gone O_CREAT|O_RDWR 0600' >&4 && read -r r <&4
echo 'shm_unlink /gone' >&4 && read -r r <&4
assert_eq 0 "$r" "shm_unlink"
# memory policies: task and VMA policies (a split), a failed call, a
# get_mempolicy that faults a page in; the child inherits them
echo 'set_mempolicy interleave 0' >&4 && read -r r <&4
echo "mbind($a, 65536, MPOL_BIND|MPOL_F_STATIC_NODES, [0x00000000000001], 64, 0) = 0" >&4 && read -r r <&4
assert_eq 0 "$r" "mbind"
{ echo "mbind $a 4K bind none" >&4; } 2>/dev/null || true
read -r r <&4
echo "get_mempolicy $((a + 1048576)) node,addr" >&4 && read -r r <&4
assert_eq "0 none" "$r" "get_mempolicy node,addr"
# swap devices come and go, and pages go out to them (MADV_PAGEOUT)
echo 'swapon /swap2 32M 7' >&3 && read -r r <&3
assert_eq 0 "$r" "swapon"
echo 'swapon /swap3 16M' >&3 && read -r r <&3
echo "madvise $a 256K pageout" >&4 && read -r r <&4
assert_eq 0 "$r" "pageout"
echo 'swapoff /swap3' >&3 && read -r r <&3
assert_eq 0 "$r" "swapoff"
# "fsync'd data survives": a write made durable by fsync before the kill
"$PY" - "$M/files/durable" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o644)
os.write(fd, b"durable bytes\n" * 100)
os.fsync(fd)
os.close(fd)
PY
echo "touch $a 2M w" >&4 && read -r r <&4
echo "munmap $a 4096" >&4 && read -r r <&4
# a long populate of p3, stopped by a kill of p3 (the journal records where)
exec 5<>"$M/proc/$p3/ctl"
echo 'mmap 0 64T --x private,anon,locked' >&5 &
populate=$!
sleep 0.3
echo "kill $p3" >&3 && read -r r <&3
assert_eq 0 "$r" "kill of the populating process"
wait "$populate"
exec 5>&-
# sysfs slab shrinks free the empty slabs the kill left: journaled as tunables
for c in task_struct vm_area_struct mm_struct; do echo 1 >"$M/sys/kernel/slab/$c/shrink"; done
echo 'drop_caches 1' >&3 && read -r r <&3
echo sync >&3 && read -r r <&3
echo check >&3 && read -r r <&3
assert_eq ok "$r" "check before the crash"
exec 3>&- 4>&-

snapshot "$M" "$WORK/before"
die "$M"
cmp -s <(head -c 14 "$B/durable") <(printf 'durable bytes\n') || fail "fsync'd data is not in backing=DIR"

# The same journal (and backing=, as the helper always passes one): the dead
# mount is cleared, the machine rebuilt.
mmfs_mount "$M" -o "journal=$J,backing=$B"
grep -q 'cleared the dead mount' "$WORK/mmfs-$_MMFS_SEQ.err" || fail "no word of the dead mount"
grep -q 'commands replayed' "$WORK/mmfs-$_MMFS_SEQ.out" || fail "no word of the replay"
snapshot "$M" "$WORK/after"
diff -r "$WORK/before" "$WORK/after" >&2 || fail "the rebuilt machine differs from the one killed"
files_match_backing
assert_eq ok "$(exec 3<>"$M/ctl"; echo check >&3; read -r r <&3; echo "$r")" "check after the replay"

# It goes on: more commands, a clean unmount, a remount, the same state.
echo "spawn" >"$M/ctl"
echo 'mmap 0 64K rw- private,anon,populate' >"$M/proc/$p2/ctl"
echo sync >"$M/ctl"
snapshot "$M" "$WORK/before2"
mmfs_umount "$M"
mmfs_mount "$M" -o "journal=$J,backing=$B"
snapshot "$M" "$WORK/after2"
diff -r "$WORK/before2" "$WORK/after2" >&2 || fail "after a clean unmount the machine differs"

# A torn record at the end (a crash mid-write) is dropped with a word.
die "$M"
printf '\x40\x00\x00\x00\x00\x00\x00\x00torn' >>"$J"
mmfs_mount "$M" -o "journal=$J,backing=$B"
grep -q 'torn record' "$WORK/mmfs-$_MMFS_SEQ.err" || fail "no word of the torn record"
snapshot "$M" "$WORK/after3"
assert_match '^\[ *[0-9.]+\] mmfs journal: 12 bytes of a torn record dropped$' \
	"$(tail -n1 "$WORK/after3/kmsg")" "kmsg's last line"
sed -i '$d' "$WORK/after3/kmsg"
diff -r "$WORK/before2" "$WORK/after3" >&2 || fail "a torn record changed the machine"

# A checkpoint writes the machine's state and starts the journal afresh: the
# journal shrinks to the state, and what follows replays on top of it,
# backing=DIR put back to how the checkpoint found it first.
for i in $(seq 200); do echo "mmap 0 4K rw- private,anon"; done >"$M/proc/$p2/ctl"
size_before=$(stat -c %s "$J")
exec 3<>"$M/ctl"
echo checkpoint >&3 && read -r r <&3
assert_eq 0 "$r" "reply to checkpoint"
exec 3>&-
grep -q 'mmfs image' "$J" || fail "no image in the journal after a checkpoint"
printf 'appended after the checkpoint\n' >>"$M/files/notes.txt"
rm "$M/files/d/moved"
echo 'spawn' >"$M/ctl"
echo "munmap $a 8K" >"$M/proc/$p2/ctl"
echo sync >"$M/ctl"
snapshot "$M" "$WORK/before4"
die "$M"
mmfs_mount "$M" -o "journal=$J,backing=$B"
snapshot "$M" "$WORK/after4"
diff -r "$WORK/before4" "$WORK/after4" >&2 || fail "the machine rebuilt from a checkpoint differs"
files_match_backing
assert_eq ok "$(exec 3<>"$M/ctl"; echo check >&3; read -r r <&3; echo "$r")" "check after the checkpoint's replay"
assert_eq "tmpfs bytes" "$(cat "$M/files/dev/shm/j")" "a tmpfs file's bytes, from the checkpoint's frames"
assert_eq 0 "$(stat -c %b "$B/dev/shm/j")" "and none of them in backing=DIR"
echo "# journal: $size_before bytes before the checkpoint, $(stat -c %s "$J") after" >&2

# Options that contradict the journal are refused, with the values it holds.
mmfs_umount "$M"
err=$("$MMFS" -f -o "journal=$J,ram=1G" "$M" 2>&1) && fail "ram= against the journal mounted"
assert_match 'records a machine of ram=' "$err" "refusal of ram="
# A second mmfs on a live mount is refused, not stacked.
mmfs_mount "$M" -o "journal=$J,backing=$B"
err=$("$MMFS" -f "$M" 2>&1) && fail "a second mmfs mounted over a live one"
assert_match 'already mounted' "$err" "refusal of a second mount"
mmfs_umount "$M"
