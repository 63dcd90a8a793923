/* SPDX-License-Identifier: MIT */
/*
 * vma.h - virtual memory areas and their per-mm store (kernel: mm_types.h,
 * mm/vma.h).
 *
 * A VMA is a half-open range [vm_start, vm_end) of one address space with
 * one set of vm_flags (MM_VM_* of snapshot.h, the kernel's bit numbers).
 *
 * Storage is an AVL tree keyed by vm_start and augmented with the largest
 * free gap of each subtree (mm/vma_tree.c), plus a doubly-linked list in
 * address order: lookup, insert, remove and gap search are O(log n),
 * neighbours O(1). Nobody outside vma.c and vma_tree.c looks inside
 * struct vma_store or the tree fields of a VMA.
 *
 * Every function here expects the machine lock held. The store owns the
 * pointers it holds only in the sense that mm_free_vmas() frees them;
 * vma_remove() unlinks and hands the VMA back to the caller.
 */
#ifndef MM_VMA_H
#define MM_VMA_H

#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"
#include "uapi.h"
#include "list.h"

/* x86-64 with 4-level page tables: the first address user space cannot map. */
#define TASK_SIZE	0x7ffffffff000ULL

/* The kernel's VM_STACK on x86 (stacks grow down). */
#define MM_VM_STACK	MM_VM_GROWSDOWN

/*
 * The file behind a file-backed VMA: enough to print the maps line. Shared
 * by reference (every VMA of one mapped file holds one); the next issue
 * turns it into the page-cache inode of a real file under MOUNT/files/.
 */
struct address_space;

struct file_ref {
	int refcount;			/* VMAs (and other holders) pointing here */
	uint32_t dev_major, dev_minor;	/* device of the file system */
	uint64_t ino;			/* inode number shown in maps */
	char path[MM_SNAP_PATH_MAX];	/* absolute path, as seq_path prints it */
	int is_dir;			/* a directory (mmap of it: ENODEV) */
	unsigned mode;			/* permission bits of the inode */
	uint64_t host_dev, host_ino;	/* file.c: the backing file's identity on the host */
	struct file_ref *inode;		/* file.c: the inode an open file is of, or NULL */
	struct address_space *mapping;	/* filemap.c: the page cache of an inode or shmem object */
	uint64_t shmem_size;		/* shmem object (shared anon): its size in bytes */
	int host_fd;			/* filemap.c: the backing file, opened on first read; -1 */
	/* readahead.c: this open's readahead state (kernel: struct file_ra_state) */
	uint64_t ra_start, ra_size, ra_async_size;	/* pages */
	uint32_t ra_order;		/* the folio order readahead last used */
	uint32_t ra_mmap_miss;
	struct file_ref *hash_next;	/* file.c: the per-machine inode table */
	struct file_ref *table_next;	/* file.c: the next inode the model met after this one */
	struct machine *owner;		/* file.c: the machine whose table holds it */
	uint64_t shmem_pages;		/* shared anon object: pages charged to Committed_AS */
	struct hugetlb_file *hugetlb;	/* hugetlb.c: a MAP_HUGETLB mapping's file, or NULL */
	struct list_head i_mmap;	/* rmap_walk.c: an inode's VMAs; next NULL until the first */
	struct shmid_kernel *shm;	/* shm.c: a shmat's attach file: its segment (a reference) */
	int tmpfs;			/* shmem_file.c: TMPFS_INODE, TMPFS_ORPHAN (unlinked, held), or 0 */
	/* mempolicy_shared.c: a shmem object's shared policy ranges (kernel: shmem_inode_info.policy) */
	struct sp_node *sp_root;	/* sorted by start, disjoint; NULL: none */
	struct list_head sp_link;	/* on m->shared_policies while sp_root; next NULL when not */
	int unevictable;		/* shm.c: SHM_LOCK'd (AS_UNEVICTABLE): reclaim keeps its pages */
	/*
	 * slab.h: an open file's filp object; an inode table entry's in-core
	 * inode (slub_shrink.c: its dentry, the open files of it, its LRUs)
	 */
	uint32_t slab, dentry_slab;
	uint32_t shm_sfd;		/* shm.c: an attach's shm_file_data (kmalloc-32); slab its filp */
	int i_count;			/* inode: open files of it */
	unsigned i_state;		/* inode: I_CACHED, D_CACHED ... (slab.h) */
	struct list_head d_lru, i_lru;	/* on the machine's dentry / inode LRU; next NULL when not */
};

/* file_refs allocated and not yet freed, all machines together (for leak tests) */
extern long file_refs_live;
struct file_ref *file_ref_new(const char *path, uint32_t major, uint32_t minor, uint64_t ino);
struct file_ref *file_ref_get(struct file_ref *f);
void file_ref_put(struct file_ref *f);
/* Free the memory of f alone, whatever its count (file_ref_put's last step). */
void file_ref_free(struct file_ref *f);

