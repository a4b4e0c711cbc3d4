/*
 * harness.h - what every unit test program shares: run one suite and turn
 * its result into the exit status tests/run reads.
 */
#ifndef OBJVM_TEST_HARNESS_H
#define OBJVM_TEST_HARNESS_H

#include <check.h>

/* Runs @s (taking ownership), prints Check's summary, returns the exit
 * status for main(). */
int run_suite(Suite *s);

/* A suite of one test case named after it, for the common case. */
Suite *suite_of(const char *name, TCase *tc);

#endif /* OBJVM_TEST_HARNESS_H */
