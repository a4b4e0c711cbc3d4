/*
 * test_stats.c - the per-thread counter blocks: one per host thread per
 * machine, however the thread moves between machines.
 *
 * A thread that alternates between two machines must keep using the block
 * it got first on each (and be counted once by each: nr_threads decides
 * whether a TLB flush pays for a membarrier), and the counters must still
 * add up.
 */
#include <check.h>
#include <pthread.h>

#include "objvm.h"
#include "machine.h"

#include "harness.h"

static int nr_blocks(struct objvm *vm)
{
	struct list_head *pos;
	int n = 0;

	list_for_each(pos, &vm->stats_blocks)
		n++;
	return n;
}

#define ROUNDS 20000

START_TEST(alternating_between_machines)
{
	struct objvm_config cfg = {.mem_bytes = 1 << 20};
	struct objvm *a, *b;
	unsigned int i;

	ck_assert_int_eq(objvm_create(&cfg, &a), 0);
	ck_assert_int_eq(objvm_create(&cfg, &b), 0);
	for (i = 0; i < ROUNDS; i++) {
		count_event(a, vma_split);
		count_event(b, vma_merge);
	}
	ck_assert_int_eq(nr_blocks(a), 1);
	ck_assert_int_eq(nr_blocks(b), 1);
	ck_assert_int_eq(atomic_load(&a->nr_threads), 1);
	ck_assert_int_eq(atomic_load(&b->nr_threads), 1);
	ck_assert_uint_eq(vm_stat_sum(a, STAT_vma_split), ROUNDS);
	ck_assert_uint_eq(vm_stat_sum(b, STAT_vma_merge), ROUNDS);
	ck_assert_uint_eq(vm_stat_sum(a, STAT_vma_merge), 0);
	ck_assert_int_eq(objvm_destroy(a), 0);
	ck_assert_int_eq(objvm_destroy(b), 0);
}
END_TEST

/* Many machines in turn: still one block each. */
START_TEST(round_robin_over_many_machines)
{
	struct objvm_config cfg = {.mem_bytes = 1 << 20};
	struct objvm *vm[9];
	unsigned int i, r;

	for (i = 0; i < 9; i++)
		ck_assert_int_eq(objvm_create(&cfg, &vm[i]), 0);
	for (r = 0; r < 1000; r++)
		for (i = 0; i < 9; i++)
			count_event(vm[i], pte_set);
	for (i = 0; i < 9; i++) {
		ck_assert_int_eq(nr_blocks(vm[i]), 1);
		ck_assert_int_eq(atomic_load(&vm[i]->nr_threads), 1);
		ck_assert_uint_eq(vm_stat_sum(vm[i], STAT_pte_set), 1000);
		ck_assert_int_eq(objvm_destroy(vm[i]), 0);
	}
}
END_TEST

static void *count_on(void *arg)
{
	count_event((struct objvm *)arg, pte_set);
	return NULL;
}

/* Each other thread gets a block of its own and is counted. */
START_TEST(other_threads_get_their_own)
{
	struct objvm_config cfg = {.mem_bytes = 1 << 20};
	struct objvm *vm;
	pthread_t t;
	int i;

	ck_assert_int_eq(objvm_create(&cfg, &vm), 0);
	count_event(vm, pte_set);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(pthread_create(&t, NULL, count_on, vm), 0);
		pthread_join(t, NULL);
	}
	ck_assert_int_eq(nr_blocks(vm), 4);
	ck_assert_int_eq(atomic_load(&vm->nr_threads), 4);
	ck_assert_uint_eq(vm_stat_sum(vm, STAT_pte_set), 4);
	ck_assert_int_eq(objvm_destroy(vm), 0);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("blocks");

	tcase_add_test(tc, alternating_between_machines);
	tcase_add_test(tc, round_robin_over_many_machines);
	tcase_add_test(tc, other_threads_get_their_own);
	return run_suite(suite_of("stats", tc));
}
