#!/usr/bin/env python3
"""gen-corpus.py - write the seed corpora and dictionaries of the fuzz targets.

    tests/fuzz/gen-corpus.py [OUTDIR]     (default: tests/fuzz)

Writes OUTDIR/corpus/fuzz_parse/ (control lines and small scripts, text),
OUTDIR/corpus/fuzz_model/ (command sequences in fuzz_model's binary
format, see tests/fuzz/model.h), one file per seed named after what it
exercises, and the libFuzzer dictionaries OUTDIR/fuzz_parse.dict and
OUTDIR/fuzz_model.dict. The output is the same every time: what is checked
in is this script's output; run it again after changing it or fuzz_model's
format.
"""
import os
import struct
import sys

# ---- fuzz_parse: lines of the control language ---------------------------

PARSE_SEEDS = {
    "spawn": "spawn",
    "spawn_name": "spawn /usr/bin/python3",
    "kill": "kill 2",
    "drop_caches": "drop_caches 3",
    "compact_check_sync": "compact\ncheck\nsync",
    "shm_sysv": ("shmget IPC_PRIVATE 10000 IPC_CREAT|0640\nshmat 0 0 SHM_RDONLY|SHM_RND\n"
                 "shmdt 0x7ffff7fbd000\nshmctl 0 rmid\nshmget(0x1234, 8192, IPC_CREAT|IPC_EXCL|0600) = 1\n"
                 "shmat(1, 0x10000001, SHM_RDONLY|SHM_RND) = 0x10000000\nshmctl(1, IPC_STAT, NULL)"),
    "shm_posix": "shm_open /demo O_CREAT|O_RDWR 0600\nshm_unlink demo",
    "mmap_anon": "mmap 0 64K rw- private,anon",
    "mmap_file": "mmap 0 8K r-- shared /a 4096",
    "mmap_flags": "mmap 0x200000000 2M rwx private|anonymous|fixed|populate|locked|noreserve",
    "mmap_prefix": "mmap NULL 0x1000 PROT_READ|PROT_WRITE MAP_SHARED|MAP_ANONYMOUS",
    "munmap": "munmap 0x7ffff7dc0000 4096",
    "mprotect": "mprotect 0x7ffff7dc0000 4K r-x",
    "mremap": "mremap 0x7ffff7dc0000 4K 8K maymove|fixed 0x200000000",
    "brk": "brk 0x555555600000",
    "madvise": "madvise 0x7ffff7dc0000 64K dontneed",
    "madvise_num": "madvise 0x7ffff7dc0000 64K -1",
    "mlock2": "mlock2 0x7ffff7dc0000 4K onfault",
    "mlockall": "mlockall current,future,onfault",
    "mincore": "mincore 0x7ffff7dc0000 16K",
    "msync": "msync 0x7ffff7dc0000 4K sync|invalidate",
    "touch": "touch 0x7ffff7dc0000 64K w",
    "fork_exec_exit": "fork\nexec /bin/true\nexit",
    "open_close": "open /a rdwr,creat,trunc\nclose 3",
    "comment": "  # nothing to run\t",
    "blank": " \t\x0b\x0c\r",
    "strace_mmap": "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7fbd000",
    "strace_openat": 'openat(AT_FDCWD, "/notes.txt", O_RDWR|O_CREAT, 0644) = 3</notes.txt>',
    "strace_mmap_fd": 'mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3</a>, 0) = 0x7f0000000000',
    "strace_pid": "[pid  4242] munmap(0x7ffff7fbd000, 8192) = 0",
    "strace_exit": "exit_group(0) = ?",
    "strace_execve": 'execve("/usr/bin/ls", ["ls", "-l"], 0x7ffd /* 20 vars */) = 0',
    "strace_escape": 'open("/tmp/\\x41\\101\\n\\"q\\"", O_RDONLY) = -1 ENOENT (No such file or directory)',
    "strace_comment": "mremap(0x7ffff7dc0000, 4096, 8192, MREMAP_MAYMOVE /* move */) = 0x7ffff7dbf000",
    "strace_string_more": 'open("/a"..., O_RDONLY) = 3',
    "strace_unterminated": 'open("/a, O_RDONLY',
    "too_many": "munmap 1 2 3",
    "overflow": "mmap 18446744073709551616 16E rw- private,anon",
    "suffixes": "touch 0x1K 1KiB r",
    "nel": "spawn\x85",
    "nul": "spawn\x00sh",
    "migrate_pages": "migrate_pages 0 0 1",
    "move_pages": "move_pages 0 0x7ffff7dc0000,0x7ffff7dc1000 1,0 move_all",
    "affinity": "sched_setaffinity 0 0-1,3\nsched_getaffinity 0 128\ntaskset 2 0x3",
    "strace_migrate_pages": "migrate_pages(1234, 64, [0x00000000000001], [0x00000000000002]) = 0",
    "strace_move_pages": ("move_pages(0, 2, [0x7f34bd740000, 0x7f34bd741000], [0, 1], "
                          "[0, -EFAULT], MPOL_MF_MOVE) = 0"),
    "strace_affinity": "sched_setaffinity(0, 128, [0 1]) = 0\nsched_getaffinity(0, 128, [0 1]) = 32",
    "script": ("spawn\nmmap 0 2M rw- private,anon\nmadvise 0x7ffff7c00000 2M hugepage\n"
               "touch 0x7ffff7c00000 2M w\nfork\nmunmap 0x7ffff7c00000 4K\ncheck\n"
               "mlockall current\nmadvise 0x7ffff7d00000 64K free\nmunlockall\ncheck"),
    "set_mempolicy": "set_mempolicy bind,static 0-1",
    "set_mempolicy_strace": "set_mempolicy(MPOL_BIND|MPOL_F_STATIC_NODES, [0x00000000000002], 64) = 0",
    "set_mempolicy_bad": "set_mempolicy(0x63 /* MPOL_??? */, [0x00000000000001, 0000000000000000], 128) = -1 EINVAL (Invalid argument)",
    "mbind": "mbind 0x7ffff7dc0000 64K interleave 0x3 strict,move",
    "mbind_strace": "mbind(0x7f0000000000, 262144, MPOL_INTERLEAVE, [0x00000000000003], 64, MPOL_MF_STRICT|MPOL_MF_MOVE) = 0",
    "mbind_pointer": "mbind(0x7f0000000000, 4096, MPOL_BIND, 0x55fa8af8f060, 1, 0)",
    "get_mempolicy": "get_mempolicy 0x7ffff7dc0000 node|addr",
    "get_mempolicy_strace": "get_mempolicy([MPOL_DEFAULT], [0000000000000000], 64, 0x7f0000000000, MPOL_F_NODE|MPOL_F_ADDR) = 0",
}