/* Mappings whose name comes from their vm_ops (kernel: special mappings). */
enum vma_special {
	VMA_SPECIAL_NONE,
	VMA_SPECIAL_VVAR,		/* "[vvar]" */
	VMA_SPECIAL_VVAR_VCLOCK,	/* "[vvar_vclock]" */
	VMA_SPECIAL_VDSO,		/* "[vdso]" */
};

struct vm_area_struct {
	uint64_t vm_start;		/* bytes, page-aligned, inclusive */
	uint64_t vm_end;		/* bytes, page-aligned, exclusive */
	uint64_t vm_flags;		/* MM_VM_*; change through vma_set_flags() once linked */
	uint64_t vm_pgoff;		/* pages: file offset, or vm_start >> 12 for anon */
	struct file_ref *vm_file;	/* one reference held, or NULL (anon/special) */
	uint64_t anon_vma;		/* id of the anon_vma, 0 = none yet */
	/* rmap_avc.c: Linux's anon_vma and chains, for their slab objects */
	struct anon_vma_node *av;	/* Linux's vma->anon_vma, chained by avc_slab */
	struct avc_ext *avc_more;	/* a fork child's other chains; NULL: singular */
	/* rmap_walk.c: who maps what */
	struct mm_struct *vm_mm;	/* the mm it is linked into, NULL while unlinked */
	uint32_t slab, avc_slab;	/* slab.h: its vm_area_struct and own anon_vma_chain objects */
	struct list_head anon_link;	/* on its anon_vma's list; next NULL when not */
	struct list_head mmap_link;	/* on its file's inode's i_mmap; next NULL when not */
	/*
	 * swap_state.c: swap readahead's state, packed as Linux packs
	 * swap_readahead_info: the last fault's page address, the last window
	 * (bits 6-11) and the readahead hits since (bits 0-5); 0 reads as 4 hits
	 */
	uint64_t swap_ra;
	struct mempolicy *vm_policy;	/* mempolicy.h: mbind's policy, one reference; NULL = the task's */
	/*
	 * slab.h: the numa_policy object Linux's VMA owns for vm_policy (each
	 * VMA its own copy, vma_dup_policy), held while linked (pol_held)
	 */
	uint32_t pol_slab;
	uint8_t pol_held;
	/* hugetlb.c: a shared hugetlb VMA's struct hugetlb_vma_lock (kmalloc-64), held while linked */
	uint8_t hlock_held;
	uint32_t hlock_slab;

	/* vma_tree.c only: AVL links and the gap augmentation */
	struct vm_area_struct *vt_left, *vt_right, *vt_parent;
	struct vm_area_struct *vm_prev, *vm_next;	/* address order */
	int vt_height;
	enum vma_special special;	/* here, in vt_height's padding: 192 bytes a VMA */
	uint64_t vt_gap;		/* vm_start_gap(this) - vm_end(prev), from 0 for the first */
	uint64_t vt_subtree_gap;	/* max vt_gap over this subtree */
};

struct vma_store {
	struct vm_area_struct *root;	/* AVL tree by vm_start */
	struct vm_area_struct *first, *last;
	size_t nr;
};

/* The gap Linux keeps below a stack (stack_guard_gap, 256 pages). */
#define STACK_GUARD_GAP (256ULL << MM_PAGE_SHIFT)

struct mm_struct;
struct rbuf_lite;

/* Allocate a zeroed VMA / free one that is not linked (drops vm_file). */
struct vm_area_struct *vm_area_alloc(void);
void vm_area_free(struct vm_area_struct *vma);
/* Give a linked VMA policy pol (a reference taken), its numa_policy object with it. */
void vma_replace_policy(struct mm_struct *mm, struct vm_area_struct *vma, struct mempolicy *pol);

/* The first VMA with vm_end > addr, or NULL (kernel: find_vma). */
struct vm_area_struct *vma_find(struct mm_struct *mm, uint64_t addr);
/* The VMA containing addr, or NULL (kernel: vma_lookup). */
struct vm_area_struct *vma_lookup(struct mm_struct *mm, uint64_t addr);

/*
 * Link vma into mm and account it (map_count, total_vm, data/exec/stack_vm,
 * locked_vm). 0, -EINVAL if the range is empty, unaligned or beyond
 * TASK_SIZE, -EEXIST if it overlaps a linked VMA, -ENOMEM.
 */
int vma_insert(struct mm_struct *mm, struct vm_area_struct *vma);
/* Unlink a linked vma and unaccount it; the caller frees or reuses it. */
void vma_remove(struct mm_struct *mm, struct vm_area_struct *vma);
/* Change the flags of a linked vma, keeping the counters exact. */
void vma_set_flags(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t flags);
/* Unlink and free every VMA (exit_mmap). */
void mm_free_vmas(struct mm_struct *mm);

/* How many VMAs are linked (mm->map_count). */
size_t vma_count(const struct mm_struct *mm);
/* Σ pages of VM_ACCOUNT VMAs: what the mm holds in vm_committed_as. O(n). */
uint64_t vma_accounted_pages(struct mm_struct *mm);

