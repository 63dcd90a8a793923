# procps: unchanged free, vmstat and pmap read the mount bind-mounted over /proc.

memtotal=$(meminfo_kb MemTotal)
memfree=$(meminfo_kb MemFree)

# free -k: "Mem:" total used free shared buff/cache available
out=$(in_proc_ns free -k) || fail "free -k failed: $out"
mem=$(awk '$1 == "Mem:"' <<<"$out")
[[ -n $mem ]] || fail "free printed no Mem: line: $out"
assert_eq "$memtotal" "$(awk '{ print $2 }' <<<"$mem")" "free total"
assert_eq "$memfree" "$(awk '{ print $4 }' <<<"$mem")" "free free"
swap=$(awk '$1 == "Swap:" { print $2 }' <<<"$out")
assert_eq "$(meminfo_kb SwapTotal)" "$swap" "free swap total"

# vmstat 1 2: two header lines and two samples; free (kB) is MemFree
rc=0
out=$(in_proc_ns vmstat 1 2 2>&1) || rc=$?
assert_eq 0 "$rc" "vmstat 1 2 exit status ($out)"
assert_eq 4 "$(wc -l <<<"$out")" "vmstat 1 2 lines ($out)"
col=$(sed -n 2p <<<"$out" | awk '{ for (i = 1; i <= NF; i++) if ($i == "free") print i }')
[[ -n $col ]] || fail "vmstat header has no free column: $out"
for l in 3 4; do
	assert_eq "$memfree" "$(sed -n "${l}p" <<<"$out" | awk -v c="$col" '{ print $c }')" \
		"vmstat free column, line $l"
done

# vmstat -s reads meminfo, vmstat and stat
out=$(in_proc_ns vmstat -s) || fail "vmstat -s failed: $out"
assert_match "^ *$memtotal K total memory" "$(head -n1 <<<"$out")" "vmstat -s first line"

# pmap -X 1: header with pid 1's command, one row per maps line, a total line
comm=$(cat "$MNT/proc/1/comm")
rc=0
out=$(in_proc_ns pmap -X 1 2>&1) || rc=$?
assert_eq 0 "$rc" "pmap -X 1 exit status ($out)"
assert_match "^1: +.*$comm" "$(head -n1 <<<"$out")" "pmap first line"
nmaps=$(wc -l <"$MNT/proc/1/maps")
rows=$(grep -cE '^ *[0-9a-f]+ [r-][w-][x-][sp] [0-9a-f]+ ' <<<"$out") || true
assert_eq "$nmaps" "$rows" "pmap -X rows vs proc/1/maps lines"
starts=$(awk '{ sub(/-.*/, "", $1); print $1 }' "$MNT/proc/1/maps" | sed 's/^0*//')
pstarts=$(grep -E '^ *[0-9a-f]+ [r-][w-][x-][sp] ' <<<"$out" | awk '{ print $1 }' | sed 's/^0*//')
assert_eq "$starts" "$pstarts" "pmap -X addresses vs proc/1/maps"
# the total line: Size is VmSize plus the 4 kB [vsyscall] page, then "KB"
total=$(tail -n1 <<<"$out")
assert_match ' KB $' "$total" "pmap -X total line"
vmsize=$(status_kb VmSize 1)
assert_eq $((vmsize + 4)) "$(awk '{ print $1 }' <<<"$total")" "pmap -X total Size"

# plain pmap: same mappings, " total" line
out=$(in_proc_ns pmap 1) || fail "pmap 1 failed: $out"
assert_match "^ total +$((vmsize + 4))K$" "$(tail -n1 <<<"$out")" "pmap total"
grep -q '\[ stack \]' <<<"$out" || fail "pmap shows no [ stack ] (stat field 28): $out"
