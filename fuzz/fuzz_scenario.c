/*
 * fuzz/fuzz_scenario.c - libFuzzer target: arbitrary bytes become a
 * scenario that runs on libobjvm with every invariant checked after each
 * command (`make fuzz`; docs/oracle.md, "Fuzzing").
 *
 * An input is read one of two ways:
 *   - text: an input whose first byte is printable is scenario text as
 *     is (the seed corpus holds the repository's scenarios);
 *   - bytes: any other input is decoded, byte by byte, into scenario
 *     commands (fuzz_decode()): each byte picks a command, a name, a
 *     length, a flag, so nearly every input is a valid scenario.
 * Either way the text is parsed by the real parser and run through the
 * command table of `objvm run`, with objvm_check() after every command
 * (the machine's own checks are off, so that a failure that only finds
 * an open finding again can be told apart).  A crash, a sanitizer report
 * or a failed check is a finding.
 *
 * FUZZ_PRINT=1 in the environment prints the scenario text of each input
 * run, so a (minimised) finding becomes a scenario file:
 *   FUZZ_PRINT=1 build-fuzz/fuzz_scenario crash-... > finding.ovs
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

#define MAX_BYTES (64ULL << 20) /* larger buffers: not a finding, a stall */
#define MAX_MEM   (64ULL << 20)

/* --- decoding bytes into commands --------------------------------------- */

struct src {
	const uint8_t *p;
	size_t n;
};

static unsigned int byte(struct src *s)
{
	if (!s->n)
		return 0;
	s->n--;
	return *s->p++;
}

static unsigned int pick(struct src *s, unsigned int n)
{
	return byte(s) % n;
}

static const char *const lens[] = {
	"0",
	"1",
	"100",
	"1p",
	"2p",
	"3p",
	"4p",
	"5p",
	"8p",
	"16p",
	"4097",
	"8191",
	"2h",
	"64p",
	"0xfffffffffffff000",
	"0x7ffffffff000",
	"1p",
	"2p",
	"1p",
	"3p",
};

static const char *len_word(struct src *s)
{
	return lens[pick(s, sizeof(lens) / sizeof(lens[0]))];
}

static const char *const prots[] = {"none", "r",  "w",  "x",
				    "rw",   "rx", "wx", "rwx"};

static void addr(struct src *s, struct result *t)
{
	unsigned int b = byte(s);

	switch (b % 8) {
	case 0:
		result_printf(t, "0x%x", (b >> 3) * 0x10000 + 0x200000);
		break;
	case 1:
		result_printf(t, "M%u", pick(s, 6));
		result_printf(t, "-%up", 1 + pick(s, 2));
		break;
	case 2:
		result_printf(t, "M%u", pick(s, 6));
		result_printf(t, "+%u", byte(s) * 17);
		break;
	default:
		result_printf(t, "M%u", pick(s, 6));
		result_printf(t, "+%up", pick(s, 18));
		break;
	}
}

static void data(struct src *s, struct result *t)
{
	if (byte(s) & 1) {
		result_printf(t, "fill(%u,", byte(s));
		result_printf(t, "%s)", len_word(s));
	} else {
		result_printf(t, "\"%.*s\"", 1 + (int)pick(s, 12),
			      "abcdefghijklmnop");
	}
}

/* VERB ADDR LEN, read in that order. */
static void range_args(struct src *s, struct result *t, const char *verb)
{
	result_printf(t, "%s ", verb);
	addr(s, t);
	result_printf(t, " %s", len_word(s));
}

