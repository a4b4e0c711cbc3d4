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

struct text {
	char *buf;
	size_t len, cap;
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

__attribute__((format(printf, 2, 3))) static void put(struct text *t,
						      const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	while (t->len + (size_t)n + 1 > t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->buf = realloc(t->buf, t->cap);
		if (!t->buf)
			abort();
	}
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
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

static void addr(struct src *s, struct text *t)
{
	unsigned int b = byte(s);

	switch (b % 8) {
	case 0:
		put(t, "0x%x", (b >> 3) * 0x10000 + 0x200000);
		break;
	case 1:
		put(t, "M%u-%up", pick(s, 6), 1 + pick(s, 2));
		break;
	case 2:
		put(t, "M%u+%u", pick(s, 6), byte(s) * 17);
		break;
	default:
		put(t, "M%u+%up", pick(s, 6), pick(s, 18));
		break;
	}
}

static void data(struct src *s, struct text *t)
{
	if (byte(s) & 1)
		put(t, "fill(%u,%s)", byte(s), len_word(s));
	else
		put(t, "\"%.*s\"", 1 + (int)pick(s, 12), "abcdefghijklmnop");
}

static void task_cmd(struct src *s, struct text *t)
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

	put(t, "%c: ", 'A' + pick(s, 3));
	switch (c) {
	case 0:
		put(t, "fork %c", 'A' + pick(s, 4));
		break;
	case 1:
		put(t, "exit");
		break;
	case 2:
		b = byte(s);
		put(t, "open F%u %s %s%s%s%s", pick(s, 4), paths[b % 4],
		    (b >> 2) % 3 == 0   ? "rdonly"
		    : (b >> 2) % 3 == 1 ? "wronly"
					: "rdwr",
		    b & 0x10 ? "" : " creat", b & 0x20 ? " trunc" : "",
		    b & 0x40 ? " excl" : "");
		break;
	case 3:
		put(t, "close F%u", pick(s, 4));
		break;
	case 4:
		put(t, "unlink %s", paths[pick(s, 4)]);
		break;
	case 5:
		put(t, "ftruncate F%u %s", pick(s, 4), len_word(s));
		break;
	case 6:
		put(t, "write F%u %up ", pick(s, 4), pick(s, 20));
		if (byte(s) & 1)
			put(t, "pattern(%up)", 1 + pick(s, 8));
		else
			data(s, t);
		break;
	case 7:
		put(t, "read F%u %u %u", pick(s, 4), byte(s) * 97, byte(s));
		break;
	case 8:
		put(t, "%s F%u", byte(s) & 1 ? "fsync" : "fstat", pick(s, 4));
		break;
	case 9:
		b = byte(s);
		put(t, "mmap M%u %s %s %s", pick(s, 6), len_word(s),
		    prots[pick(s, 8)], b & 1 ? "shared" : "private");
		if (b & 2)
			put(t, ",anon");
		for (i = 0; i < 2; i++)
			if (b & (4 << i))
				put(t, ",%s", mflags[pick(s, 8)]);
		if (!(b & 2))
			put(t, " F%u %up", pick(s, 4), pick(s, 6));
		if (b & 0x20) {
			put(t, " at=");
			addr(s, t);
		}
		break;
	case 10:
		put(t, "munmap ");
		addr(s, t);
		put(t, " %s", len_word(s));
		break;
	case 11:
		put(t, "mprotect ");
		addr(s, t);
		put(t, " %s %s", len_word(s), prots[pick(s, 8)]);
		break;
	case 12:
		b = byte(s);
		put(t, "mremap M%u %s%s", pick(s, 6), len_word(s),
		    b & 1 ? " maymove" : "");
		if (b & 2) {
			put(t, " fixed=");
			addr(s, t);
		}
		break;
	case 13:
		put(t, "msync ");
		addr(s, t);
		put(t, " %s %s", len_word(s), ms[pick(s, 5)]);
		break;
	case 14:
		put(t, "madvise ");
		addr(s, t);
		put(t, " %s %s", len_word(s), adv[pick(s, 5)]);
		break;
	case 15:
		put(t, "%s ", byte(s) & 1 ? "munlock" : "mlock");
		addr(s, t);
		put(t, " %s", len_word(s));
		break;
	case 16:
		put(t, "mincore ");
		addr(s, t);
		put(t, " %s", len_word(s));
		break;
	case 17:
		b = byte(s);
		put(t, "remap ");
		addr(s, t);
		put(t, " %s %u%s%s", len_word(s), pick(s, 40),
		    b & 1 ? " prot=1" : "", b & 2 ? " nonblock" : "");
		if (b & 4)
			put(t, " fd=F%u", pick(s, 4));
		break;
	case 18:
		b = byte(s);
		put(t, "load ");
		addr(s, t);
		put(t, " %s", b & 1 ? "8 as=u64" : len_word(s));
		break;
	case 19:
		put(t, "store ");
		addr(s, t);
		put(t, " ");
		data(s, t);
		break;
	case 20:
		put(t, "touch ");
		addr(s, t);
		put(t, " %s%s", len_word(s), byte(s) & 1 ? " w" : "");
		break;
	default:
		put(t, "maps");
		break;
	}
	put(t, "\n");
}

static void global_cmd(struct src *s, struct text *t)
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

	switch (b % 6) {
	case 0:
		put(t, "spawn %c%s%s\n", 'A' + pick(s, 3),
		    b & 8 ? " uid=1000" : "", b & 16 ? " cap=ipc_lock" : "");
		break;
	case 1:
		put(t, "reclaim %u\n", byte(s));
		break;
	case 2:
		put(t, "drop_caches\n");
		break;
	case 3:
		put(t, "check\n");
		break;
	case 4:
		put(t, "sysctl ");
		put(t,
		    sysctls[pick(s, (unsigned int)(sizeof(sysctls) /
						   sizeof(*sysctls)))],
		    1 + byte(s));
		put(t, "\n");
		break;
	default:
		put(t, "stats\n");
		break;
	}
}

/* The scenario the bytes of @s stand for (malloc'd). */
static char *fuzz_decode(struct src *s)
{
	static const char *const mems[] = {"1M", "2M", "4M", "16M"};
	struct text t = {0};
	unsigned int b = byte(s);

	put(&t, "machine mem=%s swap=%s hugepages=%u\n", mems[b & 3],
	    b & 4 ? "4M" : "0", (b >> 3) & 3);
	put(&t, "spawn A\nspawn B\n");
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
