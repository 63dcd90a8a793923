# tunables: proc/sys/vm and the THP switch read and write like Linux's.

vm=$MNT/proc/sys/vm

# min_free_kbytes drives every zone's watermarks: min is split across the
# populated zones in proportion to managed pages, low/high sit above it.
mfk=$(cat "$vm/min_free_kbytes")
assert_match '^[0-9]+$' "$mfk" "min_free_kbytes"
zi_before=$(cat "$MNT/proc/zoneinfo")
wm_before=$(zoneinfo_table | awk '$6 != 0')
nzones=$(wc -l <<<"$wm_before")
summin=$(awk '{ s += $3 } END { print s }' <<<"$wm_before")
((summin <= mfk / 4 && summin >= mfk / 4 - nzones)) ||
	fail "sum of zone min watermarks $summin is not min_free_kbytes/4 = $((mfk / 4))"

echo $((mfk * 2)) >"$vm/min_free_kbytes"
assert_eq $((mfk * 2)) "$(cat "$vm/min_free_kbytes")" "min_free_kbytes after write"
wm_after=$(zoneinfo_table | awk '$6 != 0')
paste -d' ' <(echo "$wm_before") <(echo "$wm_after") | awk '
	{ d = $9 - 2 * $3; if (d < -2 || d > 2 || $9 <= $3 || $10 <= $4 || $11 <= $5) { print; bad = 1 } }
	END { exit bad }' || fail "watermarks did not double with min_free_kbytes:
before: $wm_before
after:  $wm_after"
summin=$(awk '{ s += $3 } END { print s }' <<<"$wm_after")
((summin <= mfk / 2 && summin >= mfk / 2 - nzones)) ||
	fail "sum of zone min watermarks $summin is not min_free_kbytes/4 = $((mfk / 2))"

# writing the old value back restores zoneinfo byte for byte
echo "$mfk" >"$vm/min_free_kbytes"
assert_eq "$zi_before" "$(cat "$MNT/proc/zoneinfo")" "zoneinfo after restoring min_free_kbytes"

# Out of range: EINVAL, value unchanged.
check_rejected() {
	local name=$1 value=$2 old
	old=$(cat "$vm/$name")
	expect_fail "Invalid argument" "echo '$value' > '$vm/$name'"
	assert_eq "$old" "$(cat "$vm/$name")" "$name after rejected write of $value"
}
check_rejected min_free_kbytes -1
check_rejected swappiness 201
check_rejected swappiness -1
check_rejected overcommit_memory 3
check_rejected overcommit_memory -1
check_rejected swappiness abc

# In range: accepted and read back as written.
for v in 0 200 100 60; do
	echo "$v" >"$vm/swappiness"
	assert_eq "$v" "$(cat "$vm/swappiness")" "swappiness after writing $v"
done
for v in 2 1 0; do
	echo "$v" >"$vm/overcommit_memory"
	assert_eq "$v" "$(cat "$vm/overcommit_memory")" "overcommit_memory after writing $v"
done

# overcommit_ratio changes CommitLimit = MemTotal * ratio / 100 + SwapTotal
ratio=$(cat "$vm/overcommit_ratio")
memtotal=$(meminfo_kb MemTotal)
swaptotal=$(meminfo_kb SwapTotal)
commit_limit() { echo $((($1 / 4 * $2 / 100 + swaptotal / 4) * 4)); }
assert_eq "$(commit_limit "$memtotal" "$ratio")" "$(meminfo_kb CommitLimit)" "CommitLimit (ratio $ratio)"
echo 100 >"$vm/overcommit_ratio"
assert_eq "$(commit_limit "$memtotal" 100)" "$(meminfo_kb CommitLimit)" "CommitLimit with ratio 100"
echo "$ratio" >"$vm/overcommit_ratio"

# drop_caches: write-only; valid writes succeed, and count in vmstat
dc=$(vmstat_val drop_pagecache)
echo 1 >"$vm/drop_caches"
assert_eq $((dc + 1)) "$(vmstat_val drop_pagecache)" "drop_pagecache after echo 1 > drop_caches"
expect_fail "Invalid argument" "echo 0 > '$vm/drop_caches'"
expect_fail "Permission denied" "cat '$vm/drop_caches'"

# The THP switch: sysfs's "[selected]" syntax
thp=$MNT/sys/kernel/mm/transparent_hugepage/enabled
assert_eq "always [madvise] never" "$(cat "$thp")" "THP enabled"
echo never >"$thp"
assert_eq "always madvise [never]" "$(cat "$thp")" "THP enabled after never"
echo always >"$thp"
assert_eq "[always] madvise never" "$(cat "$thp")" "THP enabled after always"
expect_fail "Invalid argument" "echo sometimes > '$thp'"
assert_eq "[always] madvise never" "$(cat "$thp")" "THP enabled after a bad write"
echo madvise >"$thp"
assert_eq "always [madvise] never" "$(cat "$thp")" "THP enabled restored"

# Everything written back: the tunables read as at boot.
assert_eq 60 "$(cat "$vm/swappiness")" "swappiness at the end"
assert_eq "$mfk" "$(cat "$vm/min_free_kbytes")" "min_free_kbytes at the end"
