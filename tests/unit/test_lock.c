/*
 * test_lock.c - the lock-order checker: taking locks in rank order works,
 * out of order aborts (in debug builds), nesting must be declared.
 */
#include <check.h>
#include <signal.h>
#include <stdlib.h>

#include "vm.h"

#include "harness.h"

static struct vm_lock outer, inner, inner2;

static void setup(void)
{
	vm_lock_init(&outer, LOCK_I_MMAP);
	vm_lock_init(&inner, LOCK_PTE);
	vm_lock_init(&inner2, LOCK_PTE);
}

START_TEST(in_order_is_fine)
{
	setup();
	vm_lock(&outer);
	vm_lock(&inner);
	ck_assert(lockdep_held(&inner));
	vm_unlock(&inner);
	vm_unlock(&outer);
	ck_assert(!lockdep_held(&outer));
}
END_TEST

START_TEST(inversion_aborts)
{
	setup();
	vm_lock(&inner);
	vm_lock(&outer); /* page_table_lock, then i_mmap_lock: wrong */
}
END_TEST

START_TEST(same_rank_needs_nested)
{
	setup();
	vm_lock(&inner);
	vm_lock(&inner2);
}
END_TEST

START_TEST(nested_same_rank_is_fine)
{
	setup();
	vm_lock(&inner);
	vm_lock_nested(&inner2);
	vm_unlock(&inner2);
	vm_unlock(&inner);
}
END_TEST

START_TEST(trylock_may_go_against_order)
{
	setup();
	vm_lock(&inner);
	ck_assert(vm_trylock(&outer)); /* backs off instead of deadlocking */
	vm_unlock(&outer);
	vm_unlock(&inner);
}
END_TEST

START_TEST(releasing_unheld_aborts)
{
	setup();
	lockdep_release(LOCK_PTE, &inner);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lock");
	TCase *tc = tcase_create("lockdep");

	tcase_add_test(tc, in_order_is_fine);
	tcase_add_test(tc, nested_same_rank_is_fine);
	tcase_add_test(tc, trylock_may_go_against_order);
#if OBJVM_DEBUG
	tcase_add_test_raise_signal(tc, inversion_aborts, SIGABRT);
	tcase_add_test_raise_signal(tc, same_rank_needs_nested, SIGABRT);
	tcase_add_test_raise_signal(tc, releasing_unheld_aborts, SIGABRT);
#endif
	suite_add_tcase(s, tc);
	return run_suite(s);
}
