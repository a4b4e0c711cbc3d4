/*
 * tools/objvm/oracle.h - running scenarios on the live Linux kernel.
 *
 * `objvm oracle` executes a parsed scenario (scenario.h) with real
 * processes and real system calls, and prints the same transcript as
 * `objvm run` (shared/spec/scenario-language.md, section 4).  `objvm diff`
 * runs a scenario both ways and compares the two; `objvm gen` writes
 * random scenarios for it.  docs/oracle.md describes the design.
 *
 * Processes (oracle.c, oracle_task.c):
 *
 *   controller            parses nothing itself: it walks the script,
 *     |                   decides what must be skipped, sends each
 *     |                   `T: ...` command to T's process and prints the
 *     |                   transcript.
 *     +-- task A          `spawn A`: a fork of the controller that serves
 *     +-- task B          commands over a socket (the command's index in
 *     |   +-- task C      the script, which every process holds since
 *                         fork copied it).  `B: fork C` is a real fork of
 *                         B's process.  The controller is the subreaper
 *                         of them all: it reads how a task died from its
 *                         zombie, and reaps every one at the end.
 *
 * Each task process keeps its own names (tasks.c): descriptors are real
 * descriptors, mapping names real addresses, and fork copies both.
 *
 * Safety (oracle_mem.c): a task process refuses, with `skip`, any command
 * that would change, or read, memory the scenario did not map itself.
 */
#ifndef OBJVM_TOOLS_ORACLE_H
#define OBJVM_TOOLS_ORACLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "result.h"
#include "scenario.h"

/* The descriptor a task process talks to the controller on. */
#define ORACLE_CHAN_FD 1000
/* The descriptor of the files directory, which a task process opens
 * every scenario path below (beneath.h), whatever its uid. */
#define ORACLE_DIR_FD  1001

/*
 * The private directory (oracle.c): DIR, made by mkdtemp, mode 0700 and
 * owned by whoever runs the oracle, so no other user can reach into it;
 * the scenario's files live in DIR/files (mode 0777, for tasks spawned
 * with another uid, which reach it through ORACLE_DIR_FD, opened before
 * they drop their privileges).  DIR/.running exists while the run that
 * made it holds a lock on DIR: a directory with the file but no lock was
 * left by an oracle that was killed, and the next one removes it.
 */
#define ORACLE_FILES   "files"
#define ORACLE_RUNNING ".running"

/* What the oracle made of one command (struct oracle_line.flags). */
#define ORACLE_SKIP    (1u << 0) /* printed `skip` */
#define ORACLE_REFUSED (1u << 1) /* skip: the safety rule refused it */
#define ORACLE_FAILED  (1u << 2) /* `error: ...`: fails the run */
#define ORACLE_EXITED  (1u << 3) /* reply only: the task process ends */
#define ORACLE_FORKED  (1u << 4) /* reply only: a child's channel comes */
#define ORACLE_LIMIT   (1u << 5) /* `error:` the host limits: run stopped */
#define ORACLE_UNRUN   (1u << 6) /* skip: its task cannot run here */

/*
 * The host's memory a scenario may hold (oracle.c, "host limits" in
 * docs/oracle.md): populated or locked by its tasks, summed over them.
 */
#define ORACLE_MAX_MEM    (2ULL << 30)   /* --max-host-mem */
#define ORACLE_MAX_LOCKED (256ULL << 20) /* --max-host-locked */

struct oracle_opts {
	const char *tmp_parent; /* NULL: $OBJVM_ORACLE_TMPDIR, else /var/tmp */
	bool keep_dir;          /* leave the private directory in place */
	uint64_t max_mem;       /* 0: ORACLE_MAX_MEM */
	uint64_t max_locked;    /* 0: ORACLE_MAX_LOCKED */
};

/*
 * oracle_limit_option - is @arg `--max-host-mem=SIZE` or
 * `--max-host-locked=SIZE`?  1: taken into @opts, 0: another argument,
 * -1: a bad SIZE (printed, for `objvm @prog`).
 */
int oracle_limit_option(const char *prog, const char *arg,
			struct oracle_opts *opts);

/* One command's result. */
struct oracle_line {
	char *text;
	unsigned int flags; /* ORACLE_SKIP, _REFUSED, _FAILED, _LIMIT, _UNRUN */
};

struct oracle_result {
	struct oracle_line *lines; /* one per command of the script */
	size_t nr_lines;
	char dir[4096];    /* the private directory ("" if none was made) */
	bool mismatch;     /* an expectation did not hold, or error: */
	bool setup_failed; /* the directory or a process could not be had */
};