/*
 * Address-order iteration from the first VMA ending above addr:
 *
 *	VMA_ITERATOR(vmi, mm, 0);
 *	for_each_vma(vmi, vma) ...
 *
 * Linking or unlinking invalidates an iterator.
 */
struct vma_iterator {
	struct mm_struct *mm;
	struct vm_area_struct *next;	/* private to vma.c */
};
/*
 * validate_mm: append one line per broken invariant of mm (labelled with
 * pid) to out and return how many: VMAs sorted, disjoint, non-empty,
 * page-aligned, below TASK_SIZE; map_count and every counter equal to
 * their recomputation from the VMAs.
 */
int vma_check(struct mm_struct *mm, int pid, struct rbuf_lite *out);

void vma_iter_init(struct vma_iterator *vmi, struct mm_struct *mm, uint64_t addr);

/* Neighbours of a linked VMA in address order, or NULL. O(1). */
static inline struct vm_area_struct *vma_prev_of(const struct vm_area_struct *vma) { return vma->vm_prev; }
static inline struct vm_area_struct *vma_next_of(const struct vm_area_struct *vma) { return vma->vm_next; }
/* The first / last VMA of mm, or NULL. */
struct vm_area_struct *vma_first(struct mm_struct *mm);
struct vm_area_struct *vma_last(struct mm_struct *mm);

/*
 * Move the bounds of a linked VMA in place (split, merge, grow, shrink):
 * [start, end) must stay page-aligned, non-empty and clear of its
 * neighbours. pgoff is the new vm_pgoff. Counters and the tree follow.
 */
void vma_adjust(struct mm_struct *mm, struct vm_area_struct *vma,
		uint64_t start, uint64_t end, uint64_t pgoff);

/* A stack's lowest reachable address, guard gap included (x86: no growsup). */
static inline uint64_t vm_start_gap(const struct vm_area_struct *vma)
{
	uint64_t start = vma->vm_start;

	if (vma->vm_flags & MM_VM_GROWSDOWN) {
		start -= STACK_GUARD_GAP;
		if (start > vma->vm_start)
			start = 0;
	}
	return start;
}
static inline uint64_t vm_end_gap(const struct vm_area_struct *vma) { return vma->vm_end; }

/*
 * Gap search (kernel: vm_unmapped_area). Finds [addr, addr + length) free
 * of every VMA and its guard gap, with low_limit <= addr,
 * addr + length <= high_limit and (addr - align_offset) & align_mask == 0:
 * the highest such addr with VM_UNMAPPED_AREA_TOPDOWN, else the lowest.
 * Returns 0 and *addr, or -ENOMEM. O(log n).
 */
#define VM_UNMAPPED_AREA_TOPDOWN 1
struct vm_unmapped_area_info {
	unsigned flags;
	uint64_t length;
	uint64_t low_limit, high_limit;
	uint64_t align_mask, align_offset;
};
int vm_unmapped_area(struct mm_struct *mm, const struct vm_unmapped_area_info *info, uint64_t *addr);

/* vma_tree.c: the tree under vma.c (callers use the functions above) */
struct vm_area_struct *vt_find(struct vma_store *s, uint64_t addr);
void vt_insert(struct vma_store *s, struct vm_area_struct *vma);
void vt_erase(struct vma_store *s, struct vm_area_struct *vma);
void vt_update_gaps(struct vma_store *s, struct vm_area_struct *vma);
int vt_check(struct vma_store *s, char *why, size_t whylen);
struct vm_area_struct *vma_next(struct vma_iterator *vmi);

#define VMA_ITERATOR(name, mm_, addr) \
	struct vma_iterator name; vma_iter_init(&name, mm_, addr)
#define for_each_vma(vmi, vma) while (((vma) = vma_next(&(vmi))) != NULL)

static inline uint64_t vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> MM_PAGE_SHIFT;
}

/* The file (or anonymous) page index that addr of vma maps (kernel: linear_page_index). */
static inline uint64_t linear_page_index(const struct vm_area_struct *vma, uint64_t addr)
{
	return vma->vm_pgoff + ((addr - vma->vm_start) >> MM_PAGE_SHIFT);
}

/* Anonymous in the kernel's sense: no file and no special vm_ops. */
static inline int vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_file && vma->special == VMA_SPECIAL_NONE;
}

/* Which mm counters a VMA of these flags adds to (kernel: vm_stat_account). */
static inline int is_data_mapping(uint64_t flags)
{
	return (flags & (MM_VM_WRITE | MM_VM_SHARED | MM_VM_STACK)) == MM_VM_WRITE;
}
static inline int is_exec_mapping(uint64_t flags)
{
	return (flags & (MM_VM_EXEC | MM_VM_WRITE | MM_VM_STACK)) == MM_VM_EXEC;
}
static inline int is_stack_mapping(uint64_t flags)
{
	return (flags & MM_VM_STACK) == MM_VM_STACK;
}

#endif
