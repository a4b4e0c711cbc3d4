/*
 * sysctl.c - the machine's tunables, by name, as /proc/sys/vm has them.
 *
 * Models: kernel/sysctl.c vm_table (2.6.11).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "rmap/rmap.h"

static const char *const nonlinear_names[] = {"pageable", "emulated", "pinned"};
static const char *const rmap_names[] = {"objrmap", "objrmap-list", "ptechain"};

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * Only the first @n_built of @names are built yet; the others are known
 * names that answer -EINVAL until their policy exists.
 */
static int parse_name(const char *s, const char *const *names, int n_built)
{
	int i;

	for (i = 0; i < n_built; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -EINVAL;
}

int sysctl_set(struct objvm *vm, const char *name, const char *value)
{
	long v;
	int i;

	if (strcmp(name, "vm.max_map_count") == 0) {
		if (parse_long(value, 0, 2147483647L, &v))
			return -EINVAL;
		atomic_store(&vm->sysctl.max_map_count, v);
	} else if (strcmp(name, "vm.swappiness") == 0) {
		if (parse_long(value, 0, 200, &v))
			return -EINVAL;
		atomic_store(&vm->sysctl.swappiness, (int)v);
	} else if (strcmp(name, "vm.nonlinear_unprivileged") == 0) {
		if (parse_long(value, 0, 1, &v))
			return -EINVAL;
		atomic_store(&vm->sysctl.nonlinear_unprivileged, (int)v);
	} else if (strcmp(name, "vm.nonlinear") == 0) {
		i = parse_name(value, nonlinear_names, 1);
		if (i < 0)
			return i;
		atomic_store(&vm->sysctl.nonlinear, i);
	} else if (strcmp(name, "vm.rmap") == 0) {
		i = parse_name(value, rmap_names, 3);
		if (i < 0)
			return i;
		/* The scheme is fixed once a task exists. */
		if (atomic_load(&vm->nr_live_tasks) > 0)
			return -EBUSY;
		atomic_store(&vm->sysctl.rmap, i);
		vm->rmap = rmap_policy_of(i);
	} else if (strcmp(name, "vm.nr_hugepages") == 0) {
		if (parse_long(value, 0, 1L << 30, &v))
			return -EINVAL;
		atomic_store(&vm->sysctl.nr_hugepages, v);
	} else if (strcmp(name, "vm.mmap_min_addr") == 0) {
		if (parse_long(value, 0, (long)TASK_SIZE, &v))
			return -EINVAL;
		atomic_store(&vm->sysctl.mmap_min_addr, (uint64_t)v);
	} else {
		return -ENOENT;
	}
	return 0;
}

int sysctl_get(struct objvm *vm, const char *name, char *buf, size_t len)
{
	int n;

	if (strcmp(name, "vm.max_map_count") == 0)
		n = snprintf(buf, len, "%ld",
			     (long)atomic_load(&vm->sysctl.max_map_count));
	else if (strcmp(name, "vm.swappiness") == 0)
		n = snprintf(buf, len, "%d",
			     atomic_load(&vm->sysctl.swappiness));
	else if (strcmp(name, "vm.nonlinear_unprivileged") == 0)
		n = snprintf(buf, len, "%d",
			     atomic_load(&vm->sysctl.nonlinear_unprivileged));
	else if (strcmp(name, "vm.nonlinear") == 0)
		n = snprintf(
			buf, len, "%s",
			nonlinear_names[atomic_load(&vm->sysctl.nonlinear)]);
	else if (strcmp(name, "vm.rmap") == 0)
		n = snprintf(buf, len, "%s",
			     rmap_names[atomic_load(&vm->sysctl.rmap)]);
	else if (strcmp(name, "vm.nr_hugepages") == 0)
		n = snprintf(buf, len, "%ld",
			     (long)atomic_load(&vm->sysctl.nr_hugepages));
	else if (strcmp(name, "vm.mmap_min_addr") == 0)
		n = snprintf(buf, len, "%llu",
			     (unsigned long long)atomic_load(
				     &vm->sysctl.mmap_min_addr));
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= len ? -ERANGE : 0;
}
