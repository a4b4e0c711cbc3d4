/*
 * tools/objvm/diff.c - `objvm diff`: run each scenario on objvm and on the
 * kernel, and print where the two disagree.
 *
 * The kernel side is oracle_run_script() (oracle.c), with its private
 * directory kept until the files are compared; the objvm side runs the
 * command table of `objvm run` (commands.c) in this process, on a machine
 * that stays up after the last command so that its files can be read.
 *
 * Compared, line by line, is the result text of each command (the
 * expectations are not needed).  Lines where the oracle printed `skip`
 * are left out; after a line the oracle refused for safety nothing more
 * of that file is compared, since the kernel did not do what objvm did.
 * Then every file the scenario names is compared: whether it exists, its
 * size and its bytes, objvm's (read through the library) against the
 * real file after the oracle's processes have exited.
 *
 * Scenarios come from files or from the generator (--seeds=A-B, gen.c).
 * With --known=FILE, a scenario whose first difference matches an entry
 * of that list (tests/oracle/known: understood differences, each with the
 * scenario that shows it) is counted as known rather than as differing.
 * The last line says how many were compared, how many differed and how
 * many were known; the exit status is 1 if any differed, 2 for a usage or
 * syntax error.  --reduce FILE prints the smallest scenario it can find
 * that still shows FILE's first difference.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "beneath.h"
#include "cli.h"
#include "gen.h"
#include "hostdir.h"
#include "oracle.h"
#include "run.h"

/* An understood difference: a line of the --known file. */
struct known {
	char *id, *verb, *mine, *kern; /* mine and kern are globs */
};

struct diff_opts {
	enum objvm_check_level check;
	struct known *known;
	size_t nr_known;
	const char *save_dir; /* write differing generated scenarios here */
	bool verbose;         /* print every compared line */
	bool status;          /* a `pass NAME` or `fail NAME` line each */
	struct gen_opts gen;
	struct oracle_opts oracle; /* the host limits */
};

struct diff_count {
	unsigned long scenarios, differing, known;
};

/* --- the objvm side ----------------------------------------------------- */

/*
 * Run @script as `objvm run` does; @texts gets each command's result.
 * What the oracle could not run at all (@kern: ORACLE_UNRUN, a task
 * spawned with a uid or capability it cannot give) is left out here too,
 * so that its effects (the files it made, what it wrote) are on neither
 * side.  Not run as root, the oracle's other tasks have no privilege
 * either: objvm spawns them with this process's uid.
 */
static void objvm_side(const struct scn_script *script, struct run_ctx *ctx,
		       const struct oracle_result *kern, char **texts)
{
	struct result res = {0};
	size_t i;

	result_reset(&res);
	if (script->cmds[0].verb != SCN_MACHINE) {
		struct scn_machine defaults;

		scn_machine_defaults(&defaults);
		machine_create(ctx, &defaults, &res);
	}
	for (i = 0; i < script->nr_cmds; i++) {
		const struct scn_cmd *cmd = &script->cmds[i];
		struct run_task *t = NULL;
		struct scn_cmd as_user;

		result_reset(&res);
		if (kern->lines[i].flags & ORACLE_UNRUN) {
			texts[i] = strdup("skip");
			continue;
		}
		if (cmd->verb == SCN_SPAWN && cmd->u.spawn.uid == 0 &&
		    geteuid() != 0) {
			as_user = *cmd;
			as_user.u.spawn.uid = (unsigned int)geteuid();
			cmd = &as_user;
		}
		if (cmd->verb != SCN_MACHINE && !ctx->vm) {
			result_error(&res, "no machine (objvm_create: ");
			put_errno(&res, ctx->create_err);
			result_printf(&res, ")");
		} else if (!cmd->task ||
			   (t = live_task(ctx, cmd->task, &res))) {
			commands[cmd->verb].handler(ctx, t, cmd, &res);
		}
		texts[i] = strdup(res.buf);
	}
	result_free(&res);
}

