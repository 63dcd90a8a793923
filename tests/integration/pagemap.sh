# mmfs-options: -o ram=1G
# pagemap: proc/PID/pagemap, proc/kpageflags, proc/kpagecount and
# proc/PID/mem through the mount, read with pread as page-types and
# debuggers do (reference/procfs.md §7-9, samples/pagemap.out).

# mode_of PATH: the permission bits and size, as "0400 0"
mode_of() { stat -c '%a %s' "$1"; }

assert_eq "400 0" "$(mode_of "$MNT/proc/1/pagemap")" "pagemap mode and size"
assert_eq "600 0" "$(mode_of "$MNT/proc/1/mem")" "mem mode and size"
assert_eq "400 0" "$(mode_of "$MNT/proc/kpageflags")" "kpageflags mode and size"
assert_eq "400 0" "$(mode_of "$MNT/proc/kpagecount")" "kpagecount mode and size"

printf 'data-%04d\n' $(seq 1 2000) >"$WORK/backing/data"	# 20000 bytes, 5 pages

exec 3<>"$MNT/proc/1/ctl"
cmd() {
	local r
	echo "$*" >&3
	read -r r <&3
	printf '%s' "$r"
}
A=0x10000000	# anon private: page 0 written, page 1 read, page 2 untouched
S=0x10100000	# shared anon, written
F=0x10200000	# private file, page 0 read, page 1 written
assert_eq $A "$(cmd mmap $A 16K rw- private,anon,fixed)" "mmap anon"
assert_eq $S "$(cmd mmap $S 16K rw- shared,anon,fixed)" "mmap shared anon"
assert_eq $F "$(cmd mmap $F 16K rw- private,fixed /data)" "mmap file"
assert_eq 0 "$(cmd touch $A 4K w)" "touch w"
assert_eq 0 "$(cmd touch $((A + 4096)) 4K r)" "touch r"
assert_eq 0 "$(cmd touch $S 4K w)" "touch shared"
assert_eq 0 "$(cmd touch $F 8K r)" "touch file"
assert_eq 0 "$(cmd touch $((F + 4096)) 4K w)" "touch file w"
child=$(cmd fork)
assert_match '^[0-9]+$' "$child" "fork"

# One pagemap word is 8 bytes at vpn * 8: dd reads it as any tool would.
word=$(dd if="$MNT/proc/1/pagemap" bs=8 skip=$((A / 4096)) count=1 status=none | od -An -tx8 | tr -d ' ')
assert_match '^80[0-9a-f]{14}$' "$word" "written anon page after fork: present, not exclusive"

