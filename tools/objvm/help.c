/*
 * tools/objvm/help.c - `objvm help COMMAND`: every form, option and value
 * of a scenario command, with an example; the counters and their
 * meanings (`objvm help stats`); the options of each subcommand.
 *
 * The usage line and the one-line summary of a scenario command come from
 * the verb table (scenario.h); the counters' names and sentences from
 * libobjvm (objvm_stat_name(), objvm_stat_help(): src/vm.h VM_STAT_LIST).
 * Only the longer text lives here.  docs/scenario-language.md is the full
 * reference.
 */
#include <stdio.h>
#include <string.h>

#include "run.h"

struct verb_help {
	const char *details; /* lines, each ending in \n */
	const char *example;
};

static const struct verb_help verb_help[SCN_NR_VERBS] = {
	[SCN_MACHINE] = {
		"  mem=SIZE        simulated RAM (default 64M; 64K..64G, a "
		"multiple of 4K)\n"
		"  swap=SIZE       swap area, outside mem (default 0)\n"
		"  hugepages=N     huge page pool (default 0)\n"
		"  backing=memory  files live inside objvm (the default)\n"
		"  backing=host:DIR  each file is a real file under DIR\n"
		"  seed=N          seed of every random choice (default 0)\n"
		"  kswapd=on|off   the background reclaimer (default off: "
		"deterministic runs)\n"
		"  swapfile=PATH   swap in this host file, under --host-dir "
		"(default: in memory)\n"
		"  Result: ok, or the errno of creating the machine.\n",
		"machine mem=4M swap=16M"},
	[SCN_SYSCTL] = {
		"  vm.nonlinear        pageable, emulated, pinned\n"
		"  vm.nonlinear_unprivileged  0 or 1\n"
		"  vm.rmap             objrmap, objrmap-list, ptechain\n"
		"  vm.max_map_count    the most VMAs in one address space "
		"(65530)\n"
		"  vm.nr_hugepages     the huge page pool\n"
		"  vm.swappiness       0..200 (60)\n"
		"  vm.mmap_min_addr    the lowest address mmap may use (65536)\n"
		"  NAME=VALUE: ok, -EINVAL (bad value), -ENOENT (unknown name), "
		"-EBUSY.\n"
		"  NAME: the current value.\n",
		"sysctl vm.max_map_count=100"},
	[SCN_SPAWN] = {
		"  uid=N           the task's uid (default 0: every "
		"capability)\n"
		"  cap=ipc_lock    CAP_IPC_LOCK for a task with another uid\n"
		"  Result: ok.\n",
		"spawn B uid=1000 cap=ipc_lock"},
	[SCN_CHECK] = {
		"  Runs the invariant checker over the whole machine.\n"
		"  Result: ok, or FAIL and the rule and object that broke.\n",
		"check => ok"},
	[SCN_RECLAIM] = {
		"  Result: the number of pages reclaimed.\n",
		"reclaim 64"},
	[SCN_DROP_CACHES] = {
		"  As writing 1 to /proc/sys/vm/drop_caches. Result: ok.\n",
		"drop_caches"},
	[SCN_STATS] = {
		"  Without NAME, every counter; an unknown NAME is a syntax "
		"error.\n"
		"  Result: name=value separated by spaces.\n",
		"stats truncate_unmap rmap_vma_visit"},
	[SCN_OPEN] = {
		"  PATH starts with '/'; parent directories need not exist.\n"
		"  rdonly|wronly|rdwr  the access mode (exactly one)\n"
		"  creat  trunc  excl  as O_CREAT, O_TRUNC, O_EXCL\n"
		"  Result: ok (F is bound), or an errno.\n",
		"A: open F /db/table rdwr creat"},
	[SCN_CLOSE] = {"  Result: ok or -EBADF. F stays bound to the old "
		       "number.\n",
		       "A: close F"},
	[SCN_UNLINK] = {"  Result: ok or -ENOENT; an open or mapped file "
			"lives on.\n",
			"A: unlink /db/table"},
	[SCN_FTRUNCATE] = {"  Shrinking unmaps the pages past the new end "
			   "from every task.\n"
			   "  Result: ok or an errno.\n",
			   "A: ftruncate F 8p"},
	[SCN_WRITE] = {
		"  DATA: \"string\", fill(B,N) (N bytes of B, 0..255), or\n"
		"  pattern(N): the 64-bit word at file offset o holds o (N, OFF "
		"multiples of 8).\n"
		"  Result: the bytes written, or an errno. N is at most 1G.\n",
		"A: write F 0 pattern(64K)"},
	[SCN_READ] = {
		"  as=str   the bytes, quoted (default up to 256 bytes)\n"
		"  as=u64   LEN 1..8 bytes as a little-endian number, 0x...\n"
		"  as=sum   fnv1a64:0x... (default above 256 bytes)\n"
		"  Result: the bytes (short at EOF), or an errno.\n",
		"A: read F 4p 8 as=u64"},
	[SCN_FSYNC] = {"  Result: ok or an errno.\n", "A: fsync F"},
	[SCN_FSTAT] = {"  Result: size=N.\n", "A: fstat F"},
	[SCN_MMAP] = {
		"  PROT   none r w x rw rx wx rwx\n"
		"  FLAGS  a comma list: shared or private (exactly one), anon,\n"
		"         fixed, fixed_noreplace, populate, nonblock, locked,\n"
		"         noreserve, hugetlb, nonlinear (vm.nonlinear=pinned)\n"
		"  F [OFF]  the descriptor and file offset (anon takes none)\n"
		"  at=ADDR  the address hint (the address, with fixed)\n"
		"  Result: ok (M is bound to the start and LEN), or an errno.\n",
		"A: mmap W 16p rw shared F 4p"},
	[SCN_MUNMAP] = {"  Result: ok or an errno.\n", "A: munmap W+2p 1p"},
	[SCN_MPROTECT] = {"  PROT: none r w x rw rx wx rwx. Result: ok or an "
			  "errno.\n",
			  "A: mprotect W 4p r"},
	[SCN_MREMAP] = {
		"  Remaps the range M was last bound with.\n"
		"  maymove     may move it (MREMAP_MAYMOVE)\n"
		"  fixed=ADDR  move it there (MREMAP_FIXED)\n"
		"  Result: ok (M is rebound), or an errno.\n",
		"A: mremap W 32p maymove"},
	[SCN_MSYNC] = {"  sync, async, invalidate; a comma list is an "
		       "extension.\n"
		       "  Result: ok or an errno.\n",
		       "A: msync W 16p sync"},
	[SCN_MADVISE] = {"  Result: ok or an errno.\n",
			 "A: madvise W 4p dontneed"},
	[SCN_MLOCK] = {"  Result: ok or an errno.\n", "A: mlock W 16p"},
	[SCN_MUNLOCK] = {"  Result: ok or an errno.\n", "A: munlock W 16p"},
	[SCN_MINCORE] = {"  Result: one 0 or 1 per page, or an errno.\n",
			 "A: mincore W 4p => 1100"},
	[SCN_REMAP] = {
		"  remap_file_pages(ADDR, LEN, prot, PGOFF, flags)\n"
		"  prot=N    the prot argument (default 0)\n"
		"  nonblock  MAP_NONBLOCK: install file ptes, read nothing\n"
		"  fd=F      vm.nonlinear=pinned only\n"
		"  Result: ok or an errno.\n",
		"A: remap W+4p 2p 40"},
	[SCN_LOAD] = {
		"  as=str|u64|sum as for read (u64: LEN 1..8).\n"
		"  Result: the bytes, SIGSEGV, SIGBUS or OOM; nothing moves on "
		"a fault.\n",
		"A: load W+4p 8 as=u64 => 0x4000"},
	[SCN_STORE] = {"  DATA: \"string\" or fill(B,N).\n"
		       "  Result: ok, SIGSEGV, SIGBUS or OOM.\n",
		       "A: store W \"row 1\""},
	[SCN_TOUCH] = {
		"  r (default) reads a byte of each page; w rewrites it.\n"
		"  Result: ok, SIGSEGV at EXPR or SIGBUS at EXPR (the first page "
		"that\n  faulted, as M+0xHEX), or OOM.\n",
		"A: touch W 16p w => SIGBUS at W+0x8000"},
	[SCN_FORK] = {"  C gets a copy-on-write copy of the address space, "
		      "the descriptors\n  and the names. Result: ok or an "
		      "errno.\n",
		      "A: fork B"},
	[SCN_EXIT] = {"  Later commands of the task end in error:. Result: "
		      "ok.\n",
		      "B: exit"},
	[SCN_MAPS] = {"  One START-END PERMS OFFSET NAME group per VMA, "
		      "separated by ' ; '.\n",
		      "A: maps => W+0x0-W+0x4000 rw-s 0x0 /db/table"},
	[SCN_PTES] = {
		"  An extension, objvm only (skip in the oracle). LEN at most "
		"1G.\n"
		"  .  none           r  present, read-only   w  present, "
		"writable\n"
		"  0  the zero page  f  a file pte           s  a swap entry\n"
		"  n  present without access (PROT_NONE)\n"
		"  Result: one character per page, -EINVAL (misaligned ADDR), "
		"-ENOMEM.\n",
		"A: ptes W 4p => 0w.."},
};

