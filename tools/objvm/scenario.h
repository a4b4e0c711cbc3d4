/*
 * tools/objvm/scenario.h - the parsed form of an objvm scenario file.
 *
 * parse.c reads a whole scenario (shared/spec/scenario-language.md) into an
 * array of struct scn_cmd before anything runs.  The tree records only what
 * the text says, with every lexical and usage rule already checked: integers
 * are evaluated (suffixes applied), strings decoded, flag words turned into
 * SCN_* bits, and defaults filled in.  Nothing here calls libobjvm, so any
 * executor can take the tree as is: `objvm run` (run.c, commands.c) and the
 * kernel oracle both dispatch on cmd->verb.
 *
 * What is left for the executor is what depends on run-time state: whether
 * a task exists, whether a descriptor or mapping name is bound in that task,
 * and the value of a mapping name in an address expression.
 *
 * Interface:
 *   scn_parse() / scn_parse_file()  text -> struct scn_script
 *   scn_print_errors()              "FILE:LINE:COL: message" lines
 *   scn_free()                      release everything the script owns
 *   scn_verb_*()                    the verb table (name, scope, usage, help)
 *   scn_data_fill()                 the bytes a DATA operand stands for
 */
#ifndef OBJVM_TOOLS_SCENARIO_H
#define OBJVM_TOOLS_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SCN_PAGE_SIZE  4096ULL      /* the `p` suffix */
#define SCN_HPAGE_SIZE (2ULL << 20) /* the `h` suffix */
#define SCN_MAX_ERRORS 50           /* per file; more are not recorded */
#define SCN_PTES_MAX   (1ULL << 30) /* the longest range `ptes` shows */
#define SCN_DATA_MAX   (1ULL << 30) /* the longest DATA operand */
/* machine mem=: what objvm_create() accepts (src/machine.c; test_parse
 * checks that the two agree). */
#define SCN_MEM_MIN    (64ULL << 10)
#define SCN_MEM_MAX    (64ULL << 30)

/* Whether a command is machine-wide or written `T: verb ...`. */
enum scn_scope {
	SCN_GLOBAL,
	SCN_TASK,
};

/*
 * The verb table: X(ID, word, scope, usage, help).  ID names the enum
 * constant SCN_<ID>; word is the command as written (and, by convention,
 * the suffix of each executor's handler name); usage lists the arguments.
 */