VERBS = ["mmap", "munmap", "mprotect", "mremap", "brk", "madvise", "mlock", "mlock2",
         "munlock", "mlockall", "munlockall", "mincore", "msync", "touch", "fork", "exec",
         "exit", "open", "close", "spawn", "kill", "drop_caches", "compact", "check", "sync",
         "openat", "exit_group", "vfork", "execve", "shmget", "shmat", "shmdt", "shmctl",
         "shm_open", "shm_unlink",
         "malloc", "free", "calloc", "realloc", "memalign", "malloc_trim", "mallopt",
         "malloc_stats", "set_mempolicy", "mbind", "get_mempolicy",
         "migrate_pages", "move_pages", "sched_setaffinity", "sched_getaffinity", "taskset"]
FLAG_NAMES = ["32bit", "anon", "anonymous", "append", "async", "cloexec", "cold", "collapse",
              "creat", "current", "denywrite", "direct", "directory", "dodump", "dofork",
              "dontdump", "dontfork", "dontneed", "dontneed_locked", "dontunmap", "dsync",
              "excl", "exec", "executable", "file", "fixed", "fixed_noreplace", "free",
              "future", "growsdown", "growsup", "huge_1gb", "huge_2mb", "hugepage",
              "hugetlb", "invalidate", "keeponfork", "largefile", "locked", "maymove",
              "mergeable", "ndelay", "noatime", "noctty", "nofollow", "nohugepage",
              "nonblock", "none", "noreserve", "normal", "onfault", "pageout", "path",
              "populate", "populate_read", "populate_write", "private", "random", "rdonly",
              "rdwr", "read", "remove", "sem", "sequential", "shared", "shared_validate",
              "stack", "sync", "tmpfile", "trunc", "uninitialized", "unmergeable",
              "willneed", "wipeonfork", "write", "wronly",
              "PROT_", "MAP_", "MADV_", "MCL_", "MLOCK_", "MREMAP_", "MS_", "O_",
              "default", "preferred", "bind", "interleave", "local", "preferred_many",
              "weighted_interleave", "static", "relative", "balancing", "strict", "move",
              "move_all", "node", "addr", "mems_allowed", "MPOL_", "MPOL_F_", "MPOL_MF_",
              "all", "query", "MPOL_MF_MOVE", "MPOL_MF_MOVE_ALL"]