out=$("$PY" - "$MNT" 1 "$child" $A $S $F <<'EOF'
import errno, os, struct, sys

mnt, pid, child = sys.argv[1], sys.argv[2], sys.argv[3]
A, S, F = (int(x, 0) for x in sys.argv[4:7])
PRESENT, SWAP, FILE, EXCL = 1 << 63, 1 << 62, 1 << 61, 1 << 56
PFN = (1 << 55) - 1

def words(path, index, n=1):
    fd = os.open(path, os.O_RDONLY)
    try:
        data = os.pread(fd, 8 * n, 8 * index)
    finally:
        os.close(fd)
    return struct.unpack("<%dQ" % (len(data) // 8), data)

def pm(p, addr):
    return words("%s/proc/%s/pagemap" % (mnt, p), addr // 4096)[0]

def kpf(pfn):
    return words(mnt + "/proc/kpageflags", pfn)[0]

def kpc(pfn):
    return words(mnt + "/proc/kpagecount", pfn)[0]

def err(f):
    try:
        f()
    except OSError as e:
        return errno.errorcode[e.errno]
    return "ok"

# anon written before fork: shared by parent and child, count 2
w = pm(pid, A)
print("anon", hex(w & ~PFN), w == pm(child, A), kpc(w & PFN), hex(kpf(w & PFN)))
# anon read: the zero page, present, not exclusive, count 0
z = pm(pid, A + 4096)
print("zero", hex(z & ~PFN), hex(kpf(z & PFN)), kpc(z & PFN))
print("untouched", hex(pm(pid, A + 8192)))
s = pm(pid, S)
print("shared", hex(s & ~PFN), kpc(s & PFN), hex(kpf(s & PFN) & (1 << 12)))
f = pm(pid, F)
print("file", hex(f & ~PFN), kpc(f & PFN), hex(kpf(f & PFN) & ((1 << 12) | (1 << 11))))
c = pm(pid, F + 4096)
print("cow", hex(c & ~PFN), hex(kpf(c & PFN) & ((1 << 12) | (1 << 11))))
# a range read: 4 entries of A in one pread
r = words("%s/proc/%s/pagemap" % (mnt, pid), A // 4096, 4)
print("range", len(r), r[0] == w, r[1] == z, r[2], r[3])

# the access rules
pmfd = os.open("%s/proc/%s/pagemap" % (mnt, pid), os.O_RDONLY)
print("pread7", err(lambda: os.pread(pmfd, 7, 0)))
print("offset3", err(lambda: os.pread(pmfd, 8, 3)))
print("task_size", len(os.pread(pmfd, 8, (1 << 47) // 4096 * 8)))
os.close(pmfd)
kfd = os.open(mnt + "/proc/kpageflags", os.O_RDONLY)
total, off = 0, 0
while True:
    d = os.pread(kfd, 1 << 20, off)
    if not d:
        break
    total += len(d)
    off += len(d)
print("kpageflags bytes", total)
print("kpageflags odd", err(lambda: os.pread(kfd, 12, 0)))
os.close(kfd)

# mem: a debugger's view, at offset = address
mfd = os.open("%s/proc/%s/mem" % (mnt, pid), os.O_RDWR)
os.pwrite(mfd, b"hello, mem", A + 4090)
print("mem", os.pread(mfd, 10, A + 4090))
print("mem file", os.pread(mfd, 10, F))
print("mem eio", err(lambda: os.pread(mfd, 8, 0x1000)))
print("mem short", len(os.pread(mfd, 64, A + 16384 - 16)))
os.close(mfd)
cfd = os.open("%s/proc/%s/mem" % (mnt, child), os.O_RDONLY)
print("child mem", os.pread(cfd, 10, A + 4090))
os.close(cfd)
EOF
) || fail "python pagemap script failed: $out"

expect_line() {
	grep -qxF -- "$1 $2" <<<"$out" && return 0
	fail "$1: expected the line [$1 $2] in:
$out"
}
expect_line anon "0x8000000000000000 True 2 0x5828"
expect_line zero "0x8000000000000000 0x101000000 0"
expect_line untouched "0x0"
expect_line shared "0xa100000000000000 1 0x0"	# fork leaves shared mappings to fault
expect_line file "0xa000000000000000 2 0x800"	# the VMA has anon pages: fork copied its PTEs
expect_line cow "0x8000000000000000 0x1800"
expect_line range "4 True True 0 0"
expect_line pread7 "EINVAL"
expect_line offset3 "EINVAL"
expect_line task_size "0"
expect_line "kpageflags bytes" "$((262144 * 8))"
expect_line "kpageflags odd" "EINVAL"
expect_line mem "b'hello, mem'"
expect_line "mem file" "b'data-0001\\n'"
expect_line "mem eio" "EIO"
expect_line "mem short" "16"
expect_line "child mem" "b'$(printf '\\x00%.0s' {1..10})'"	# the parent's write stayed its own

# exec drops the old address space: its pages read as holes again
echo exit >"$MNT/proc/$child/ctl"
assert_eq 0 "$(cmd exec)" "exec"
exec 3>&-
word=$(dd if="$MNT/proc/1/pagemap" bs=8 skip=$((A / 4096)) count=1 status=none | od -An -tx8 | tr -d ' ')
assert_eq 0000000000000000 "$word" "pagemap after exec"
assert_eq $((262144 * 8)) "$(dd if="$MNT/proc/kpagecount" bs=64K status=none | wc -c)" "kpagecount size by dd"
word=$(dd if="$MNT/proc/kpageflags" bs=8 skip=1 count=1 status=none | od -An -tx8 | tr -d ' ')
assert_eq 0000000100000000 "$word" "pfn 1: reserved"

# the checker agrees with everything done through the files
exec 4<>"$MNT/ctl"
echo check >&4
read -r r <&4
assert_eq ok "$r" "check"
exec 4>&-
