/*
 * tools/objvm/gen.h - random valid scenarios for `objvm diff` (gen.c).
 *
 * gen_scenario() writes a scenario from a seed with its own PRNG
 * (splitmix64), so the same seed and options give the same text on every
 * machine.  Every command it writes is one the kernel oracle runs, and no
 * result depends on what varies between kernels or filesystems (see
 * docs/oracle.md, "What gen avoids").
 *
 * Commands come from one table of generators (gen.c); a generator whose
 * command objvm does not implement yet (remap_file_pages, hugetlbfs,
 * reclaim) is enabled only once a probe of the library finds it working,
 * or when --with= names it.
 */
#ifndef OBJVM_TOOLS_GEN_H
#define OBJVM_TOOLS_GEN_H

#include <stdint.h>

/* Capabilities that join the generator when objvm has them. */
#define GEN_F_REMAP   (1u << 0) /* remap_file_pages */
#define GEN_F_HUGETLB (1u << 1) /* MAP_HUGETLB, /hugetlbfs/ files */
#define GEN_F_RECLAIM (1u << 2) /* reclaim under memory pressure */

/* The most tasks a scenario starts with (--tasks). */
#define GEN_MAX_TASKS 4

struct gen_opts {
	uint64_t seed;
	unsigned int ops;      /* task commands after the set-up; default 60 */
	unsigned int tasks;    /* tasks spawned at the start; default 2 */
	unsigned int features; /* GEN_F_*: what objvm implements */
};

/* gen_defaults - the default options, with the features objvm has. */
void gen_defaults(struct gen_opts *opts);

/* gen_probe - the GEN_F_* capabilities the linked libobjvm implements. */
unsigned int gen_probe(void);

/* gen_scenario - the scenario text for @opts (malloc'd, NUL-terminated). */
char *gen_scenario(const struct gen_opts *opts);

#endif /* OBJVM_TOOLS_GEN_H */