PARSE_WORDS = ["0", "1", "3", "-1", "0x", "0x7ffff7dc0000", "0x555555559000", "4096", "4K",
               "64K", "2M", "1G", "1T", "16E", "KiB", "KB", "18446744073709551615",
               "18446744073709551616", "0xffffffffffffffff", "NULL", "rw-", "r-x", "---",
               "rwx", "r", "w", "(", ")", ", ", " = ", " = 3", " = -1 ENOENT (No such file)",
               '"/a"', "<", ">", "</a>", "[pid 42] ", "/* ", " */", "...", "|", ",", "[",
               "]", "\\x", "\\n", "\\0", "#", "\x0b", "\x85", "\xc2\x85", "\x00"]


def dict_entry(word):
    """a dictionary line: printable ASCII stays, the rest as \\xNN"""
    out = ""
    for ch in word:
        if ch in '"\\':
            out += "\\" + ch
        elif " " <= ch <= "~":
            out += ch
        else:
            out += "\\x%02x" % ord(ch)
    return '"' + out + '"'


def parse_dict():
    lines = ["# fuzz_parse.dict - words of the control language (libFuzzer -dict),",
             "# written by gen-corpus.py: verbs of both control files and of strace,",
             "# flag and advice names, numbers, suffixes and punctuation."]
    for w in VERBS + FLAG_NAMES + PARSE_WORDS:
        lines.append(dict_entry(w))
    return "\n".join(lines) + "\n"


# ---- fuzz_model: the binary format of tests/fuzz/model.h ------------------

OPS = ["spawn", "kill", "drop_caches", "compact", "sync",
       "mmap", "munmap", "mprotect", "mremap", "brk", "madvise",
       "mlock", "mlock2", "munlock", "mlockall", "munlockall",
       "mincore", "msync", "touch", "fork", "exec", "exit",
       "open", "close", "mem_rw",
       "file_write", "file_truncate", "file_read", "file_fsync", "file_rename",
       "tunable", "view", "shm", "mbind", "set_mempolicy", "get_mempolicy",
       "tracefs", "zswap", "page_owner", "ctl_line"]
OP = {name: i for i, name in enumerate(OPS)}

# model_pick.c's tables, by index
PATHS = ["/a", "/b", "/c", "/d", "/d/e", "/ro", "/big", "/new", "d/../a",
         "/usr/bin/sh", "/usr/lib/x86_64-linux-gnu/libc.so.6", "", "/../etc/passwd",
         "/d/e/f", "/nonexistent", "/d/"]
ADVICE = ["normal", "random", "sequential", "willneed", "dontneed", "free", "remove",
          "dontfork", "dofork", "mergeable", "unmergeable", "hugepage", "nohugepage",
          "dontdump", "dodump", "wipeonfork", "keeponfork", "cold", "pageout",
          "populate_read", "populate_write"]
TUNABLES = ["nr_hugepages", "enabled", "overcommit_memory", "overcommit_ratio",
            "max_map_count", "min_free_kbytes", "dirty_background_bytes", "dirty_ratio",
            "dirty_writeback_centisecs", "dirty_expire_centisecs", "read_ahead_kb",
            "drop_caches", "compact_memory", "mmap_min_addr", "lowmem_reserve_ratio",
            "watermark_scale_factor"]

PID = 0          # the first live process other than init (pid byte 0)
PAGE = 4096


def u16(v):
    return struct.pack("<H", v)


# address choosers (pick_addr) and range choosers (pick_range), as bytes
def addr_null():
    return bytes([0])


def addr_win(page):
    return bytes([1]) + u16(page)


def addr_win_huge(i):
    return bytes([5, i])


def len_pages(n):
    return bytes([0, n - 1])


def len_huge(n):
    return bytes([4, n - 1])


def range_win(page, length):
    return bytes([3]) + u16(page) + length


def range_vma(hot, off, pages):
    """pages from page off of the VMA holding the hot-th address an
    mmap, mremap or brk returned (0 = the first one, while fewer than 8)"""
    return bytes([1, hot, off, pages - 1])


def range_whole_vma(hot):
    return bytes([0, hot, 0])


# mmap flags byte: type (0 private, 1 shared) | anon 4 | fixed 8 | populate 0x20 | locked 0x40
PRIVATE, SHARED, ANON, FIXED, POPULATE, LOCKED = 0, 1, 4, 8, 0x20, 0x40
RW, R, RWX = 3, 1, 7


def mmap(addr, length, prot, flags, path=None, off=0):
    rec = bytes([OP["mmap"], PID]) + addr + length + bytes([prot, flags])
    if path is None:
        rec += bytes([0])                        # anon: no file
    else:
        rec += bytes([0, PATHS.index(path)])     # by path
    return rec + (bytes([0]) if off == 0 else bytes([1, off]))


