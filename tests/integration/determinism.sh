# determinism: the same options and the same commands give the same state,
# byte for byte, on two mounts running side by side.
# mmfs-options: -o ram=2G,nodes=2,swap=128M

read -r -a opts <<<"$MMFS_OPTIONS"
twin=$WORK/twin
mmfs_mount "$twin" "${opts[@]}"

# run_script ROOT: the same session on a mount; prints every reply
run_script() {
	local root=$1 r
	exec 3<>"$root/ctl"
	printf 'spawn\nspawn cc1\nspawn\nkill 3\ndrop_caches 3\ncompact\nspawn make\ncheck\n' >&3
	while read -r r <&3; do echo "$r"; done
	exec 3>&-
	echo 1000 >"$root/proc/sys/vm/min_free_kbytes"
	echo 10 >"$root/proc/sys/vm/swappiness"
	echo never >"$root/sys/kernel/mm/transparent_hugepage/enabled"
}

# snapshot ROOT DIR: copy every deterministic file into DIR
snapshot() {
	local root=$1 dir=$2 f p
	mkdir -p "$dir"
	for f in meminfo vmstat buddyinfo pagetypeinfo zoneinfo swaps slabinfo; do
		cat "$root/proc/$f" >"$dir/$f"
	done
	for f in "$root"/proc/sys/vm/*; do
		[[ -r $f && $(stat -c %a "$f") != 200 ]] || continue
		cat "$f" >"$dir/sysvm.${f##*/}"
	done
	cat "$root/sys/kernel/mm/transparent_hugepage/enabled" >"$dir/thp"
	pids "$root" >"$dir/pids"
	for p in $(pids "$root"); do
		for f in maps smaps smaps_rollup status statm comm cmdline; do
			cat "$root/proc/$p/$f" >"$dir/$p.$f"
		done
	done
	for f in "$root"/sys/devices/system/node/node*/meminfo; do
		p=${f%/meminfo}
		cat "$f" >"$dir/${p##*/}.meminfo"
	done
}

snapshot "$MNT" "$WORK/boot-a"
snapshot "$twin" "$WORK/boot-b"
diff -r "$WORK/boot-a" "$WORK/boot-b" >&2 || fail "two fresh mounts with '$MMFS_OPTIONS' differ"

replies_a=$(run_script "$MNT")
replies_b=$(run_script "$twin")
assert_eq "2
3
4
0
0
0
5
ok" "$replies_a" "replies of the session"
assert_eq "$replies_a" "$replies_b" "replies on the twin mount"

snapshot "$MNT" "$WORK/after-a"
snapshot "$twin" "$WORK/after-b"
diff -r "$WORK/after-a" "$WORK/after-b" >&2 || fail "the same session on two mounts left different state"
assert_eq "1 2 4 5" "$(tr '\n' ' ' <"$WORK/after-a/pids" | sed 's/ $//')" "pids after the session"
assert_file_eq "$WORK/after-a/1.maps" "$WORK/boot-a/1.maps" "pid 1's maps across the session"

# Reading changes nothing: a second snapshot of the same mount is identical.
snapshot "$MNT" "$WORK/again-a"
diff -r "$WORK/after-a" "$WORK/again-a" >&2 || fail "reading the files changed them"

mmfs_umount "$twin"

# And a third mount, after the twin is gone, boots into the same state again.
mmfs_mount "$twin" "${opts[@]}"
snapshot "$twin" "$WORK/boot-c"
diff -r "$WORK/boot-a" "$WORK/boot-c" >&2 || fail "a later mount with the same options differs"
mmfs_umount "$twin"