/* --- comparing ---------------------------------------------------------- */

static FILE *msgs; /* where differences are printed: stdout, or nowhere */
/* --format=json: a JSON object per command and per scenario (json.c). */
static struct json_out json_out;
static struct json_out *json;

/* The first difference of the last scenario, for --reduce. */
static struct {
	bool set;
	enum scn_verb verb; /* SCN_NR_VERBS: a file's contents */
	char mine[256], kern[256];
} first;

static void first_diff(enum scn_verb verb, const char *mine, const char *kern)
{
	if (first.set)
		return;
	first.set = true;
	first.verb = verb;
	snprintf(first.mine, sizeof(first.mine), "%s", mine);
	snprintf(first.kern, sizeof(first.kern), "%s", kern);
}

/* Line @line of @text (1-based), without its end of line. */
static void print_source(const char *text, unsigned int line)
{
	const char *p = text, *e;

	if (!text)
		return;
	while (p && --line)
		p = (p = strchr(p, '\n')) ? p + 1 : NULL;
	if (!p)
		return;
	e = strchr(p, '\n');
	fprintf(msgs, "    %.*s\n", (int)(e ? e - p : (ptrdiff_t)strlen(p)), p);
}

/*
 * The tasks whose `maps` is not compared: those that ran remap_file_pages
 * (and their children), where objvm keeps one nonlinear VMA and the
 * kernel's emulation a VMA per run of pages (docs/oracle.md).
 */
#define NONLINEAR_MAX 64

struct nonlinear_tasks {
	const char *names[NONLINEAR_MAX];
	size_t nr;
};

static bool nonlinear_has(const struct nonlinear_tasks *n, const char *task)
{
	size_t i;

	for (i = 0; i < n->nr; i++)
		if (strcmp(n->names[i], task) == 0)
			return true;
	return false;
}

/* Note what command @cmd, with objvm's result @mine, does to the set. */
static void nonlinear_note(struct nonlinear_tasks *n, const struct scn_cmd *cmd,
			   const char *mine)
{
	const char *add = NULL;

	if (strcmp(mine, "ok") != 0 || !cmd->task)
		return;
	if (cmd->verb == SCN_REMAP)
		add = cmd->task;
	else if (cmd->verb == SCN_FORK && nonlinear_has(n, cmd->task))
		add = cmd->u.child;
	if (add && !nonlinear_has(n, add) && n->nr < NONLINEAR_MAX)
		n->names[n->nr++] = add;
}

/*
 * @text of a `maps` result with each absolute address (a VMA end that no
 * mapping name covers) written as ABS: objvm's and a process's address
 * spaces start at different places, so only relative addresses compare.
 */
static char *maps_relative(const char *text)
{
	char *out = malloc(strlen(text) * 2 + 1), *o = out;
	const char *p = text;
	/* An address starts the text, follows the `-` after a START, or
	 * follows ` ; `; the OFFSET field (after the perms) is never one. */
	bool start = true;

	if (!out)
		exit(2);
	while (*p) {
		if (start && p[0] == '0' && p[1] == 'x') {
			p += 2;
			while (strchr("0123456789abcdef", *p) && *p)
				p++;
			o = stpcpy(o, "ABS");
			start = false;
			continue;
		}
		start = (*p == '-' && o > out && o[-1] != ' ') ||
			(*p == ' ' && o > out && o[-1] == ';');
		*o++ = *p++;
	}
	*o = '\0';
	return out;
}

/* Do objvm's result @mine and the kernel's @kern agree on @cmd? */
static bool same_result(const struct scn_cmd *cmd, const char *mine,
			const char *kern)
{
	char *a, *b;
	bool same;

	if (strcmp(mine, kern) == 0)
		return true;
	if (cmd->verb != SCN_MAPS)
		return false;
	a = maps_relative(mine);
	b = maps_relative(kern);
	same = strcmp(a, b) == 0;
	free(a);
	free(b);
	return same;
}