def mmap_more(addr, length, prot, flags, more):
    """an anonymous mmap whose flags have the second byte (bit 2: HUGETLB...)"""
    return (bytes([OP["mmap"], PID]) + addr + length + bytes([prot, 0x80 | flags, more])
            + bytes([0, 0]))


def op(name, *args):
    return bytes([OP[name]]) + b"".join(bytes([a]) if isinstance(a, int) else a for a in args)


def pop(name, *args):
    """a process command on PID"""
    return op(name, PID, *args)


def killed_at(step, record):
    """record, run with a kill injected at its step-th step boundary"""
    return bytes([0xe0 | record[0], (step - 1) % 16]) + record[1:]


def madvise(rng, advice):
    return pop("madvise", rng, ADVICE.index(advice))


def tunable(name, val):
    return op("tunable", TUNABLES.index(name), val)


def touch(rng, write):
    return pop("touch", rng, 1 if write else 0)


W0 = range_win(0, len_pages(16))
W0H = range_win(0, len_huge(1))

MODEL_SEEDS = {
    "empty": bytes([0]),
    # a 2-node machine (128M): interleave a range, bind a task, fault, fork, ask
    "mempolicy": bytes([6]) + mmap(addr_win(0), len_pages(16), RW, PRIVATE | ANON | FIXED)
    + pop("mbind", W0, 3, 3, 1) + pop("set_mempolicy", 2 | 8, 2) + touch(W0, True)
    + pop("mbind", range_win(2, len_pages(4)), 4, 0x80, 0) + pop("fork")
    + pop("get_mempolicy", 8 | 3, addr_win(0)) + pop("set_mempolicy", 7, 1),
    "anon_touch": bytes([0]) + mmap(addr_win(0), len_pages(16), RW, PRIVATE | ANON | FIXED)
    + touch(W0, True),
    "anon_fork_cow": bytes([0]) + mmap(addr_null(), len_pages(8), RW, PRIVATE | ANON)
    + touch(range_whole_vma(0), True) + pop("fork") + touch(range_whole_vma(0), True)
    + op("kill", 0),
    "shared_anon": bytes([0]) + mmap(addr_win(0), len_pages(8), RW, SHARED | ANON | FIXED)
    + touch(W0, True) + pop("fork") + pop("munmap", range_win(2, len_pages(2))),
    "file_private": bytes([0]) + mmap(addr_win(0), len_pages(4), RW, PRIVATE | FIXED, "/a")
    + touch(W0, False) + touch(W0, True) + op("drop_caches", 3),
    "file_shared_write": bytes([0]) + mmap(addr_win(0), len_pages(4), RW, SHARED | FIXED, "/a")
    + touch(W0, True) + pop("msync", W0, 4) + op("sync"),
    "file_truncate": bytes([0]) + mmap(addr_win(0), len_pages(4), RW, SHARED | FIXED, "/a")
    + touch(W0, True) + op("file_truncate", PATHS.index("/a"), 0, 10) + touch(W0, False),
    "file_write_mapped": bytes([0]) + mmap(addr_win(0), len_pages(8), R, SHARED | FIXED, "/big")
    + touch(W0, False) + op("file_write", PATHS.index("/big"), 1, 2, u16(5000), 7),
    "mlockall": bytes([0]) + pop("mlockall", 3) + mmap(addr_null(), len_pages(4), RW, PRIVATE | ANON)
    + pop("munlockall"),
    "mlock_onfault": bytes([0]) + mmap(addr_win(0), len_pages(8), RW, PRIVATE | ANON | FIXED)
    + pop("mlock2", W0, 1) + touch(range_win(0, len_pages(2)), True) + pop("munlock", W0),
    "mprotect_split": bytes([0]) + mmap(addr_win(0), len_pages(16), RW, PRIVATE | ANON | FIXED)
    + pop("mprotect", range_win(4, len_pages(4)), R) + pop("mprotect", W0, RW),
    "mremap_grow": bytes([0]) + mmap(addr_win(0), len_pages(4), RW, PRIVATE | ANON | FIXED)
    + touch(W0, True) + pop("mremap", range_win(0, len_pages(4)), 0x80, len_pages(32), 1),
    "mremap_dontunmap": bytes([0]) + mmap(addr_win(0), len_pages(4), RW, PRIVATE | ANON | FIXED)
    + touch(W0, True) + pop("mremap", range_win(0, len_pages(4)), 0, 5),
    "mremap_fixed": bytes([0]) + mmap(addr_win(0), len_pages(4), RW, PRIVATE | ANON | FIXED)
    + touch(W0, True) + pop("mremap", range_win(0, len_pages(4)), 0, 3, addr_win(100)),
    "brk": bytes([0]) + pop("brk", 1, 16) + touch(range_whole_vma(0), True) + pop("brk", 2, 8),
    "thp_madvise": bytes([0]) + mmap(addr_win_huge(0), len_huge(1), RW, PRIVATE | ANON | FIXED)
    + madvise(W0H, "hugepage") + touch(W0H, True) + pop("fork")
    + pop("mprotect", range_win(3, len_pages(1)), R),
    "hugetlb": bytes([0]) + tunable("nr_hugepages", 2)
    + bytes([OP["mmap"], PID]) + addr_null() + len_huge(1) + bytes([RW, 0x80 | ANON, 0x04, 0, 0])
    + touch(range_whole_vma(0), True),
    "pageout": bytes([0x20]) + mmap(addr_win(0), len_pages(8), RW, SHARED | ANON | FIXED)
    + touch(W0, True) + madvise(W0, "pageout") + touch(W0, False),
    "populate_remove": bytes([0]) + mmap(addr_win(0), len_pages(8), RW, SHARED | FIXED, "/big")
    + madvise(W0, "populate_write") + madvise(range_win(2, len_pages(2)), "remove"),
    "dontneed_wipe": bytes([0]) + mmap(addr_win(0), len_pages(8), RW, PRIVATE | ANON | FIXED)
    + madvise(W0, "wipeonfork") + touch(W0, True) + pop("fork") + madvise(W0, "dontneed"),
    "mem_rw": bytes([0]) + mmap(addr_win(0), len_pages(4), R, PRIVATE | FIXED, "/b")
    + pop("mem_rw", addr_win(0), u16(100), 1) + pop("mem_rw", addr_win(0), u16(5000), 0),
    "open_mmap_fd": bytes([0]) + pop("open", PATHS.index("/big"), 2)
    + bytes([OP["mmap"], PID]) + addr_null() + len_pages(4) + bytes([RW, SHARED, 0x80, 0, 0])
    + pop("close", 0),
    "exec_exit": bytes([0]) + pop("fork") + pop("exec", 1) + pop("exit"),
    "rename_unlink": bytes([0]) + mmap(addr_win(0), len_pages(2), R, SHARED | FIXED, "/b")
    + op("file_rename", 1, 5, 0) + op("file_rename", 5, 0, 1) + touch(W0, False),
    "two_nodes": bytes([0x06]) + mmap(addr_null(), len_pages(32), RW, PRIVATE | ANON | POPULATE)
    + op("spawn", 1) + op("compact"),
    "min_free": bytes([0x01]) + tunable("min_free_kbytes", 2)
    + mmap(addr_null(), len_huge(4), RW, PRIVATE | ANON | POPULATE),
    "dirty_flush": bytes([0]) + tunable("dirty_writeback_centisecs", 2)
    + tunable("dirty_expire_centisecs", 2) + op("file_write", 0, 0, u16(3000), 1)
    + pop("mincore", W0) + op("file_fsync", 0),
    "views": bytes([0]) + mmap(addr_win(0), len_pages(4), RW, PRIVATE | ANON | FIXED)
    + touch(W0, True) + pop("view", 0) + pop("view", 1) + pop("view", 2, 1, u16(0))
    + pop("view", 3) + pop("view", 4),
    "overcommit": bytes([0]) + tunable("overcommit_memory", 2)
    + mmap(addr_null(), bytes([7, 4]), RW, PRIVATE | ANON),
    "killed_fork": bytes([0]) + mmap(addr_win_huge(0), len_huge(4), RW, PRIVATE | ANON | FIXED)
    + touch(range_win(0, len_huge(4)), True) + killed_at(2, pop("fork")),
    "killed_touch": bytes([0]) + mmap(addr_win_huge(0), len_huge(4), RW, SHARED | ANON | FIXED)
    + killed_at(3, touch(range_win(0, len_huge(4)), True)) + pop("fork"),
    "killed_populate": bytes([0x08]) + killed_at(2, mmap(addr_win_huge(0), len_huge(4), RW,
                                                       PRIVATE | ANON | FIXED | POPULATE)),
    "thp_split_protect_remap": bytes([0x08])
    + mmap(addr_win_huge(0), len_huge(2), RW, PRIVATE | ANON | FIXED)
    + touch(range_win(0, len_huge(2)), True) + pop("view", 2, addr_win_huge(0))
    + pop("mincore", range_win(0, len_huge(2))) + pop("mprotect", range_win(0, len_huge(1)), R)
    + pop("mremap", range_win(0, len_huge(1)), 0, 3, addr_win_huge(2)) + pop("fork")
    + touch(range_win(512, len_pages(1)), True) + pop("munmap", range_win(520, len_pages(1)))
    + pop("mprotect", range_win(1024, len_huge(1)), RW),
    "thp_zero_then_write": bytes([0x08])
    + mmap(addr_win_huge(1), len_huge(1), RW, PRIVATE | ANON | FIXED)
    + touch(range_win(512, len_huge(1)), False) + pop("fork")
    + touch(range_win(512, len_pages(2)), True) + op("drop_caches", 2),
    "madv_free": bytes([0]) + mmap(addr_win(0), len_pages(8), RW, PRIVATE | ANON | FIXED)
    + touch(range_win(0, len_pages(8)), True) + madvise(range_win(0, len_pages(8)), "free")
    + touch(range_win(2, len_pages(1)), True) + pop("fork")
    + madvise(range_win(0, len_pages(8)), "free") + madvise(range_win(0, len_pages(8)), "pageout")
    + pop("mlock", range_win(0, len_pages(4))) + op("drop_caches", 3),
    "hugetlb_fork_protect": bytes([0]) + tunable("nr_hugepages", 2)
    + mmap_more(addr_win_huge(0), len_huge(1), RW, PRIVATE | ANON | FIXED, 0x04)
    + touch(range_win(0, len_huge(1)), True) + pop("fork")
    + pop("mprotect", range_win(0, len_huge(1)), R) + pop("mremap", range_win(0, len_huge(1)), 0, 1),
    "reserves": bytes([0x06]) + tunable("lowmem_reserve_ratio", 1)
    + tunable("watermark_scale_factor", 2)
    + mmap(addr_null(), len_huge(4), RW, PRIVATE | ANON | POPULATE) + op("spawn", 1)
    + pop("fork") + pop("fork"),
    # 64 MiB of RAM and 64 MiB of swap: 80 MiB touched reclaims; then swap
    # devices come and go (drop_caches bytes >= 250: model_ops.c op_swap)
    "swap_pressure": bytes([0x20])
    + b"".join(mmap(addr_null(), len_huge(4), RW, PRIVATE | ANON | POPULATE) for _ in range(10))
    + pop("fork") + touch(range_vma(0, 3, 64), False) + touch(range_vma(1, 0, 16), True)
    + op("drop_caches", 252, 64, 5) + op("drop_caches", 251) + op("drop_caches", 253)
    + op("kill", 0),
    # THPs on a block device (/dev/swap2, prio 10): a THP of zeros and one
    # of data paged out whole, read back (the cached one mapped whole), one
    # partly unmapped and split by pageout, one split by cold, swapoff
    "thp_swap": bytes([0x20]) + op("drop_caches", 252, 255, 11)
    + mmap(addr_win_huge(0), len_huge(4), RW, PRIVATE | ANON | FIXED)
    + madvise(range_win(0, len_huge(4)), "hugepage") + touch(range_win(0, len_huge(4)), True)
    + pop("mem_rw", addr_win(512), u16(200), 1)
    + madvise(range_win(0, len_huge(2)), "pageout") + touch(range_win(4, len_pages(2)), False)
    + touch(range_win(520, len_pages(1)), False)
    + pop("munmap", range_win(1100, len_pages(50))) + madvise(range_win(1024, len_pages(70)), "pageout")
    + madvise(range_win(1600, len_pages(8)), "cold") + op("drop_caches", 253),
    # the same region under pressure: kswapd takes THPs whole, or splits them
    # once the block device has no free cluster left
    "thp_swap_pressure": bytes([0x20]) + op("drop_caches", 252, 40, 11)
    + mmap(addr_win_huge(0), len_huge(4), RW, PRIVATE | ANON | FIXED)
    + madvise(range_win(0, len_huge(4)), "hugepage")
    + b"".join(mmap(addr_null(), len_huge(4), RW, PRIVATE | ANON | POPULATE) for _ in range(8))
    + touch(range_win(0, len_huge(4)), True) + pop("mem_rw", addr_win(1030), u16(300), 1)
    + touch(range_win(0, len_huge(4)), False) + pop("fork") + touch(range_win(0, len_huge(1)), True),
    "swap_shmem": bytes([0x20])
    + b"".join(mmap(addr_null(), len_huge(4), RW, SHARED | ANON | POPULATE) for _ in range(10))
    + madvise(range_vma(0, 0, 64), "pageout") + touch(range_vma(0, 0, 8), False)
    + madvise(range_vma(0, 8, 64), "willneed") + op("drop_caches", 251)
    + pop("munmap", range_vma(0, 0, 32)),
    # a tunable byte >= 240: reclaim knobs and raw oom_score_adj/oom_adj
    # writes (model_io.c op_pressure_knob)
    "oom_adj_writes": bytes([0x20]) + op("tunable", 248, 6, 0) + b"-1000\n"
    + op("tunable", 249, 4, 0) + b" 15\n" + op("tunable", 250, 5, 0) + b"0x3e8"
    + op("tunable", 240, 0) + op("tunable", 241, 0)
    + b"".join(mmap(addr_null(), len_huge(4), RW, PRIVATE | ANON | POPULATE) for _ in range(10)),
    "map_count": bytes([0]) + tunable("max_map_count", 1)
    + b"".join(mmap(addr_win(2 * i), len_pages(1), RW if i % 2 else R, PRIVATE | ANON | FIXED)
               for i in range(24)),
}


