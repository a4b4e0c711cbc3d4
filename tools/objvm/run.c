/*
 * tools/objvm/run.c - `objvm run`: execute scenarios on libobjvm.
 *
 * Every file named is parsed first; if any has a syntax or usage error,
 * the errors are printed and nothing runs (exit status 2).  Then each file
 * runs on a fresh machine and prints its transcript, one `LINE: RESULT`
 * per command.  The exit status is 1 if any expectation did not hold, any
 * command ended in `error:`, any invariant check failed or the data of a
 * file could not be written back when the machine ended, else 0.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hostdir.h"
#include "run.h"

static const char run_usage[] = "usage: objvm run [--check=each|end|off] "
				"[--format=text|json] [--show] "
				"[--host-dir DIR] FILE...\n";

/* --format=json: JSON Lines instead of the transcript (json.c). */
static struct json_out json_out;
static struct json_out *json;
/* --show: each task's VMAs and ptes after a command that changed them. */
static bool show;

static int check_level(const char *word, enum objvm_check_level *level)
{
	if (strcmp(word, "each") == 0)
		*level = OBJVM_CHECK_EACH_CALL;
	else if (strcmp(word, "end") == 0)
		*level = OBJVM_CHECK_AT_END;
	else if (strcmp(word, "off") == 0)
		*level = OBJVM_CHECK_OFF;
	else
		return -1;
	return 0;
}

/* The task a `T: ...` command names, if it can still run commands. */
struct run_task *live_task(struct run_ctx *ctx, const char *name,
			   struct result *res)
{
	struct run_task *t = task_find(ctx, name);

	if (!t)
		result_error(res, "no task %s", name);
	else if (t->exited)
		result_error(res, "task %s has exited", name);
	else if (!objvm_task_alive(t->task))
		result_error(res, "task %s no longer exists", name);
	else
		return t;
	return NULL;
}

/* Run one command and print its transcript line; false if it failed. */
static bool run_command(struct run_ctx *ctx, const struct scn_cmd *cmd,
			struct result *res)
{
	struct run_task *t = NULL;

	result_reset(res);
	if (cmd->verb != SCN_MACHINE && !ctx->vm) {
		result_error(res, "no machine (objvm_create: ");
		put_errno(res, ctx->create_err);
		result_printf(res, ")");
	} else if (!cmd->task || (t = live_task(ctx, cmd->task, res))) {
		commands[cmd->verb].handler(ctx, t, cmd, res);
	}
	if (json) {
		bool ok =
			!res->failed &&
			(!cmd->expect || result_matches(res->buf, cmd->expect));

		json_command(json, cmd->line, cmd->text, res->buf, cmd->expect,
			     ok);
		return ok;
	}
	if (!transcript_line(stdout, cmd->line, res->buf, cmd->expect)) {
		if (show && ctx->vm)
			show_changes(ctx, stdout);
		return false;
	}
	if (show && ctx->vm)
		show_changes(ctx, stdout);
	return !res->failed;
}

/* The --check pass after a command (or at the end); false if it failed. */
static bool run_check(struct run_ctx *ctx, unsigned int line,
		      struct result *res)
{
	if (!ctx->vm)
		return true;
	result_reset(res);
	if (machine_check(ctx, res))
		return true;
	if (json) {
		json_command(json, line, "check (--check)", res->buf, NULL,
			     false);
		return false;
	}
	printf("%u: check %s\n", line, res->buf);
	fflush(stdout);
	return false;
}

static bool run_teardown(struct run_ctx *ctx, const char *file)
{
	char path[4096];
	bool ok = true;
	int wb_err = 0;

	if (ctx->vm &&
	    objvm_destroy_report(ctx->vm, &wb_err, path, sizeof(path)) != 0) {
		fprintf(stderr,
			"objvm: %s: the check at objvm_destroy failed\n", file);
		ok = false;
	}
	if (wb_err) {
		fprintf(stderr,
			"objvm: data of %s could not be written back: %s\n",
			path, objvm_errname(wb_err));
		ok = false;
	}
	ctx->vm = NULL;
	tasks_free(ctx);
	return ok;
}