static void task_cmd(struct src *s, struct result *t)
{
	static const char *const paths[] = {"/a", "/b", "/d/c", "/hugetlbfs/h"};
	static const char *const adv[] = {"dontneed", "willneed", "normal",
					  "random", "sequential"};
	static const char *const ms[] = {"sync", "async", "invalidate",
					 "sync,invalidate", "sync,async"};
	static const char *const mflags[] = {"fixed",    "fixed_noreplace",
					     "populate", "nonblock",
					     "locked",   "noreserve",
					     "hugetlb",  "nonlinear"};
	unsigned int c = pick(s, 22), b, i;

	result_printf(t, "%c: ", 'A' + pick(s, 3));
	switch (c) {
	case 0:
		result_printf(t, "fork %c", 'A' + pick(s, 4));
		break;
	case 1:
		result_printf(t, "exit");
		break;
	case 2:
		b = byte(s);
		result_printf(t, "open F%u %s %s%s%s%s", pick(s, 4),
			      paths[b % 4],
			      (b >> 2) % 3 == 0   ? "rdonly"
			      : (b >> 2) % 3 == 1 ? "wronly"
						  : "rdwr",
			      b & 0x10 ? "" : " creat",
			      b & 0x20 ? " trunc" : "",
			      b & 0x40 ? " excl" : "");
		break;
	case 3:
		result_printf(t, "close F%u", pick(s, 4));
		break;
	case 4:
		result_printf(t, "unlink %s", paths[pick(s, 4)]);
		break;
	case 5:
		result_printf(t, "ftruncate F%u", pick(s, 4));
		result_printf(t, " %s", len_word(s));
		break;
	case 6:
		result_printf(t, "write F%u", pick(s, 4));
		result_printf(t, " %up ", pick(s, 20));
		if (byte(s) & 1)
			result_printf(t, "pattern(%up)", 1 + pick(s, 8));
		else
			data(s, t);
		break;
	case 7:
		result_printf(t, "read F%u", pick(s, 4));
		result_printf(t, " %u", byte(s) * 97);
		result_printf(t, " %u", byte(s));
		break;
	case 8:
		result_printf(t, "%s", byte(s) & 1 ? "fsync" : "fstat");
		result_printf(t, " F%u", pick(s, 4));
		break;
	case 9:
		b = byte(s);
		result_printf(t, "mmap M%u", pick(s, 6));
		result_printf(t, " %s", len_word(s));
		result_printf(t, " %s %s", prots[pick(s, 8)],
			      b & 1 ? "shared" : "private");
		if (b & 2)
			result_printf(t, ",anon");
		for (i = 0; i < 2; i++)
			if (b & (4 << i))
				result_printf(t, ",%s", mflags[pick(s, 8)]);
		if (!(b & 2)) {
			result_printf(t, " F%u", pick(s, 4));
			result_printf(t, " %up", pick(s, 6));
		}
		if (b & 0x20) {
			result_printf(t, " at=");
			addr(s, t);
		}
		break;
	case 10:
		range_args(s, t, "munmap");
		break;
	case 11:
		range_args(s, t, "mprotect");
		result_printf(t, " %s", prots[pick(s, 8)]);
		break;
	case 12:
		b = byte(s);
		result_printf(t, "mremap M%u", pick(s, 6));
		result_printf(t, " %s%s", len_word(s), b & 1 ? " maymove" : "");
		if (b & 2) {
			result_printf(t, " fixed=");
			addr(s, t);
		}
		break;
	case 13:
		range_args(s, t, "msync");
		result_printf(t, " %s", ms[pick(s, 5)]);
		break;
	case 14:
		range_args(s, t, "madvise");
		result_printf(t, " %s", adv[pick(s, 5)]);
		break;
	case 15:
		range_args(s, t, byte(s) & 1 ? "munlock" : "mlock");
		break;
	case 16:
		range_args(s, t, "mincore");
		break;
	case 17:
		b = byte(s);
		result_printf(t, "remap ");
		addr(s, t);
		result_printf(t, " %s", len_word(s));
		result_printf(t, " %u%s%s", pick(s, 40), b & 1 ? " prot=1" : "",
			      b & 2 ? " nonblock" : "");
		if (b & 4)
			result_printf(t, " fd=F%u", pick(s, 4));
		break;
	case 18:
		b = byte(s);
		result_printf(t, "load ");
		addr(s, t);
		result_printf(t, " %s", b & 1 ? "8 as=u64" : len_word(s));
		break;
	case 19:
		result_printf(t, "store ");
		addr(s, t);
		result_printf(t, " ");
		data(s, t);
		break;
	case 20:
		result_printf(t, "touch ");
		addr(s, t);
		result_printf(t, " %s", len_word(s));
		result_printf(t, "%s", byte(s) & 1 ? " w" : "");
		break;
	default:
		result_printf(t, "maps");
		break;
	}
	result_printf(t, "\n");
}

static void global_cmd(struct src *s, struct result *t)
{
	static const char *const sysctls[] = {
		"vm.max_map_count=%u",
		"vm.nonlinear=pinned",
		"vm.nonlinear=emulated",
		"vm.nonlinear=pageable",
		"vm.rmap=objrmap-list",
		"vm.rmap=ptechain",
		"vm.swappiness=%u",
		"vm.nr_hugepages=%u",
		"vm.nonlinear_unprivileged=1",
		"vm.mmap_min_addr=%u000",
	};
	unsigned int b = byte(s);
	const char *fmt;

	switch (b % 6) {
	case 0:
		result_printf(t, "spawn %c%s%s\n", 'A' + pick(s, 3),
			      b & 8 ? " uid=1000" : "",
			      b & 16 ? " cap=ipc_lock" : "");
		break;
	case 1:
		result_printf(t, "reclaim %u\n", byte(s));
		break;
	case 2:
		result_printf(t, "drop_caches\n");
		break;
	case 3:
		result_printf(t, "check\n");
		break;
	case 4:
		fmt = sysctls[pick(
			s, (unsigned int)(sizeof(sysctls) / sizeof(*sysctls)))];
		result_printf(t, "sysctl ");
		result_printf(t, fmt, 1 + byte(s));
		result_printf(t, "\n");
		break;
	default:
		result_printf(t, "stats\n");
		break;
	}
}