# model_sys.c's tracefs file byte (bit 4: a read, bit 5 with it: O_TRUNC first)
TFS = ["tracing_on", "buffer_size_kb", "set_event", "events/enable", "sys_enable",
       "sys_filter", "ev_enable", "ev_filter", "trace", "trace_pipe"]
READ, TRUNC = 0x10, 0x20


def tracefs(f, event=0, *args):
    return op("tracefs", TFS.index(f), event, *args)


def filter_tokens(*toks):
    """filter_text's bytes: a token count, then one byte per token"""
    return bytes([len(toks)] + list(toks))


# filter tokens: the event's first field, ==, 4096, &&, common_pid, >, 0
FILTER_FIELD_EQ = filter_tokens(0, 1, 10, 33, 4, 17, 2)
ZSWAP = ["enabled", "compressor", "max_pool_percent", "accept_threshold_percent",
         "shrinker_enabled"]


def zswap(param, val):
    return op("zswap", ZSWAP.index(param), val)


def zswap_fill(rng, kind):
    """pages of data written through proc/PID/mem into rng, then paged out"""
    return op("zswap", 7, PID, rng, kind)


POPULATE_80M = b"".join(mmap(addr_null(), len_huge(4), RW, PRIVATE | ANON | POPULATE)
                        for _ in range(10))

