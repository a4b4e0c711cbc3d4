/*
 * tools/objvm/main.c - the objvm command: subcommands, help and version.
 *
 * `objvm NAME ARGS...` runs the subcommand NAME from subcommands[];
 * `objvm help [NAME]` prints help for objvm, for a subcommand, or for a
 * scenario command (from the command table in commands.c).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "run.h"

static int help_main(int argc, char **argv);

static const struct subcommand subcommands[] = {
	{"run", run_main,
	 "[--check=each|end|off] [--format=text|json] [--show] "
	 "[--host-dir DIR] FILE...",
	 "run scenario files on libobjvm and print their transcripts"},
	{"oracle", oracle_main,
	 "[--keep] [--tmpdir=DIR] [--host-dir DIR] [--format=text|json] "
	 "FILE...",
	 "run scenario files on the live Linux kernel (docs/oracle.md)"},
	{"diff", diff_main,
	 "[-v] [--status] [--check=each|end|off] [--format=text|json] "
	 "[--known=LIST] FILE... | --seeds=A-B [--ops=K] [--tasks=T] "
	 "[--save=DIR] | --reduce FILE",
	 "run scenarios on objvm and on the kernel; print the differences"},
	{"gen", gen_main,
	 "--seed N [--ops K] [--tasks T] [--with=FEATURES] "
	 "[--without=FEATURES]",
	 "write a random valid scenario for objvm diff"},
	{"help", help_main, "[COMMAND]",
	 "show help for objvm, a subcommand or a scenario command"},
};

#define NR_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static const struct subcommand *subcommand_find(const char *name)
{
	size_t i;

	for (i = 0; i < NR_SUBCOMMANDS; i++)
		if (strcmp(subcommands[i].name, name) == 0)
			return &subcommands[i];
	return NULL;
}

static const struct command *command_find(const char *name)
{
	int verb = scn_verb_lookup(name);

	return verb < 0 ? NULL : &commands[verb];
}

static void usage(FILE *out)
{
	size_t i;

	fputs("usage: objvm COMMAND [ARGS...]\n"
	      "       objvm --help | --version\n\ncommands:\n",
	      out);
	for (i = 0; i < NR_SUBCOMMANDS; i++) {
		fprintf(out, "  %s %s\n      %s\n", subcommands[i].name,
			subcommands[i].usage, subcommands[i].help);
		help_options(out, subcommands[i].name);
	}
	fputs("\nscenario commands (objvm help COMMAND; objvm(1);\n"
	      "docs/scenario-language.md):\n",
	      out);
	for (i = 0; i < SCN_NR_VERBS; i++) {
		fputs("  ", out);
		help_usage(out, (enum scn_verb)i);
		fputc('\n', out);
	}
	fputs("\ncounters: objvm help stats\n", out);
}

static int help_main(int argc, char **argv)
{
	const struct subcommand *sub;
	const struct command *c;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	if ((sub = subcommand_find(argv[1]))) {
		printf("usage: objvm %s %s\n\n%s\n", sub->name, sub->usage,
		       sub->help);
		if (strcmp(sub->name, "help") != 0)
			fputs("\noptions:\n", stdout);
		help_options(stdout, sub->name);
		help_example(stdout, sub->name);
		return 0;
	}
	if ((c = command_find(argv[1]))) {
		help_verb(stdout, (enum scn_verb)(c - commands));
		return 0;
	}
	fprintf(stderr, "objvm help: no command '%s'\n", argv[1]);
	return 2;
}

int main(int argc, char **argv)
{
	const struct subcommand *sub;
	unsigned int v;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return help_main(1, argv);
	if (strcmp(argv[1], "--version") == 0) {
		v = objvm_version();
		printf("objvm %s (libobjvm %u.%u.%u)\n", OBJVM_VERSION_STRING,
		       v >> 16, (v >> 8) & 0xff, v & 0xff);
		return 0;
	}
	sub = subcommand_find(argv[1]);
	if (!sub) {
		fprintf(stderr,
			"objvm: unknown command '%s' (try objvm --help)\n",
			argv[1]);
		return 2;
	}
	return sub->main(argc - 1, argv + 1);
}