/* Run @script on a fresh machine; true if nothing failed. */
static bool run_script(const struct scn_script *script,
		       enum objvm_check_level check)
{
	struct run_ctx ctx = {.check = check};
	struct result res = {0};
	bool ok = true;
	size_t i;

	if (script->nr_cmds == 0)
		return true;
	result_reset(&res);
	if (script->cmds[0].verb != SCN_MACHINE) {
		struct scn_machine defaults;

		scn_machine_defaults(&defaults);
		machine_create(&ctx, &defaults, &res);
	}
	for (i = 0; i < script->nr_cmds; i++) {
		if (!run_command(&ctx, &script->cmds[i], &res))
			ok = false;
		if (check == OBJVM_CHECK_EACH_CALL &&
		    !run_check(&ctx, script->cmds[i].line, &res))
			ok = false;
	}
	if (check == OBJVM_CHECK_AT_END &&
	    !run_check(&ctx, script->cmds[i - 1].line, &res))
		ok = false;
	if (json)
		json_summary(json, script->file, ctx.vm);
	if (!run_teardown(&ctx, script->file))
		ok = false;
	result_free(&res);
	return ok;
}

/*
 * Parse the options into @check and gather the files, in place, at the
 * front of @argv; options and files may come in any order, and "--" ends
 * the options.  Returns the number of files, or -1 after a usage error.
 */
static int run_options(int argc, char **argv, enum objvm_check_level *check)
{
	bool options = true;
	int i, nr = 0, taken;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!options || arg[0] != '-' || arg[1] == '\0') {
			argv[nr++] = argv[i];
		} else if (strcmp(arg, "--") == 0) {
			options = false;
		} else if (strcmp(arg, "-h") == 0 ||
			   strcmp(arg, "--help") == 0) {
			fputs(run_usage, stdout);
			exit(0);
		} else if (strcmp(arg, "--show") == 0) {
			show = true;
		} else if (strcmp(arg, "--format=json") == 0) {
			json_out.out = stdout;
			json = &json_out;
		} else if (strcmp(arg, "--format=text") == 0) {
			json = NULL;
		} else if (strncmp(arg, "--format=", 9) == 0) {
			fprintf(stderr, "objvm run: bad --format '%s'\n",
				arg + 9);
			return -1;
		} else if ((taken = host_dir_option("run", argc, argv, &i))) {
			if (taken < 0)
				return -1;
		} else if (strncmp(arg, "--check=", 8) != 0) {
			fprintf(stderr, "objvm run: unknown option '%s'\n",
				arg);
			return -1;
		} else if (check_level(arg + 8, check) != 0) {
			fprintf(stderr, "objvm run: bad --check '%s'\n",
				arg + 8);
			return -1;
		}
	}
	if (show && json) {
		fputs("objvm run: --show is for the text transcript\n", stderr);
		return -1;
	}
	return nr;
}

/* Parse every file; print the errors.  Returns false if there were any. */
static bool parse_all(struct scn_script *scripts, char **files, int n)
{
	bool ok = true;
	int i;

	for (i = 0; i < n; i++) {
		if (scn_parse_file(&scripts[i], files[i]) != 0) {
			scn_print_errors(&scripts[i], stderr);
			ok = false;
		}
	}
	return ok;
}

int run_main(int argc, char **argv)
{
	enum objvm_check_level check = OBJVM_CHECK_AT_END;
	int n = run_options(argc, argv, &check), i, status = 0;
	struct scn_script *scripts;

	if (n <= 0) {
		if (n == 0)
			fputs("objvm run: no scenario file\n", stderr);
		fputs(run_usage, stderr);
		return 2;
	}
	scripts = calloc((size_t)n, sizeof(*scripts));
	if (!scripts)
		return 2;
	if (!parse_all(scripts, argv, n))
		status = 2;
	for (i = 0; i < n && status != 2; i++) {
		if (n > 1 && !json)
			printf("== %s\n", scripts[i].file);
		if (!run_script(&scripts[i], check))
			status = 1;
	}
	for (i = 0; i < n; i++)
		scn_free(&scripts[i]);
	free(scripts);
	return status;
}
