# mmap: the address-space calls through proc/PID/ctl, seen in maps, smaps
# and status exactly as Linux 6.18 shows them.

# vmflags ADDR: the VmFlags line of the smaps block starting at ADDR
vmflags() {
	awk -v a="$1-" 'index($0, a) == 1 { on = 1 } on && /^VmFlags:/ { print; exit }' \
		"$MNT/proc/1/smaps"
}
# maps_in PREFIX: the maps lines starting with PREFIX, fields 1-2 only
maps_in() {
	awk -v p="$1" 'index($1, p) == 1 { print $1, $2 }' "$MNT/proc/1/maps"
}

size0=$(status_kb VmSize 1)
data0=$(status_kb VmData 1)
exec 3<>"$MNT/proc/1/ctl"

echo 'mmap 0x10000000 64K rw- private,anon,fixed' >&3
read -r r <&3
assert_eq 0x10000000 "$r" "reply to a fixed mmap"
assert_eq "10000000-10010000 rw-p" "$(maps_in 1000)" "maps after mmap"
assert_eq "VmFlags: rd wr mr mw me ac " "$(vmflags 10000000)" "VmFlags of private rw"
assert_eq $((size0 + 64)) "$(status_kb VmSize 1)" "VmSize after mmap"
assert_eq $((data0 + 64)) "$(status_kb VmData 1)" "VmData after mmap"

echo 'mprotect 0x10004000 16K r--' >&3
read -r r <&3
assert_eq 0 "$r" "reply to mprotect"
assert_eq "10000000-10004000 rw-p
10004000-10008000 r--p
10008000-10010000 rw-p" "$(maps_in 1000)" "maps after mprotect of the middle"
assert_eq "VmFlags: rd mr mw me " "$(vmflags 10004000)" "unfaulted read-only part loses ac"
assert_eq $((data0 + 48)) "$(status_kb VmData 1)" "VmData after mprotect"

echo 'mprotect 0x10004000 16K rw-' >&3
read -r r <&3
assert_eq "10000000-10010000 rw-p" "$(maps_in 1000)" "maps after mprotect back: merged"

echo 'mlock 0x10000000 16K' >&3
read -r r <&3
assert_eq 0 "$r" "reply to mlock"
assert_eq 16 "$(status_kb VmLck 1)" "VmLck after mlock"
assert_eq "VmFlags: rd wr mr mw me lo ac " "$(vmflags 10000000)" "VmFlags of the locked part"

echo 'munmap 0x10000000 64K' >&3
read -r r <&3
assert_eq 0 "$r" "reply to munmap"
assert_eq "" "$(maps_in 1000)" "maps after munmap"
assert_eq "$size0" "$(status_kb VmSize 1)" "VmSize after munmap"
assert_eq 0 "$(status_kb VmLck 1)" "VmLck after munmap"

# errors: the errno and a reason
if echo 'munmap 0x10000001 4096' >&3 2>/dev/null; then fail "unaligned munmap succeeded"; fi
read -r r <&3
assert_eq "error EINVAL: addr is not page-aligned" "$r" "reply to an unaligned munmap"
expect_fail "Invalid argument" "echo 'munmap 0x10000000 0' > '$MNT/proc/1/ctl'"
expect_fail "Cannot allocate memory" "echo 'mprotect 0x10000000 4096 r--' > '$MNT/proc/1/ctl'"

# strace form, top-down placement below mmap_base
echo 'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7fbe000' >&3
read -r r <&3
assert_match '^0x7ffff7[0-9a-f]{6}$' "$r" "strace-form mmap placed top-down"
echo "munmap($r, 8192) = 0" >&3
read -r r2 <&3
assert_eq 0 "$r2" "strace-form munmap"
echo 'mmap(0x20000000, 4096, PROT_READ, MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x20000000' >&3
read -r r <&3
assert_eq 0x20000000 "$r" "strace-form shared anon"
assert_match '^20000000-20001000 r--s 00000000 00:01 [0-9]+ +/dev/zero \(deleted\)$' \
	"$(grep '^20000000-' "$MNT/proc/1/maps")" "maps line of shared anon"
echo 'brk 0' >&3
read -r r <&3
assert_match '^0x5555555[0-9a-f]{5}$' "$r" "brk 0 answers the break"
exec 3>&-

echo check > "$MNT/ctl"