#define SCN_VERB_LIST(X)                                                       \
	X(MACHINE, machine, SCN_GLOBAL,                                        \
	  "[mem=SIZE] [swap=SIZE] [hugepages=N] [backing=memory|host:DIR] "    \
	  "[seed=N] [kswapd=on|off] [swapfile=PATH]",                          \
	  "configure the machine; only as the first command")                  \
	X(SYSCTL, sysctl, SCN_GLOBAL, "NAME[=VALUE]",                          \
	  "set a sysctl (ok or errno), or print its value")                    \
	X(SPAWN, spawn, SCN_GLOBAL, "T [uid=N] [cap=NAME[,NAME...]]",          \
	  "create task T with an empty address space")                         \
	X(CHECK, check, SCN_GLOBAL, "",                                        \
	  "run every invariant checker: ok or FAIL text")                      \
	X(RECLAIM, reclaim, SCN_GLOBAL, "N",                                   \
	  "reclaim up to N pages; prints how many were reclaimed")             \
	X(DROP_CACHES, drop_caches, SCN_GLOBAL, "",                            \
	  "drop clean, unmapped page-cache pages")                             \
	X(STATS, stats, SCN_GLOBAL, "[NAME...]",                               \
	  "print counters as key=value (all, or the named ones)")              \
	X(OPEN, open, SCN_TASK,                                                \
	  "F PATH rdonly|wronly|rdwr [creat] [trunc] [excl]",                  \
	  "open PATH and bind descriptor name F")                              \
	X(CLOSE, close, SCN_TASK, "F", "close descriptor F")                   \
	X(UNLINK, unlink, SCN_TASK, "PATH", "remove PATH from the namespace")  \
	X(FTRUNCATE, ftruncate, SCN_TASK, "F SIZE",                            \
	  "set the size of the file open as F")                                \
	X(WRITE, write, SCN_TASK, "F OFF DATA",                                \
	  "pwrite DATA at OFF; prints the bytes written")                      \
	X(READ, read, SCN_TASK, "F OFF LEN [as=str|u64|sum]",                  \
	  "pread LEN bytes at OFF; prints them")                               \
	X(FSYNC, fsync, SCN_TASK, "F", "write the file's dirty pages back")    \
	X(FSTAT, fstat, SCN_TASK, "F", "print size=N")                         \
	X(MMAP, mmap, SCN_TASK, "M LEN PROT FLAGS [F [OFF]] [at=ADDR]",        \
	  "map a file or anonymous memory and bind mapping name M")            \
	X(MUNMAP, munmap, SCN_TASK, "ADDR LEN", "unmap a range")               \
	X(MPROTECT, mprotect, SCN_TASK, "ADDR LEN PROT",                       \
	  "change the protection of a range")                                  \
	X(MREMAP, mremap, SCN_TASK, "M NEWLEN [maymove] [fixed=ADDR]",         \
	  "resize (or move) the range M was bound with, and rebind M")         \
	X(MSYNC, msync, SCN_TASK, "ADDR LEN sync|async|invalidate[,...]",      \
	  "write back (or invalidate) a range of a file mapping")              \
	X(MADVISE, madvise, SCN_TASK,                                          \
	  "ADDR LEN dontneed|willneed|normal|random|sequential",               \
	  "give advice about a range")                                         \
	X(MLOCK, mlock, SCN_TASK, "ADDR LEN", "lock a range in memory")        \
	X(MUNLOCK, munlock, SCN_TASK, "ADDR LEN", "unlock a range")            \
	X(MINCORE, mincore, SCN_TASK, "ADDR LEN",                              \
	  "print one 0/1 per page: resident or not")                           \
	X(REMAP, remap, SCN_TASK, "ADDR LEN PGOFF [prot=N] [nonblock] [fd=F]", \
	  "remap_file_pages: show file page PGOFF.. at ADDR")                  \
	X(LOAD, load, SCN_TASK, "ADDR LEN [as=str|u64|sum]",                   \
	  "read memory like a CPU: the bytes, SIGSEGV, SIGBUS or OOM")         \
	X(STORE, store, SCN_TASK, "ADDR DATA",                                 \
	  "write memory like a CPU: ok, SIGSEGV, SIGBUS or OOM")               \
	X(TOUCH, touch, SCN_TASK, "ADDR LEN [r|w]",                            \
	  "access one byte of every page: ok, or the first page that faulted") \
	X(FORK, fork, SCN_TASK, "C",                                           \
	  "create task C with a copy-on-write copy of this task")              \
	X(EXIT, exit, SCN_TASK, "",                                            \
	  "release the task's address space and descriptors")                  \
	X(MAPS, maps, SCN_TASK, "", "list the task's VMAs")                    \
	X(PTES, ptes, SCN_TASK, "ADDR LEN",                                    \
	  "print one character per page: the state of its pte (objvm only)")

enum scn_verb {
#define SCN_VERB_ENUM(id, word, scope, usage, help) SCN_##id,
	SCN_VERB_LIST(SCN_VERB_ENUM)
#undef SCN_VERB_ENUM
		SCN_NR_VERBS
};

/* PROT words: r, w, x and their combinations, `none` = 0. */
#define SCN_PROT_READ  0x1
#define SCN_PROT_WRITE 0x2
#define SCN_PROT_EXEC  0x4

/* mmap FLAGS words. */
#define SCN_MAP_SHARED          (1u << 0)
#define SCN_MAP_PRIVATE         (1u << 1)
#define SCN_MAP_ANON            (1u << 2)
#define SCN_MAP_FIXED           (1u << 3)
#define SCN_MAP_FIXED_NOREPLACE (1u << 4)
#define SCN_MAP_POPULATE        (1u << 5)
#define SCN_MAP_NONBLOCK        (1u << 6)
#define SCN_MAP_LOCKED          (1u << 7)
#define SCN_MAP_NORESERVE       (1u << 8)
#define SCN_MAP_HUGETLB         (1u << 9)
#define SCN_MAP_NONLINEAR       (1u << 10)

/* open words besides the access mode. */
#define SCN_O_CREAT (1u << 0)
#define SCN_O_TRUNC (1u << 1)
#define SCN_O_EXCL  (1u << 2)

/* msync words (a comma list; the spec names one, more are an extension). */
#define SCN_MS_SYNC       (1u << 0)
#define SCN_MS_ASYNC      (1u << 1)
#define SCN_MS_INVALIDATE (1u << 2)

