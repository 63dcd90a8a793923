// SPDX-License-Identifier: MIT
/*
 * slub_sysfs.c - the writable attributes of sys/kernel/slab/CACHE/
 * (kernel: mm/slub.c shrink_store, validate_store).
 *
 * fs/ writes them as the tunable "slab/CACHE/ATTR" (mm_tunable_write), so
 * the journal records and replays them like any tunable: a shrink frees
 * slab pages, a state change the replay must repeat.
 *
 *   shrink    "1..." (only the first byte counts, as in Linux: "10" and
 *             "1\n" shrink too) runs kmem_cache_shrink; anything else is
 *             EINVAL. Reading it gives nothing.
 *   validate  Linux validates only a cache with debugging on
 *             (kmem_cache_debug: slub_debug's sanity checks, red zones,
 *             poison, store_user); without it every write is EINVAL, as
 *             on the host (6.18, no slub_debug). No cache of the model is
 *             debugged (sysfs sanity_checks 0), so it is EINVAL always;
 *             the model's consistency check is `check` (slub_check.c).
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "slab.h"

int slab_sysfs_write(struct machine *m, const char *path, const char *buf, size_t len)
{
	const char *slash = strchr(path, '/');
	int id;

	if (!slash)
		return -ENOENT;
	/* a cache's name, or the name merged into it (its sysfs alias directory) */
	for (id = 0; id < NR_KMEM_CACHES; id++)
		if ((strlen(kmem_cache_info[id].name) == (size_t)(slash - path) &&
		     !strncmp(kmem_cache_info[id].name, path, (size_t)(slash - path))) ||
		    (kmem_cache_info[id].alias &&
		     strlen(kmem_cache_info[id].alias) == (size_t)(slash - path) &&
		     !strncmp(kmem_cache_info[id].alias, path, (size_t)(slash - path))))
			break;
	if (id == NR_KMEM_CACHES)
		return -ENOENT;
	if (!strcmp(slash + 1, "validate"))
		return -EINVAL;	/* kmem_cache_debug(s) is false for every cache */
	if (strcmp(slash + 1, "shrink"))
		return -EACCES;	/* the read-only attributes */
	if (!len || buf[0] != '1')
		return -EINVAL;
	machine_lock(m);
	kmem_cache_shrink(m, (enum kmem_cache_id)id);
	machine_unlock(m);
	return 0;
}