/*
 * oracle_run_script - run @script on the kernel, print its transcript to
 * @out (NULL: print nothing) and fill @res.  With @opts->keep_dir the
 * private directory stays for the caller to read and remove (see
 * oracle_remove_dir()).  Every process the run started has exited when
 * this returns.
 * Return: 0 if every expectation held, 1 otherwise (the exit status of
 * `objvm run`).
 */
int oracle_run_script(const struct scn_script *script, FILE *out,
		      const struct oracle_opts *opts,
		      struct oracle_result *res);

void oracle_result_free(struct oracle_result *res);

/* oracle_remove_dir - remove @dir and everything below it. */
int oracle_remove_dir(const char *dir);

/* oracle_files_open - the files directory of private directory @dir,
 * opened O_PATH, for beneath_open(); -1 if it is not there. */
int oracle_files_open(const char *dir);

/* The huge page pool the oracle found: true if hugetlb commands can run. */
bool oracle_have_hugetlb(void);

/* Does this sysctl setting change what a program can observe (spec 4)? */
bool oracle_sysctl_observable(const char *name, const char *value);

/* Is @path (a scenario PATH) safe to place below the private directory? */
bool oracle_path_safe(const char *path);

/* --- oracle_task.c: the task process ------------------------------------ */

/*
 * oracle_task_serve - the body of a task process: serve commands on
 * ORACLE_CHAN_FD until the controller closes it or the task exits.
 * Never returns.
 */
void oracle_task_serve(const struct scn_script *script, const char *name)
	__attribute__((noreturn));

/* Request, controller -> task process: run command @idx, holding at
 * most @mem_left more bytes of the host's memory, @lock_left locked. */
struct oracle_request {
	uint32_t idx;
	uint32_t pad;
	uint64_t mem_left, lock_left;
};

/* Reply header, task process -> controller; the text follows. */
struct oracle_reply {
	uint32_t flags;
	uint32_t len;
	int32_t pid; /* ORACLE_FORKED: the child's pid */
	uint32_t pad;
	/* what the command may have added to the memory it holds (an
	 * upper bound), and to what it has locked */
	uint64_t mem_charge, lock_charge;
};

/* --- oracle_mem.c: memory the scenario owns, and the safety rule -------- */

/* How a range will be used, for oracle_mem_check(). */
enum oracle_use {
	ORACLE_READ,   /* load, touch r, mincore: may fault, changes nothing */
	ORACLE_WRITE,  /* store, touch w: may fault, writes scenario memory */
	ORACLE_CHANGE, /* munmap, mprotect, madvise, mlock, msync, remap */
	ORACLE_CREATE, /* a fixed mapping or mremap target: replaces it */
	ORACLE_EXPAND, /* mremap growing in place: takes only free room */
};

/*
 * oracle_mem_init - prepare this process's address space: fill the holes
 * between the oracle's own mappings and put a PROT_NONE guard below them,
 * so that scenario mappings go below the guard, one after the other.
 */
void oracle_mem_init(void);

/* The scenario mapped (or unmapped) [start, end). */
void oracle_mem_own(uint64_t start, uint64_t end);
void oracle_mem_disown(uint64_t start, uint64_t end);

/*
 * oracle_mem_check - may [start, end) be used as @use?  False when any
 * part of it is memory the scenario did not map (the oracle's code, heap,
 * stack, libraries, vdso, its guard, or the room its heap and stack grow
 * into); reading the guard is allowed, since it only faults.
 */
bool oracle_mem_check(uint64_t start, uint64_t end, enum oracle_use use);

/* The bytes of [start, end) that the scenario owns (mapped itself). */
uint64_t oracle_mem_owned_in(uint64_t start, uint64_t end);

enum oracle_probe {
	ORACLE_PROBE_READ,       /* load, touch r: read the byte */
	ORACLE_PROBE_WRITE,      /* store: write it as it is (one access) */
	ORACLE_PROBE_READ_WRITE, /* touch w: read it, then store it back */
};

/*
 * oracle_probe - access the byte at @addr as @how says, catching the
 * fault: returns 0, SIGSEGV or SIGBUS (then *@fault is @addr).
 */
int oracle_probe(uint64_t addr, enum oracle_probe how, uint64_t *fault);

/* oracle_mem_owned - the @i-th span the scenario owns, in address order;
 * false past the last. */
bool oracle_mem_owned(size_t i, uint64_t *start, uint64_t *end);

/* --- oracle_maps.c: `T: maps` from /proc/self/maps ----------------------- */

struct run_task;
struct result;
/* oracle_maps - this process's VMAs, cut to what the scenario owns and
 * written as `objvm run` writes them; @root is the private directory. */
void oracle_maps(const struct run_task *self, const char *root,
		 struct result *res);

#endif /* OBJVM_TOOLS_ORACLE_H */