/* spawn cap= words. */
#define SCN_CAP_IPC_LOCK (1u << 0)

/* Which machine keys were written (the values always hold defaults). */
#define SCN_MACHINE_MEM       (1u << 0)
#define SCN_MACHINE_SWAP      (1u << 1)
#define SCN_MACHINE_HUGEPAGES (1u << 2)
#define SCN_MACHINE_BACKING   (1u << 3)
#define SCN_MACHINE_SEED      (1u << 4)
#define SCN_MACHINE_KSWAPD    (1u << 5) /* extension: kswapd=on|off */
#define SCN_MACHINE_SWAPFILE  (1u << 6) /* extension: swapfile=PATH */

enum scn_access {
	SCN_RDONLY,
	SCN_WRONLY,
	SCN_RDWR,
};

enum scn_advice {
	SCN_ADV_NORMAL,
	SCN_ADV_RANDOM,
	SCN_ADV_SEQUENTIAL,
	SCN_ADV_WILLNEED,
	SCN_ADV_DONTNEED,
};

/* How load/read print the bytes: `as=`, or AUTO when not written. */
enum scn_as {
	SCN_AS_AUTO, /* a string up to 256 bytes, else fnv1a64 */
	SCN_AS_STR,
	SCN_AS_U64, /* the parser guarantees LEN == 8 */
	SCN_AS_SUM,
};

/* ADDR: `M`, `M+N`, `M-N` (name set) or an absolute integer (name NULL). */
struct scn_addr {
	const char *name; /* mapping name, or NULL */
	int64_t off;      /* with a name: the signed offset from its start */
	uint64_t abs;     /* without a name: the address */
};

enum scn_data_kind {
	SCN_DATA_STRING,  /* "..." */
	SCN_DATA_FILL,    /* fill(B,N) */
	SCN_DATA_PATTERN, /* pattern(N): write only; N, OFF multiples of 8 */
};

/* DATA: what write and store put down; scn_data_fill() expands it. */
struct scn_data {
	enum scn_data_kind kind;
	uint64_t len;               /* bytes it stands for */
	const unsigned char *bytes; /* SCN_DATA_STRING: the decoded bytes */
	unsigned char fill;         /* SCN_DATA_FILL: the byte */
};

struct scn_machine {
	unsigned int given;      /* SCN_MACHINE_* keys that were written */
	uint64_t mem;            /* bytes; default 64M */
	uint64_t swap;           /* bytes; default 0 */
	uint64_t hugepages;      /* huge pages; default 0 */
	const char *backing_dir; /* host:DIR, or NULL for backing=memory */
	uint64_t seed;           /* default 0 */
	bool kswapd;             /* default off (deterministic runs) */
	const char *swapfile;    /* swap in this host file (under
				    --host-dir), or NULL: in host memory */
};

struct scn_sysctl {
	const char *name;
	const char *value; /* NAME=VALUE (may be ""), or NULL to read it */
};

struct scn_spawn {
	const char *task;
	unsigned int uid;  /* default 0 */
	unsigned int caps; /* SCN_CAP_* */
};

struct scn_stats {
	const char *const *names; /* NULL when nr == 0: every counter */
	size_t nr;
};

struct scn_open {
	const char *fd;   /* descriptor name to bind */
	const char *path; /* starts with '/' */
	enum scn_access access;
	unsigned int flags; /* SCN_O_* */
};

struct scn_ftruncate {
	const char *fd;
	uint64_t size;
};

struct scn_write {
	const char *fd;
	uint64_t off;
	struct scn_data data;
};

struct scn_read {
	const char *fd;
	uint64_t off;
	uint64_t len;
	enum scn_as as;
};

struct scn_mmap {
	const char *map; /* mapping name to bind */
	uint64_t len;
	unsigned int prot;  /* SCN_PROT_* */
	unsigned int flags; /* SCN_MAP_*: exactly one of SHARED, PRIVATE */
	const char *fd;     /* descriptor name, or NULL (always NULL if ANON) */
	uint64_t off;       /* default 0 */
	bool has_at;
	struct scn_addr at; /* at=ADDR: the address hint */
};

struct scn_range {
	struct scn_addr addr;
	uint64_t len;
};

struct scn_mprotect {
	struct scn_range range;
	unsigned int prot; /* SCN_PROT_* */
};