MODEL_SEEDS.update({
    # every event on, a filter, the buffer resized, the trace read and consumed
    "tracefs": bytes([0]) + tracefs("events/enable", 0, 1) + tracefs("buffer_size_kb", 0, 2)
    + mmap(addr_win(0), len_pages(16), RW, PRIVATE | ANON | FIXED)
    + tracefs("ev_filter", 1, FILTER_FIELD_EQ) + tracefs("sys_filter", 3, FILTER_FIELD_EQ)
    + touch(W0, True) + op("tracefs", TFS.index("trace") | READ, 0) + tracefs("trace_pipe", 0, 3)
    + tracefs("set_event", 0, 4, 5) + op("tracefs", TFS.index("set_event") | READ | TRUNC, 0)
    + tracefs("set_event", 0, 2, 0) + pop("fork") + tracefs("tracing_on", 0, 0)
    + op("tracefs", TFS.index("trace") | READ | TRUNC, 0) + tracefs("trace_pipe", 0, 0),
    # zswap on (zstd, a small pool) in front of the swap device under pressure
    "zswap_swap": bytes([0x20]) + zswap("enabled", 0) + zswap("compressor", 1)
    + zswap("max_pool_percent", 5) + tracefs("events/enable", 0, 1) + POPULATE_80M
    + pop("fork") + touch(range_vma(0, 3, 64), False) + zswap_fill(range_vma(0, 0, 16), 0)
    + zswap_fill(range_vma(1, 0, 16), 2) + op("zswap", 5, 9)
    + zswap("shrinker_enabled", 1) + zswap("compressor", 0)
    + madvise(range_vma(1, 0, 64), "pageout") + op("zswap", 6, 8)
    + zswap("accept_threshold_percent", 4) + zswap("enabled", 1) + op("drop_caches", 251),
    # page_owner=on: pages of a process, its fork, both files read
    "page_owner": bytes([0x40]) + mmap(addr_win(0), len_pages(16), RW, PRIVATE | ANON | FIXED)
    + touch(W0, True) + pop("fork") + op("page_owner", 0) + op("page_owner", 1)
    + op("kill", 0) + op("page_owner", 0),
    # MOUNT/ctl lines and the drop_caches / compact_memory tunables, through cmd_run
    "ctl_lines": bytes([0x08]) + mmap(addr_null(), len_huge(1), RW, SHARED, "/big")
    + touch(range_whole_vma(0), False) + op("ctl_line", 2, 0) + op("ctl_line", 3, 0)
    + op("ctl_line", 5, 0) + op("ctl_line", 7, 0) + op("ctl_line", 7, 1) + op("ctl_line", 7, 4)
    + op("ctl_line", 4, 0) + op("ctl_line", 6, 0),
})


