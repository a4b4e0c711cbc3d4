/*
 * test_names.c - the CLI's name tables (tools/objvm/tasks.c): tasks,
 * descriptor names and mapping names are found by name, rebinding keeps
 * one entry, fork copies the names, and a lookup costs about the same
 * with 30,000 names as with 1,000 (the tables are hashed).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../tools/objvm/result.c"
#include "../../tools/objvm/tasks.c"

#include "harness.h"

#define MANY 30000

static char *names[MANY];

static void make_names(void)
{
	char buf[32];
	int i;

	for (i = 0; i < MANY; i++) {
		snprintf(buf, sizeof(buf), "m%d", i);
		names[i] = strdup(buf);
	}
}

static void free_names(void)
{
	int i;

	for (i = 0; i < MANY; i++)
		free(names[i]);
}

START_TEST(bind_find_rebind)
{
	struct run_ctx ctx = {0};
	struct run_task *t, *child;
	const struct run_map *m;
	int i, fd;

	make_names();
	t = task_add(&ctx, "A", NULL);
	for (i = 0; i < 5000; i++) {
		map_bind(&ctx, t, names[i], (uint64_t)i << 12, 4096);
		fd_bind(t, names[i], i);
	}
	/* Rebinding changes the entry, adds none. */
	map_bind(&ctx, t, names[77], 0x777000, 8192);
	fd_bind(t, names[77], 7777);
	ck_assert_uint_eq(t->nr_maps, 5000);
	ck_assert_uint_eq(t->nr_fds, 5000);
	for (i = 0; i < 5000; i++) {
		m = map_find(t, names[i]);
		ck_assert_ptr_nonnull(m);
		ck_assert_str_eq(m->name, names[i]);
		ck_assert(fd_find(t, names[i]) != NULL);
	}
	ck_assert_uint_eq(map_find(t, "m77")->start, 0x777000);
	ck_assert_int_eq(fd_find(t, "m77")->fd, 7777);
	ck_assert_ptr_null(map_find(t, "m5000"));
	ck_assert_ptr_null(map_find(t, "nope"));

	/* A forked child has every name, and binds its own from there. */
	child = task_add(&ctx, "B", NULL);
	task_copy_names(child, t);
	ck_assert_uint_eq(map_find(child, "m4999")->start, 4999ULL << 12);
	map_bind(&ctx, child, names[5000], 0x5000000, 4096);
	ck_assert_ptr_nonnull(map_find(child, "m5000"));
	ck_assert_ptr_null(map_find(t, "m5000"));
	ck_assert(fd_resolve(child, "m4999", &fd, NULL));
	ck_assert_int_eq(fd, 4999);

	for (i = 0; i < 40; i++)
		task_add(&ctx, names[i], NULL);
	ck_assert_ptr_eq(task_find(&ctx, "A"), t);
	ck_assert_ptr_eq(task_find(&ctx, "B"), child);
	ck_assert_str_eq(task_find(&ctx, "m39")->name, "m39");
	ck_assert_ptr_null(task_find(&ctx, "m40"));
	tasks_free(&ctx);
	free_names();
}
END_TEST

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds per lookup in a task with @n mapping names. */
static double lookup_cost(int n)
{
	struct run_ctx ctx = {0};
	struct run_task *t = task_add(&ctx, "A", NULL);
	double best = 1e9, s;
	int i, r;

	for (i = 0; i < n; i++)
		map_bind(&ctx, t, names[i], (uint64_t)i << 12, 4096);
	for (r = 0; r < 3; r++) {
		s = now();
		for (i = 0; i < 20000; i++)
			ck_assert_ptr_nonnull(
				map_find(t, names[(i * 7919) % n]));
		if (now() - s < best)
			best = now() - s;
	}
	tasks_free(&ctx);
	return best / 20000;
}

START_TEST(lookup_cost_does_not_grow)
{
	double small, big;

	make_names();
	small = lookup_cost(1000);
	big = lookup_cost(MANY);
	/* A search in order costs 30 times as much at 30,000 names. */
	ck_assert_msg(big < 6 * small + 20e-9,
		      "lookup: %.1f ns at 1000 names, %.1f ns at %d",
		      small * 1e9, big * 1e9, MANY);
	free_names();
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("tables");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, bind_find_rebind);
	tcase_add_test(tc, lookup_cost_does_not_grow);
	return run_suite(suite_of("names", tc));
}