/* The scenario the bytes of @s stand for (malloc'd). */
static char *fuzz_decode(struct src *s)
{
	static const char *const mems[] = {"1M", "2M", "4M", "16M"};
	struct result t = {0};
	unsigned int b = byte(s);

	result_printf(&t, "machine mem=%s swap=%s hugepages=%u\n", mems[b & 3],
		      b & 4 ? "4M" : "0", (b >> 3) & 3);
	result_printf(&t, "spawn A\nspawn B\n");
	while (s->n) {
		if (pick(s, 8) == 0)
			global_cmd(s, &t);
		else
			task_cmd(s, &t);
	}
	return t.buf;
}

/* --- running ------------------------------------------------------------ */

/* Lengths that would only make the run slow or big, not find anything. */
static bool too_big(const struct scn_script *script)
{
	size_t i;

	for (i = 0; i < script->nr_cmds; i++) {
		const struct scn_cmd *c = &script->cmds[i];

		switch (c->verb) {
		case SCN_MACHINE:
			if (c->u.machine.mem > MAX_MEM ||
			    c->u.machine.swap > MAX_MEM ||
			    c->u.machine.hugepages > 64 ||
			    c->u.machine.backing_dir)
				return true;
			break;
		case SCN_SYSCTL:
			if (c->u.sysctl.value &&
			    strcmp(c->u.sysctl.name, "vm.nr_hugepages") == 0 &&
			    strtoull(c->u.sysctl.value, NULL, 0) > 64)
				return true;
			break;
		case SCN_WRITE:
			if (c->u.write.data.len > MAX_BYTES)
				return true;
			break;
		case SCN_STORE:
			if (c->u.store.data.len > MAX_BYTES)
				return true;
			break;
		case SCN_READ:
			if (c->u.read.len > MAX_BYTES)
				return true;
			break;
		case SCN_LOAD:
			if (c->u.load.len > MAX_BYTES)
				return true;
			break;
		case SCN_MINCORE:
			if (c->u.range.len / 4096 > MAX_BYTES)
				return true;
			break;
		default:
			break;
		}
	}
	return false;
}

static void run_script(const struct scn_script *script)
{
	struct run_ctx ctx = {.check = OBJVM_CHECK_OFF};
	struct result res = {0};
	char report[4096];
	size_t i;

	result_reset(&res);
	if (script->cmds[0].verb != SCN_MACHINE) {
		struct scn_machine defaults;

		scn_machine_defaults(&defaults);
		defaults.mem = 4 << 20;
		machine_create(&ctx, &defaults, &res);
	}
	for (i = 0; i < script->nr_cmds; i++) {
		const struct scn_cmd *cmd = &script->cmds[i];
		struct run_task *t = NULL;

		result_reset(&res);
		if (cmd->verb != SCN_MACHINE && !ctx.vm)
			continue;
		if (cmd->task && !(t = live_task(&ctx, cmd->task, &res)))
			continue;
		commands[cmd->verb].handler(&ctx, t, cmd, &res);
		if (ctx.vm &&
		    objvm_check(ctx.vm, report, sizeof(report)) != 0) {
			fprintf(stderr, "fuzz: line %u: check failed: %s\n",
				cmd->line, report);
			abort();
		}
	}
	if (ctx.vm)
		objvm_destroy(ctx.vm);
	tasks_free(&ctx);
	result_free(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct src s = {data, size};
	struct scn_script script;
	char *text;

	if (size && data[0] >= 0x20 && data[0] < 0x7f) {
		text = malloc(size + 1);
		if (!text)
			return 0;
		memcpy(text, data, size);
		text[size] = '\0';
	} else {
		if (size)
			byte(&s);
		text = fuzz_decode(&s);
	}
	if (getenv("FUZZ_PRINT"))
		fputs(text, stdout), fflush(stdout);
	if (scn_parse(&script, "fuzz", text, strlen(text)) == 0 &&
	    script.nr_cmds && !too_big(&script))
		run_script(&script);
	scn_free(&script);
	free(text);
	return 0;
}