static bool compare_lines(const struct scn_script *script, const char *text,
			  char **mine, const struct oracle_result *kern,
			  bool verbose, bool *stopped)
{
	struct nonlinear_tasks nonlinear = {.nr = 0};
	bool any = false;
	size_t i;

	*stopped = false;
	for (i = 0; i < script->nr_cmds; i++) {
		const struct oracle_line *k = &kern->lines[i];
		const struct scn_cmd *cmd = &script->cmds[i];
		unsigned int line = cmd->line;

		if (k->flags & ORACLE_LIMIT) {
			/* not a difference, but nothing is compared: fails */
			fprintf(msgs, "%s:%u: the oracle stopped: %s\n",
				script->file, line, k->text);
			first_diff(script->cmds[i].verb, mine[i], k->text);
			*stopped = true;
			return true;
		}
		if (k->flags & ORACLE_REFUSED) {
			fprintf(msgs,
				"%s:%u: the oracle refused this line (safety); "
				"later lines are not compared\n",
				script->file, line);
			*stopped = true;
			break;
		}
		nonlinear_note(&nonlinear, cmd, mine[i]);
		if (cmd->verb == SCN_MAPS &&
		    (nonlinear.nr == NONLINEAR_MAX ||
		     nonlinear_has(&nonlinear, cmd->task))) {
			if (verbose)
				fprintf(msgs,
					"%s:%u: not compared (a nonlinear "
					"mapping)\n",
					script->file, line);
			if (json)
				json_diff_line(json, cmd, mine[i], k->text,
					       false, true);
			continue;
		}
		if (k->flags & ORACLE_SKIP) {
			if (json)
				json_diff_line(json, cmd, mine[i], k->text,
					       false, true);
			continue;
		}
		if (json)
			json_diff_line(json, cmd, mine[i], k->text, true,
				       same_result(cmd, mine[i], k->text));
		if (same_result(cmd, mine[i], k->text)) {
			if (verbose)
				fprintf(msgs, "%s:%u: %s\n", script->file, line,
					mine[i]);
			continue;
		}
		any = true;
		first_diff(script->cmds[i].verb, mine[i], k->text);
		fprintf(msgs, "%s:%u: objvm: %s\n", script->file, line,
			mine[i]);
		fprintf(msgs, "%s:%u: linux: %s\n", script->file, line,
			k->text);
		print_source(text, line);
	}
	return any;
}