struct scn_mremap {
	const char *map; /* remaps the range M was last bound with */
	uint64_t new_len;
	bool maymove;
	bool has_fixed;
	struct scn_addr fixed; /* fixed=ADDR */
};

struct scn_msync {
	struct scn_range range;
	unsigned int flags; /* SCN_MS_*, at least one */
};

struct scn_madvise {
	struct scn_range range;
	enum scn_advice advice;
};

struct scn_remap {
	struct scn_addr addr;
	uint64_t len;
	uint64_t pgoff;
	unsigned int prot; /* prot=N, default 0 */
	bool nonblock;
	const char *fd; /* fd=F, or NULL */
};

struct scn_load {
	struct scn_addr addr;
	uint64_t len;
	enum scn_as as;
};

struct scn_store {
	struct scn_addr addr;
	struct scn_data data; /* never SCN_DATA_PATTERN */
};

struct scn_touch {
	struct scn_range range;
	bool write; /* `w`; default `r` */
};

/* One command line.  Strings point into memory the script owns. */
struct scn_cmd {
	unsigned int line; /* 1-based line number in the file */
	enum scn_verb verb;
	const char *task;   /* T of `T: verb`; NULL for SCN_GLOBAL verbs */
	const char *expect; /* text after `=>`, blanks trimmed; NULL if none */
	const char *text; /* the command as written, without `=>` or comment */
	union {
		struct scn_machine machine;
		struct scn_sysctl sysctl;
		struct scn_spawn spawn;
		uint64_t reclaim; /* pages */
		struct scn_stats stats;
		struct scn_open open;
		const char *fd;   /* close, fsync, fstat */
		const char *path; /* unlink */
		struct scn_ftruncate ftruncate;
		struct scn_write write;
		struct scn_read read;
		struct scn_mmap mmap;
		struct scn_range range; /* munmap, mlock, munlock, mincore */
		struct scn_mprotect mprotect;
		struct scn_mremap mremap;
		struct scn_msync msync;
		struct scn_madvise madvise;
		struct scn_remap remap;
		struct scn_load load;
		struct scn_store store;
		struct scn_touch touch;
		const char *child; /* fork */
	} u;
};

/* A syntax or usage error; line 0 means the file as a whole (I/O). */
struct scn_error {
	unsigned int line;
	unsigned int col; /* 1-based, in characters; tabs count as one */
	char msg[160];
};

struct scn_arena; /* parse.c: storage for strings and name arrays */

struct scn_script {
	const char *file; /* the name used in messages */
	struct scn_cmd *cmds;
	size_t nr_cmds;
	struct scn_error *errors;
	size_t nr_errors;  /* at most SCN_MAX_ERRORS are recorded */
	size_t nr_dropped; /* errors past SCN_MAX_ERRORS: counted only */
	struct scn_arena *arena;
};

/*
 * scn_parse - parse @len bytes of scenario @text; @file names it in
 * messages.  Parses every line, recording at most one error per line.
 *
 * Return: 0, or -1 when @script->errors holds at least one error.  Either
 * way @script must later be released with scn_free().
 */
int scn_parse(struct scn_script *script, const char *file, const char *text,
	      size_t len);

/* scn_parse_file - read @path ("-": standard input) and scn_parse() it. */
int scn_parse_file(struct scn_script *script, const char *path);

/* scn_print_errors - print each error as FILE:LINE:COL: message (an error
 * about the file itself as objvm: FILE: message), bytes that are not
 * printable as \xHH, then how many errors were not recorded. */
void scn_print_errors(const struct scn_script *script, FILE *out);

void scn_free(struct scn_script *script);

/* The default machine: what a script without `machine` runs on. */
void scn_machine_defaults(struct scn_machine *machine);

/* The verb table; scn_verb_lookup() returns -1 for an unknown word. */
int scn_verb_lookup(const char *word);
const char *scn_verb_name(enum scn_verb verb);
enum scn_scope scn_verb_scope(enum scn_verb verb);
const char *scn_verb_usage(enum scn_verb verb);
const char *scn_verb_help(enum scn_verb verb);

/*
 * scn_data_fill - write the @data->len bytes @data stands for into @buf;
 * @off is the file offset they go to (used by pattern(N) only).
 */
void scn_data_fill(const struct scn_data *data, uint64_t off,
		   unsigned char *buf);

#endif /* OBJVM_TOOLS_SCENARIO_H */