def model_dict():
    """records and pieces of records: ops, mmap flag and prot bytes, lengths"""
    entries = [("op_" + name, bytes([i, 0])) for i, name in enumerate(OPS)]
    entries += [
        ("mmap_anon_window", mmap(addr_win(0), len_pages(16), RW, PRIVATE | ANON | FIXED)),
        ("mmap_anon", mmap(addr_null(), len_pages(4), RW, PRIVATE | ANON)),
        ("mmap_shared_anon", mmap(addr_win(8), len_pages(8), RW, SHARED | ANON | FIXED)),
        ("mmap_file_shared", mmap(addr_win(16), len_pages(4), RW, SHARED | FIXED, "/a")),
        ("mmap_file_private", mmap(addr_null(), len_pages(4), RW, PRIVATE, "/big", 1)),
        ("mmap_huge", mmap(addr_win_huge(1), len_huge(1), RW, PRIVATE | ANON | FIXED)),
        ("mmap_locked_populate", mmap(addr_null(), len_pages(8), RW,
                                      PRIVATE | ANON | LOCKED | POPULATE)),
        ("touch_w_hot", touch(range_whole_vma(0), True)),
        ("touch_r_hot", touch(range_whole_vma(1), False)),
        ("touch_w_window", touch(W0, True)),
        ("fork", pop("fork")),
        ("killed_fork", killed_at(1, pop("fork"))),
        ("killed_touch_w", killed_at(2, touch(range_whole_vma(0), True))),
        ("kill", op("kill", 1)),
        ("sync", op("sync")),
        ("drop_caches_3", op("drop_caches", 3)),
        ("thp_always", tunable("enabled", 0)),
        ("hugepages_3", tunable("nr_hugepages", 2)),
        ("file_truncate_a", op("file_truncate", 0, 0, 10)),
        ("file_write_a", op("file_write", 0, 1, 1, u16(4096), 3)),
        ("len_16_pages", len_pages(16)),
        ("len_2M", len_huge(1)),
        ("u16_4096", u16(4096)),
        ("u16_4097", u16(4097)),
        ("prot_rw", bytes([RW])),
        ("flags_private_anon_fixed", bytes([PRIVATE | ANON | FIXED])),
        ("flags_shared_anon", bytes([SHARED | ANON])),
        ("flags_more_hugetlb", bytes([0x80 | PRIVATE | ANON, 0x04])),
        ("tracefs_all_on", tracefs("events/enable", 0, 1)),
        ("tracefs_filter", tracefs("ev_filter", 1, FILTER_FIELD_EQ)),
        ("tracefs_pipe", tracefs("trace_pipe", 0, 3)),
        ("zswap_on", zswap("enabled", 0)),
        ("page_owner_read", op("page_owner", 0)),
        ("ctl_drop_caches_3", op("ctl_line", 3, 0)),
    ]
    entries += [("madvise_" + a, madvise(range_whole_vma(0), a)) for a in ADVICE]
    lines = ["# fuzz_model.dict - pieces of fuzz_model inputs (libFuzzer -dict),",
             "# written by gen-corpus.py: one record per op with zero arguments,",
             "# whole records that map, touch and advise, flag bytes and lengths."]
    for name, data in entries:
        lines.append(name + "=" + dict_entry(data.decode("latin-1")))
    return "\n".join(lines) + "\n"


def write_all(outdir):
    for name, text in (("fuzz_parse.dict", parse_dict()), ("fuzz_model.dict", model_dict())):
        with open(os.path.join(outdir, name), "w") as f:
            f.write(text)
    for target, seeds in (("fuzz_parse", PARSE_SEEDS), ("fuzz_model", MODEL_SEEDS)):
        d = os.path.join(outdir, "corpus", target)
        os.makedirs(d, exist_ok=True)
        for name in os.listdir(d):
            os.unlink(os.path.join(d, name))
        for name, data in seeds.items():
            if isinstance(data, str):
                data = data.encode("latin-1")
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print(f"{d}: {len(seeds)} seeds")


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    write_all(sys.argv[1] if len(sys.argv) > 1 else here)