/* Read all of a file: *@buf (malloc'd) and *@len; false if it is not. */
static bool kernel_file(int dirfd, const char *path, unsigned char **buf,
			uint64_t *len)
{
	struct stat st;
	ssize_t n;
	int fd;

	/* Below the oracle's files directory, through no link (beneath.h). */
	fd = beneath_open(dirfd, path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	*len = (uint64_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	n = *buf ? pread(fd, *buf, *len, 0) : -1;
	close(fd);
	if (n < 0 || (uint64_t)n != *len) {
		free(*buf);
		return false;
	}
	return true;
}

static bool objvm_file(struct objvm_task *t, const char *path,
		       unsigned char **buf, uint64_t *len)
{
	struct objvm_stat st;
	ssize_t n;
	int fd = objvm_open(t, path, OBJVM_O_RDONLY);

	if (fd < 0)
		return false;
	if (objvm_fstat(t, fd, &st) < 0) {
		objvm_close(t, fd);
		return false;
	}
	*len = st.size;
	*buf = malloc(*len ? *len : 1);
	n = *buf ? objvm_pread(t, fd, *buf, *len, 0) : -1;
	objvm_close(t, fd);
	if (n < 0 || (uint64_t)n != *len) {
		free(*buf);
		return false;
	}
	return true;
}

/* Compare one file, objvm's and the kernel's; true if they differ. */
static bool compare_file(const char *file, struct objvm_task *t, int dirfd,
			 const char *path)
{
	unsigned char *a = NULL, *b = NULL;
	uint64_t la = 0, lb = 0, i;
	bool ha = objvm_file(t, path, &a, &la);
	bool hb = dirfd >= 0 && kernel_file(dirfd, path, &b, &lb);
	bool differ = false;

	if (ha != hb || la != lb || (ha && memcmp(a, b, la) != 0))
		first_diff(SCN_NR_VERBS, path, "file");
	if (ha != hb) {
		fprintf(msgs, "%s: file %s: objvm: %s, linux: %s\n", file, path,
			ha ? "exists" : "absent", hb ? "exists" : "absent");
		differ = true;
	} else if (ha && la != lb) {
		fprintf(msgs,
			"%s: file %s: objvm: size=%" PRIu64
			", linux: size=%" PRIu64 "\n",
			file, path, la, lb);
		differ = true;
	} else if (ha && memcmp(a, b, la) != 0) {
		for (i = 0; a[i] == b[i]; i++)
			;
		fprintf(msgs,
			"%s: file %s: first difference at offset 0x%" PRIx64
			": objvm: 0x%02x, linux: 0x%02x\n",
			file, path, i, a[i], b[i]);
		differ = true;
	}
	free(a);
	free(b);
	return differ;
}

static bool seen_path(const struct scn_script *s, size_t upto, const char *path)
{
	size_t i;

	for (i = 0; i < upto; i++) {
		const struct scn_cmd *c = &s->cmds[i];

		if ((c->verb == SCN_OPEN &&
		     strcmp(c->u.open.path, path) == 0) ||
		    (c->verb == SCN_UNLINK && strcmp(c->u.path, path) == 0))
			return true;
	}
	return false;
}

/* Every file the script names, once; true if any differs. */
static bool compare_files(const struct scn_script *s, struct run_ctx *ctx,
			  const char *dir)
{
	struct objvm_cred root = {0};
	struct objvm_task *t;
	bool any = false;
	size_t i;
	int dirfd;

	if (!ctx->vm || objvm_spawn(ctx->vm, &root, &t) != 0)
		return false;
	dirfd = oracle_files_open(dir);
	for (i = 0; i < s->nr_cmds; i++) {
		const struct scn_cmd *c = &s->cmds[i];
		const char *path = c->verb == SCN_OPEN     ? c->u.open.path
				   : c->verb == SCN_UNLINK ? c->u.path
							   : NULL;

		if (!path || seen_path(s, i, path) || !oracle_path_safe(path) ||
		    strncmp(path, "/hugetlbfs/", 11) == 0)
			continue;
		if (compare_file(s->file, t, dirfd, path))
			any = true;
	}
	if (dirfd >= 0)
		close(dirfd);
	objvm_exit(t);
	objvm_task_release(t);
	return any;
}

/* Did the oracle skip the rest of the file (a sysctl made it stop)? */
static bool poisoned(const struct scn_script *s)
{
	size_t i;

	for (i = 0; i < s->nr_cmds; i++)
		if (s->cmds[i].verb == SCN_SYSCTL &&
		    s->cmds[i].u.sysctl.value &&
		    oracle_sysctl_observable(s->cmds[i].u.sysctl.name,
					     s->cmds[i].u.sysctl.value))
			return true;
	return false;
}

/* The host's vm.mmap_min_addr, read once; NULL if unreadable. */
static const char *host_mmap_min_addr(void)
{
	static char value[32];
	static bool read_once;
	FILE *f;

	if (!read_once) {
		read_once = true;
		f = fopen("/proc/sys/vm/mmap_min_addr", "re");
		if (f) {
			if (!fgets(value, sizeof(value), f))
				value[0] = '\0';
			value[strcspn(value, "\n")] = '\0';
			fclose(f);
		}
	}
	return value[0] ? value : NULL;
}

/* Run and compare one scenario (@text: its source, for messages); true
 * if the two sides differ. */
static bool diff_script(const struct scn_script *script, const char *text,
			const struct diff_opts *o)
{
	struct oracle_opts oo = o->oracle;
	struct run_ctx ctx = {.check = o->check,
			      .mmap_min_addr = host_mmap_min_addr()};
	struct oracle_result kern;
	bool differ, stopped;
	char **mine;
	size_t i;

	first.set = false;
	if (script->nr_cmds == 0)
		return false;
	oo.keep_dir = true;
	oracle_run_script(script, NULL, &oo, &kern);
	if (kern.setup_failed) {
		fprintf(msgs, "%s: the oracle could not run\n", script->file);
		oracle_result_free(&kern);
		return true;
	}
	mine = calloc(script->nr_cmds, sizeof(*mine));
	if (!mine)
		exit(2);
	objvm_side(script, &ctx, &kern, mine);
	differ = compare_lines(script, text, mine, &kern, o->verbose, &stopped);
	if (!stopped && !poisoned(script) &&
	    compare_files(script, &ctx, kern.dir))
		differ = true;
	if (ctx.vm && objvm_destroy(ctx.vm) != 0) {
		fprintf(msgs,
			"%s: objvm: the invariant check at the end failed\n",
			script->file);
		first_diff(SCN_CHECK, "FAIL", "ok");
		differ = true;
	}
	ctx.vm = NULL;
	tasks_free(&ctx);
	oracle_remove_dir(kern.dir);
	oracle_result_free(&kern);
	for (i = 0; i < script->nr_cmds; i++)
		free(mine[i]);
	free(mine);
	return differ;
}

/* --- known differences -------------------------------------------------- */

static char *trim(char *p)
{
	char *e;

	while (*p == ' ' || *p == '\t')
		p++;
	e = p + strlen(p);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
		*--e = '\0';
	return p;
}

/*
 * The --known file: `ID | COMMAND | OBJVM | LINUX | ...` per line, `#`
 * comments; COMMAND is a verb, `file`, `check` or `scenario`, OBJVM and
 * LINUX are glob patterns of the two results.  Further fields are for
 * people.
 */
static bool load_known(const char *path, struct diff_opts *o)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	unsigned int nr = 0;

	if (!f) {
		fprintf(stderr, "objvm diff: %s: %s\n", path, strerror(errno));
		return false;
	}
	while (fgets(line, sizeof(line), f)) {
		char *field[4], *p = line, *bar;
		struct known *k;
		int i;

		nr++;
		if (*trim(line) == '#' || !*trim(line))
			continue;
		for (i = 0; i < 4; i++) {
			bar = strchr(p, '|');
			if (bar)
				*bar = '\0';
			field[i] = trim(p);
			if (!bar && i < 3) {
				fprintf(stderr,
					"objvm diff: %s:%u: want "
					"ID | COMMAND | OBJVM | LINUX\n",
					path, nr);
				fclose(f);
				return false;
			}
			p = bar ? bar + 1 : p + strlen(p);
		}
		o->known = realloc(o->known, (o->nr_known + 1) * sizeof(*k));
		if (!o->known)
			exit(2);
		k = &o->known[o->nr_known++];
		k->id = strdup(field[0]);
		k->verb = strdup(field[1]);
		k->mine = strdup(field[2]);
		k->kern = strdup(field[3]);
	}
	fclose(f);
	return true;
}

static void free_known(struct diff_opts *o)
{
	size_t i;

	for (i = 0; i < o->nr_known; i++) {
		free(o->known[i].id);
		free(o->known[i].verb);
		free(o->known[i].mine);
		free(o->known[i].kern);
	}
	free(o->known);
	o->known = NULL;
	o->nr_known = 0;
}

static const char *first_verb(void)
{
	if (first.verb == SCN_NR_VERBS)
		return "file";
	return scn_verb_name(first.verb);
}

/*
 * The entry the first difference of scenario @name matches, or NULL.  An
 * entry whose COMMAND is `scenario` names scenarios instead (OBJVM is a
 * glob of the name): for one whose first difference only follows from a
 * known one.
 */
static const struct known *match_known(const struct diff_opts *o,
				       const char *name)
{
	size_t i;

	for (i = 0; first.set && i < o->nr_known; i++) {
		const struct known *k = &o->known[i];

		if (strcmp(k->verb, "scenario") == 0 &&
		    fnmatch(k->mine, name, 0) == 0)
			return k;
		if (strcmp(k->verb, first_verb()) == 0 &&
		    fnmatch(k->mine, first.mine, 0) == 0 &&
		    fnmatch(k->kern, first.kern, 0) == 0)
			return k;
	}
	return NULL;
}

static char *msg_buf;
static size_t msg_len;

/* Collect what one scenario prints, until count() knows what to show. */
static void begin_msgs(void)
{
	msgs = open_memstream(&msg_buf, &msg_len);
	if (!msgs)
		exit(2);
}

/*
 * Count the last scenario's outcome: differing, known, or neither.  Its
 * differences are printed if it differs (or with -v); a known one gets a
 * line that names the entry.
 */
static void count(const char *name, bool differ, const struct diff_opts *o,
		  struct diff_count *n)
{
	const struct known *k = differ ? match_known(o, name) : NULL;

	fclose(msgs);
	msgs = stdout;
	if (((differ && !k) || o->verbose) && !json)
		fwrite(msg_buf, 1, msg_len, stdout);
	free(msg_buf);
	msg_buf = NULL;
	n->scenarios++;
	if (k)
		n->known++;
	else if (differ)
		n->differing++;
	if (json) {
		json_diff_summary(json, name, differ && !k, k ? k->id : NULL);
		return;
	}
	if (k)
		printf("%s: known difference %s\n", name, k->id);
	if (o->status)
		printf("%s %s\n", differ && !k ? "fail" : "pass", name);
}

/* --- reducing ----------------------------------------------------------- */

static char *read_text(const char *path);

/* Does @text still show the difference @want? */
static bool still_differs(const char *text, const struct diff_opts *o,
			  const typeof(first) *want)
{
	struct scn_script s;
	bool same = false;

	if (scn_parse(&s, "reduce", text, strlen(text)) == 0 &&
	    diff_script(&s, text, o) && first.set)
		same = first.verb == want->verb &&
		       strcmp(first.mine, want->mine) == 0 &&
		       strcmp(first.kern, want->kern) == 0;
	scn_free(&s);
	return same;
}

/* Join @lines but for [skip, skip + n). */
static char *join_lines(char **lines, size_t nr, size_t skip, size_t n)
{
	size_t i, len = 1;
	char *text, *p;

	for (i = 0; i < nr; i++)
		len += strlen(lines[i]) + 1;
	p = text = malloc(len);
	if (!text)
		exit(2);
	for (i = 0; i < nr; i++) {
		if (i >= skip && i < skip + n)
			continue;
		p = stpcpy(p, lines[i]);
		*p++ = '\n';
	}
	*p = '\0';
	return text;
}

/*
 * --reduce: the shortest scenario found, by dropping runs of lines, that
 * still shows the first difference of @path (the same command, the same
 * two results).  Printed to stdout.
 */
static int reduce(const char *path, const struct diff_opts *o)
{
	char *text = read_text(path), *line, *save, **lines = NULL, *cand;
	typeof(first) want;
	size_t nr = 0, chunk, start;

	if (!text) {
		fprintf(stderr, "objvm diff: cannot read %s\n", path);
		return 2;
	}
	msgs = fopen("/dev/null", "w");
	if (!still_differs(text, o, &first) && !first.set) {
		fprintf(stderr, "objvm diff: %s shows no difference\n", path);
		return 1;
	}
	want = first;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *p = line + strspn(line, " \t");

		if (*p == '#' || !*p)
			continue;
		lines = realloc(lines, (nr + 1) * sizeof(*lines));
		if (!lines)
			exit(2);
		lines[nr++] = line;
	}
	for (chunk = nr / 2; chunk >= 1; chunk /= 2) {
		for (start = 0; start + chunk <= nr;) {
			cand = join_lines(lines, nr, start, chunk);
			if (still_differs(cand, o, &want)) {
				memmove(&lines[start], &lines[start + chunk],
					(nr - start - chunk) * sizeof(*lines));
				nr -= chunk;
			} else {
				start += chunk;
			}
			free(cand);
		}
		if (chunk == 1)
			break;
	}
	cand = join_lines(lines, nr, 0, 0);
	printf("# reduced from %s: %s gives %s on objvm, %s on linux\n%s", path,
	       want.verb == SCN_NR_VERBS ? "the file"
					 : scn_verb_name(want.verb),
	       want.mine, want.kern, cand);
	free(cand);
	free(lines);
	free(text);
	fclose(msgs);
	return 0;
}

