/*
 * examples/embed.c - libobjvm embedded in a program.
 *
 * A machine, two tasks and one file: task A maps the file shared and
 * forks B, which inherits the mapping; a store by one is seen by the
 * other through the page cache.  A truncate then removes the pages past
 * the new end of file from both address spaces, and the counters say
 * what that cost.
 *
 * Build it against an installed libobjvm:
 *
 *   cc -o embed embed.c $(pkg-config --cflags --libs objvm)
 *   cc -o embed embed.c $(pkg-config --static --cflags --libs objvm) -static
 */
#include <objvm.h>
#include <stdio.h>
#include <string.h>

#define PAGE OBJVM_PAGE_SIZE

/* Every call returns 0 (or a count) or a negative errno. */
static int must(int rc, const char *what)
{
	if (rc < 0)
		fprintf(stderr, "embed: %s: %s\n", what, objvm_errname(rc));
	return rc;
}

static void print_counter(struct objvm *vm, const char *name)
{
	uint64_t v = 0;
	size_t i;

	objvm_stat_get(vm, name, &v);
	for (i = 0; i < objvm_stat_count(); i++)
		if (strcmp(objvm_stat_name(i), name) == 0)
			printf("  %-16s %4llu  %s\n", name,
			       (unsigned long long)v, objvm_stat_help(i));
}

int main(void)
{
	struct objvm_config config = {
		.mem_bytes = 16 << 20,          /* 16 MiB of simulated RAM */
		.check = OBJVM_CHECK_EACH_CALL, /* verify every invariant */
	};
	struct objvm_cred root = {0};
	struct objvm_task *a, *b;
	struct objvm *vm;
	char buf[16] = "";
	uint64_t win;
	int fd, rc;

	printf("libobjvm %u.%u.%u\n", objvm_version() >> 16,
	       (objvm_version() >> 8) & 0xff, objvm_version() & 0xff);
	if (must(objvm_create(&config, &vm), "objvm_create") < 0)
		return 1;

	/* Task A: a 4-page file, mapped shared. */
	if (must(objvm_spawn(vm, &root, &a), "spawn") < 0)
		return 1;
	fd = must(objvm_open(a, "/data", OBJVM_O_RDWR | OBJVM_O_CREAT), "open");
	if (fd < 0 || must(objvm_ftruncate(a, fd, 4 * PAGE), "ftruncate") < 0)
		return 1;
	if (must(objvm_mmap(a, 0, 4 * PAGE, OBJVM_PROT_READ | OBJVM_PROT_WRITE,
			    OBJVM_MAP_SHARED, fd, 0, &win),
		 "mmap") < 0)
		return 1;

	/* fork: B gets a copy of A's address space, the mapping included. */
	if (must(objvm_fork(a, &b), "fork") < 0)
		return 1;

	/* A stores through the mapping, as a CPU would; B sees it. */
	rc = objvm_store(a, win + 3 * PAGE, "hello", 6, NULL);
	objvm_load(b, win + 3 * PAGE, buf, 6, NULL);
	printf("A stored, B loads: \"%s\" (store: %d)\n", buf, rc);

	/* Truncate to one page: page 3 leaves both address spaces. */
	must(objvm_ftruncate(a, fd, PAGE), "ftruncate");
	rc = objvm_load(b, win + 3 * PAGE, buf, 1, NULL);
	printf("after the truncate, B's load: %s\n",
	       rc == OBJVM_SIGBUS ? "SIGBUS" : "no fault");

	printf("counters:\n");
	print_counter(vm, "fork_pte_copy");
	print_counter(vm, "truncate_unmap");
	print_counter(vm, "rmap_vma_visit");

	objvm_exit(b);
	objvm_task_release(b);
	objvm_exit(a);
	objvm_task_release(a);
	/* With a check level, objvm_destroy() checks the machine last. */
	return objvm_destroy(vm) == 0 && rc == OBJVM_SIGBUS ? 0 : 1;
}