/* The options of each subcommand, for objvm --help and objvm help NAME. */
static const struct {
	const char *sub, *text, *example;
} options[] = {
	{"run", "      --check=each|end|off  when the invariant checker runs "
		"(default end)\n"
		"      --format=text|json    the transcript, or JSON Lines\n"
		"      --show                each task's VMAs and pte states "
		"after a change\n",
	 "objvm run --check=each --show tools/demo/3-truncate.ovs"},
	{"oracle", "      --keep                keep the private directory\n"
		   "      --tmpdir=DIR          where it is made (default "
		   "$OBJVM_ORACLE_TMPDIR\n"
		   "                            or /var/tmp)\n"
		   "      --format=text|json    the transcript, or JSON "
		   "Lines\n",
	 "objvm oracle --keep tools/demo/2-fork-cow.ovs"},
	{"diff", "      -v                    print every compared line\n"
		 "      --status              a line pass NAME or fail NAME "
		 "per scenario\n"
		 "      --check=each|end|off  the objvm side's checker "
		 "(default end)\n"
		 "      --format=text|json    the differences, or JSON Lines\n"
		 "      --known=LIST          understood differences "
		 "(tests/oracle/known)\n"
		 "      --seeds=A-B           generated scenarios A..B instead "
		 "of files\n"
		 "      --ops=K               commands per scenario, 1..100000 "
		 "(default 60)\n"
		 "      --tasks=T             tasks per scenario, 1..4 (default "
		 "2)\n"
		 "      --save=DIR            keep the scenarios that differ\n"
		 "      --reduce FILE         the shortest scenario with FILE's "
		 "first difference\n",
	 "objvm diff --known=tests/oracle/known --seeds=1-100 --ops=200"},
	{"gen", "      --seed N              the seed (required)\n"
		"      --ops K               commands, 0..100000 (default 60)\n"
		"      --tasks T             tasks, 1..4 (default 2)\n"
		"      --with=FEATURES       add remap, hugetlb, reclaim (comma "
		"list)\n"
		"      --without=FEATURES    leave them out (default: what the "
		"library has)\n",
	 "objvm gen --seed 7 --ops 20 --tasks 1"},
};