/* --- options and the main loop ------------------------------------------ */

static const char diff_usage[] = "usage: objvm diff [-v] [--status] "
				 "[--check=each|end|off] [--format=text|json] "
				 "[--known=FILE] [--host-dir DIR] FILE...\n"
				 "       (and --max-host-mem=SIZE, "
				 "--max-host-locked=SIZE: the oracle's "
				 "limits)\n"
				 "       objvm diff [-v] [--status] "
				 "[--format=text|json] "
				 "[--known=FILE] [--save=DIR] "
				 "--seeds=A-B [--ops=K] [--tasks=T]\n"
				 "       objvm diff --reduce FILE\n"
				 "(--status: a line `pass NAME` or `fail NAME` "
				 "after each scenario)\n";

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return s[0] && !*end && !errno;
}

static bool parse_seeds(const char *s, uint64_t *a, uint64_t *b)
{
	char buf[64], *dash;

	snprintf(buf, sizeof(buf), "%s", s);
	dash = strchr(buf, '-');
	if (!dash)
		return parse_u64(buf, a) && (*b = *a, true);
	*dash = '\0';
	return parse_u64(buf, a) && parse_u64(dash + 1, b) && *a <= *b;
}

static void save_seed(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.ovs", dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "objvm diff: %s: %s\n", path, strerror(errno));
		return;
	}
	fputs(text, f);
	fclose(f);
}

