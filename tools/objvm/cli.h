/*
 * tools/objvm/cli.h - the subcommands of the objvm tool.
 *
 * main.c dispatches `objvm NAME ARGS...` through a table of these; a new
 * subcommand (oracle, diff, gen) is a function here and one table entry.
 */
#ifndef OBJVM_TOOLS_CLI_H
#define OBJVM_TOOLS_CLI_H

struct subcommand {
	const char *name;
	/* argv[0] is the subcommand's name; returns the exit status */
	int (*main)(int argc, char **argv);
	const char *usage; /* the arguments, after the name */
	const char *help;
};

/* run.c: `objvm run [--check=each|end|off] FILE...`. */
int run_main(int argc, char **argv);

/* oracle.c, diff.c, gen.c: the kernel oracle (docs/oracle.md). */
int oracle_main(int argc, char **argv);
int diff_main(int argc, char **argv);
int gen_main(int argc, char **argv);

#endif /* OBJVM_TOOLS_CLI_H */