void help_options(FILE *out, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (strcmp(options[i].sub, name) == 0)
			fputs(options[i].text, out);
}

void help_example(FILE *out, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (strcmp(options[i].sub, name) == 0)
			fprintf(out, "\nexample:\n  %s\n", options[i].example);
}

/* `T: mmap M LEN ...` or `sysctl NAME[=VALUE]`. */
void help_usage(FILE *out, enum scn_verb verb)
{
	const char *usage = scn_verb_usage(verb);

	fprintf(out, "%s%s%s%s", scn_verb_scope(verb) == SCN_TASK ? "T: " : "",
		scn_verb_name(verb), usage[0] ? " " : "", usage);
}

void help_stats(FILE *out)
{
	size_t i;

	for (i = 0; i < objvm_stat_count(); i++)
		fprintf(out, "  %-18s %s\n", objvm_stat_name(i),
			objvm_stat_help(i));
}

void help_verb(FILE *out, enum scn_verb verb)
{
	const struct verb_help *h = &verb_help[verb];

	fputs("usage: ", out);
	help_usage(out, verb);
	fprintf(out, "\n\n%s\n", scn_verb_help(verb));
	if (h->details)
		fprintf(out, "\n%s", h->details);
	if (verb == SCN_STATS) {
		fputs("\ncounters:\n", out);
		help_stats(out);
	}
	if (verb == SCN_MACHINE || verb == SCN_SYSCTL || verb == SCN_RECLAIM ||
	    verb == SCN_MMAP || verb == SCN_OPEN || verb == SCN_REMAP)
		fputs("\nSome of these are not built yet: README.md, \"Not built "
		      "yet\", says which\nand what they answer.\n",
		      out);
	if (h->example)
		fprintf(out, "\nexample:\n  %s\n", h->example);
	fputs("\nThe full reference: docs/scenario-language.md.\n", out);
}