static void diff_seeds(uint64_t a, uint64_t b, struct diff_opts *o,
		       struct diff_count *n)
{
	uint64_t seed;

	for (seed = a;; seed++) {
		struct scn_script s;
		char name[64], *text;

		o->gen.seed = seed;
		text = gen_scenario(&o->gen);
		if (o->gen.ops == 60 && o->gen.tasks == 2)
			snprintf(name, sizeof(name), "seed-%" PRIu64, seed);
		else
			snprintf(name, sizeof(name),
				 "seed-%" PRIu64 "-ops%u-tasks%u", seed,
				 o->gen.ops, o->gen.tasks);
		if (scn_parse(&s, name, text, strlen(text)) != 0) {
			scn_print_errors(&s, stdout);
			n->scenarios++;
			n->differing++;
		} else {
			unsigned long before = n->differing;

			begin_msgs();
			count(name, diff_script(&s, text, o), o, n);
			if (o->save_dir && n->differing != before)
				save_seed(o->save_dir, name, text);
		}
		fflush(stdout);
		scn_free(&s);
		free(text);
		if (seed == b)
			break;
	}
}

/* The whole of file @path, for printing its lines; NULL if unreadable. */
static char *read_text(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? NULL : fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, n;

	if (!f)
		return NULL;
	for (;;) {
		char *p = realloc(buf, len + 65536 + 1);

		if (!p)
			break;
		buf = p;
		n = fread(buf + len, 1, 65536, f);
		len += n;
		if (n < 65536)
			break;
	}
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

int diff_main(int argc, char **argv)
{
	struct diff_opts o = {.check = OBJVM_CHECK_AT_END};
	struct diff_count n = {0};
	uint64_t a = 0, b = 0, v;
	bool seeds = false, ok = true, do_reduce = false;
	int i, nr = 0, taken;

	msgs = stdout;
	gen_defaults(&o.gen);
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (arg[0] != '-' || arg[1] == '\0') {
			argv[nr++] = argv[i];
		} else if (strcmp(arg, "-v") == 0) {
			o.verbose = true;
		} else if (strncmp(arg, "--known=", 8) == 0) {
			if (!load_known(arg + 8, &o))
				return 2;
		} else if (strcmp(arg, "--status") == 0) {
			o.status = true;
		} else if (strcmp(arg, "--format=json") == 0) {
			json_out.out = stdout;
			json = &json_out;
		} else if (strcmp(arg, "--format=text") == 0) {
			json = NULL;
		} else if (strcmp(arg, "--reduce") == 0) {
			do_reduce = true;
		} else if (strcmp(arg, "-h") == 0 ||
			   strcmp(arg, "--help") == 0) {
			fputs(diff_usage, stdout);
			return 0;
		} else if (strncmp(arg, "--seeds=", 8) == 0 &&
			   parse_seeds(arg + 8, &a, &b)) {
			seeds = true;
		} else if ((taken = host_dir_option("diff", argc, argv, &i)) ||
			   (taken = oracle_limit_option("diff", arg,
							&o.oracle))) {
			if (taken < 0)
				return 2;
		} else if (strncmp(arg, "--save=", 7) == 0) {
			o.save_dir = arg + 7;
		} else if (strncmp(arg, "--ops=", 6) == 0 &&
			   parse_u64(arg + 6, &v) && v > 0 && v <= 100000) {
			o.gen.ops = (unsigned int)v;
		} else if (strncmp(arg, "--tasks=", 8) == 0 &&
			   parse_u64(arg + 8, &v) && v > 0 &&
			   v <= GEN_MAX_TASKS) {
			o.gen.tasks = (unsigned int)v;
		} else if (strcmp(arg, "--check=each") == 0) {
			o.check = OBJVM_CHECK_EACH_CALL;
		} else if (strcmp(arg, "--check=end") == 0) {
			o.check = OBJVM_CHECK_AT_END;
		} else if (strcmp(arg, "--check=off") == 0) {
			o.check = OBJVM_CHECK_OFF;
		} else {
			fprintf(stderr, "objvm diff: bad option '%s'\n", arg);
			fputs(diff_usage, stderr);
			return 2;
		}
	}
	if (!seeds && nr == 0) {
		fputs("objvm diff: no scenario file\n", stderr);
		fputs(diff_usage, stderr);
		return 2;
	}
	if (do_reduce) {
		if (nr != 1 || seeds) {
			fputs("objvm diff: --reduce takes one file\n", stderr);
			return 2;
		}
		i = reduce(argv[0], &o);
		free_known(&o);
		return i;
	}
	/* Parse every file first: a syntax error runs nothing. */
	struct scn_script *scripts = calloc((size_t)nr + 1, sizeof(*scripts));

	if (!scripts)
		return 2;
	for (i = 0; i < nr; i++) {
		if (scn_parse_file(&scripts[i], argv[i]) != 0) {
			scn_print_errors(&scripts[i], stderr);
			ok = false;
		}
	}
	for (i = 0; i < nr && ok; i++) {
		char *text = read_text(argv[i]);

		begin_msgs();
		count(scripts[i].file, diff_script(&scripts[i], text, &o), &o,
		      &n);
		free(text);
		fflush(stdout);
	}
	if (ok && seeds) {
		if (o.save_dir)
			mkdir(o.save_dir, 0777); /* may exist */
		diff_seeds(a, b, &o, &n);
	}
	for (i = 0; i < nr; i++)
		scn_free(&scripts[i]);
	free(scripts);
	free_known(&o);
	if (!ok)
		return 2;
	if (!json)
		printf("diff: %lu scenarios, %lu differ, %lu known\n",
		       n.scenarios, n.differing, n.known);
	return n.differing ? 1 : 0;
}
