/*
 * tools/objvm/run.h - executing a parsed scenario on libobjvm.
 *
 * run.c walks the commands of a struct scn_script, finds the task a
 * `T: ...` command names, and calls that verb's handler from commands[]
 * (commands.c); the handler calls libobjvm and writes the result text.
 * tasks.c keeps the names a scenario binds: tasks (global), and per task
 * its descriptor names and mapping names.
 *
 * Uses only the public header: include/objvm.h.
 */
#ifndef OBJVM_TOOLS_RUN_H
#define OBJVM_TOOLS_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "objvm.h"
#include "result.h"
#include "scenario.h"

/* A descriptor name: bound by a successful open, kept after close. */
struct run_fd {
	const char *name;
	int fd;
};

/*
 * A mapping name: the start and length of the mmap or mremap that last
 * bound it.  Kept after munmap.  @seq orders bindings: when several names
 * cover an address, the one with the highest @seq names it.
 */
struct run_map {
	const char *name;
	uint64_t start, len;
	uint64_t seq;
};

/* A hash index over the names of one table (tasks.c). */
struct name_index {
	size_t *slots; /* position + 1 in the table; 0: empty */
	size_t cap;    /* a power of two, at least twice the names */
};

struct run_task {
	const char *name;
	struct objvm_task *task;
	bool exited; /* `T: exit` succeeded */
	struct run_fd *fds;
	size_t nr_fds;
	struct run_map *maps;
	size_t nr_maps;
	char *shown; /* --show: the picture printed last (show.c), or NULL */
	struct name_index fd_index, map_index;
};

struct run_ctx {
	struct objvm *vm; /* NULL before the machine exists, or if it failed */
	int create_err;   /* what objvm_create() returned, if it failed */
	enum objvm_check_level check;
	struct run_task **tasks;
	size_t nr_tasks;
	struct name_index task_index;
	uint64_t seq; /* last mapping-name binding */
	/* objvm diff: the host's vm.mmap_min_addr, given to every machine
	 * made, so that both sides run with the same setting; or NULL. */
	const char *mmap_min_addr;
};

/*
 * A command handler: carry out @cmd and leave its result in @res.  @t is
 * the live task a `T: ...` command names, NULL for machine-wide commands.
 */
typedef void command_fn(struct run_ctx *ctx, struct run_task *t,
			const struct scn_cmd *cmd, struct result *res);

struct command {
	const char *name;
	command_fn *handler;
	const char *usage; /* the arguments, after the name */
	const char *help;
};

/* One entry per verb, indexed by enum scn_verb. */
extern const struct command commands[SCN_NR_VERBS];

/* machine_create - make ctx->vm from @m; the result is ok or an errno. */
void machine_create(struct run_ctx *ctx, const struct scn_machine *m,
		    struct result *res);

/* put_errno - append the negative errno @err as `-ENAME`. */
void put_errno(struct result *res, long err);

/*
 * machine_check - run objvm_check(): the result is `ok` or `FAIL text`
 * (the report on one line).
 * Return: true for ok.
 */
bool machine_check(struct run_ctx *ctx, struct result *res);

/* --- show.c: maps, ptes and --show -------------------------------------- */

/* The `ptes` character for an enum objvm_pte_state. */
char pte_char(unsigned int state);
/* maps_put - append VMA @mi as `START-END PERMS OFFSET NAME`, after a
 * ` ; ` unless it is the first (@nr == 0). */
void maps_put(const struct run_task *t, const struct objvm_map_info *mi,
	      unsigned int nr, struct result *res);
command_fn cmd_ptes;
/* show_changes - print the VMAs and pte strips of every task whose
 * picture changed since the last call (`objvm run --show`). */
void show_changes(struct run_ctx *ctx, FILE *out);

/* --- help.c: objvm help ------------------------------------------------- */

/* `T: verb ARGS` or `verb ARGS`, as the usage of a scenario command. */
void help_usage(FILE *out, enum scn_verb verb);
/* Every form, option and value of @verb, and an example. */
void help_verb(FILE *out, enum scn_verb verb);
/* One line per counter: its name and what it counts. */
void help_stats(FILE *out);
/* The options of subcommand @name, one a line (nothing if it has none). */
void help_options(FILE *out, const char *name);
/* An example of subcommand @name (nothing if it has none). */
void help_example(FILE *out, const char *name);

/* --- json.c: --format=json ---------------------------------------------- */

struct json_out {
	FILE *out;
	unsigned long passed, failed; /* commands so far in this file */
	unsigned long skipped;        /* diff: lines not compared */
};

/* json_command - one command's object: its line, text, result, the
 * expectation (or NULL) and whether it held. */
void json_command(struct json_out *j, unsigned int line, const char *command,
		  const char *result, const char *expected, bool ok);
/* json_summary - the totals of @file and @vm's counters (@vm may be NULL:
 * "stats":null); resets the totals. */
void json_summary(struct json_out *j, const char *file, struct objvm *vm);
/* `objvm diff`: one command's two results, and a scenario's outcome. */
void json_diff_line(struct json_out *j, const struct scn_cmd *cmd,
		    const char *mine, const char *kern, bool compared, bool ok);
void json_diff_summary(struct json_out *j, const char *file, bool differ,
		       const char *known);

/* --- tasks.c ------------------------------------------------------------ */

struct run_task *task_find(const struct run_ctx *ctx, const char *name);
struct run_task *task_add(struct run_ctx *ctx, const char *name,
			  struct objvm_task *task);
/* task_copy_names - give a forked @child every name of @parent. */
void task_copy_names(struct run_task *child, const struct run_task *parent);
void tasks_free(struct run_ctx *ctx);

/* fd_resolve - the descriptor @name stands for in @t, else an error. */
bool fd_resolve(const struct run_task *t, const char *name, int *fd,
		struct result *res);
void fd_bind(struct run_task *t, const char *name, int fd);

/* map_find - the binding of mapping name @name in @t, or NULL. */
const struct run_map *map_find(const struct run_task *t, const char *name);
void map_bind(struct run_ctx *ctx, struct run_task *t, const char *name,
	      uint64_t start, uint64_t len);

/* addr_resolve - the value of ADDR @a in @t, else an error result. */
bool addr_resolve(const struct run_task *t, const struct scn_addr *a,
		  uint64_t *out, struct result *res);

/*
 * addr_print - append @addr as `M+0xHEX` for the latest-bound name of @t
 * whose range holds it, else as `0xHEX`.  A name covers the whole pages
 * of its length.  With @end, @addr is the end of a
 * range and a name covers it when start < @addr <= start + len.
 */
void addr_print(const struct run_task *t, uint64_t addr, bool end,
		struct result *res);

/* The task a `T: ...` command names if it can still run commands; else
 * NULL with an error: result in @res (run.c). */
struct run_task *live_task(struct run_ctx *ctx, const char *name,
			   struct result *res);

#endif /* OBJVM_TOOLS_RUN_H */
