# inodesteal_host.sh - pginodesteal against the host kernel. N files of one
# page each are written and synced, then mapped shared, read, and given to
# reclaim with MADV_PAGEOUT: each keeps a shadow at index 0, the one value
# entry the xarray holds in its head, so mapping_shrinkable lets its inode
# onto the inode LRU once drop_caches 2 has freed the dentry, and the walk
# counts the shadow as stolen before it evicts the inode. The host
# (inodesteal_probe.c, in a fresh directory under /var/tmp) and the mount
# must count the same: pginodesteal +N, kswapd_inodesteal +0. Files that
# keep their page ("plain") steal nothing on either side.
#
# Host changes, undone on exit: the probe's directory. drop_caches 2 on the
# host frees unused dentries and inodes (caches, not state). Skips (77)
# where the host cannot do it.

PROBE=${MMFS_INODESTEAL_PROBE:?the probe (meson passes MMFS_INODESTEAL_PROBE)}
N=200

skip() {
	echo "inodesteal_host: SKIP: $*" >&2
	exit 77
}
[[ -w /proc/sys/vm/drop_caches ]] || skip "/proc/sys/vm/drop_caches is not writable"
HOSTDIR=$(mktemp -d /var/tmp/mmfs-inodesteal.XXXXXX) || skip "no directory under /var/tmp"
trap 'rm -rf "$HOSTDIR"' EXIT

# The host, up to three tries: another inode of the host with a lone shadow
# may be evicted by the same drop and count too.
host_run() {
	local mode=$1 out try
	for try in 1 2 3; do
		rm -rf "${HOSTDIR:?}"/*
		echo 2 >/proc/sys/vm/drop_caches
		echo 2 >/proc/sys/vm/drop_caches
		out=$("$PROBE" "$HOSTDIR" "$N" "$mode") || fail "probe failed: $out"
		[[ $out == "$2" ]] && break
	done
	echo "$out"
}
want_pageout="resident 0 pginodesteal $N kswapd_inodesteal 0"
want_plain="resident $N pginodesteal 0 kswapd_inodesteal 0"
assert_eq "$want_pageout" "$(host_run pageout "$want_pageout")" "host: pageout"
assert_eq "$want_plain" "$(host_run plain "$want_plain")" "host: plain"

# The mount: the same sequence, through files/ and a process's ctl.
head -c 4096 /dev/zero | tr '\0' x >"$WORK/page"
mount_run() {
	local mode=$1 fd cfd pid addr vec resident=0 i s0 k0
	for ((i = 0; i < N; i++)); do cp "$WORK/page" "$MNT/files/$mode$i"; done
	exec {cfd}<>"$MNT/ctl"
	echo sync >&"$cfd" && read -r _ <&"$cfd"
	echo spawn >&"$cfd" && read -r pid <&"$cfd"
	exec {fd}<>"$MNT/proc/$pid/ctl"
	for ((i = 0; i < N; i++)); do
		echo "mmap 0 4096 r-- shared $mode$i" >&"$fd" && read -r addr <&"$fd"
		echo "touch $addr 4096 r" >&"$fd" && read -r _ <&"$fd"
		if [[ $mode == pageout ]]; then
			echo "madvise $addr 4096 pageout" >&"$fd" && read -r _ <&"$fd"
		fi
		echo "mincore $addr 4096" >&"$fd" && read -r vec <&"$fd"
		resident=$((resident + vec))
		echo "munmap $addr 4096" >&"$fd" && read -r _ <&"$fd"
	done
	exec {fd}>&-
	echo "kill $pid" >&"$cfd" && read -r _ <&"$cfd"
	exec {cfd}>&-
	s0=$(vmstat_val pginodesteal)
	k0=$(vmstat_val kswapd_inodesteal)
	echo 2 >"$MNT/proc/sys/vm/drop_caches"
	echo "resident $resident pginodesteal $(($(vmstat_val pginodesteal) - s0))" \
		"kswapd_inodesteal $(($(vmstat_val kswapd_inodesteal) - k0))"
}
assert_eq "$want_pageout" "$(mount_run pageout)" "mount: pageout"
assert_eq "$want_plain" "$(mount_run plain)" "mount: plain"

exec {fd}<>"$MNT/ctl"
echo check >&"$fd"
read -r reply <&"$fd"
exec {fd}>&-
assert_eq ok "$reply" "check"
