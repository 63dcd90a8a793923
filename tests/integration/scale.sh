# scale: a 1 TiB, 4-node machine boots in seconds on a small host, because
# the struct page array and frame contents cost host memory only when touched.
# mmfs-options: -o ram=1T,nodes=4
# mmfs-mount-timeout: 60

sanitized=
if [[ -n ${MMFS_SANITIZED:-} ]] || grep -q 'libasan' "/proc/$MMFS_PID/maps"; then
	sanitized=1
fi
# a few seconds; sanitizers slow the boot loop down about threefold
assert_lt "$MMFS_MOUNT_MS" $((sanitized ? 15000 : 5000)) "milliseconds from start to mounted"

tib_kb=$((1 << 30))
total=$(meminfo_kb MemTotal)
assert_lt "$total" "$tib_kb" "MemTotal of ram=1T"
assert_lt $((tib_kb / 100 * 97)) "$total" "MemTotal of ram=1T (at least 97%)"
for n in 0 1 2 3; do
	assert_exists "$MNT/sys/devices/system/node/node$n/meminfo"
	grep -q "^Node $n, zone   Normal " "$MNT/proc/buddyinfo" || fail "no Normal zone on node $n"
done
assert_missing "$MNT/sys/devices/system/node/node4"

# The usual files stay quick and consistent at this size.
free=$(meminfo_kb MemFree)
buddy=$(buddyinfo_table | awk '{ s += $2 } END { printf "%.0f", s }')
assert_eq "$free" $((buddy * 4)) "MemFree vs 4 x sum of buddyinfo"
echo spawn >"$MNT/ctl"
assert_exists "$MNT/proc/2/maps"

# Host memory: the daemon's RSS stays small. ASan's shadow memory inflates
# RSS, so the bound is skipped for sanitized builds.
if [[ -n $sanitized ]]; then
	echo "scale: sanitized build, RSS bound skipped" >&2
else
	rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$MMFS_PID/status")
	assert_lt "$rss" $((1536 << 10)) "daemon VmRSS (kB) with ram=1T"
fi
