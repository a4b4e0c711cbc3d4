/*
 * tests/unit/test_parse.c - the scenario tokenizer and parser.
 *
 * Includes tools/objvm/parse.c to reach its static helpers.  Every syntax
 * error is checked with its exact line, column and message, since scripts
 * and people rely on `FILE:LINE:COL: message`.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/objvm/hostdir.c"
#include "../../tools/objvm/parse.c"

#include "harness.h"

static struct scn_script script;
static char why[160];

static void teardown(void)
{
	scn_free(&script);
}

/* Parse @text; return its only command (the text must hold one). */
static const struct scn_cmd *one(const char *text)
{
	scn_free(&script);
	if (scn_parse(&script, "t.ovs", text, strlen(text)) != 0)
		ck_abort_msg("unexpected error in \"%s\": %u:%u: %s", text,
			     script.errors[0].line, script.errors[0].col,
			     script.errors[0].msg);
	ck_assert_uint_eq(script.nr_cmds, 1);
	return &script.cmds[0];
}

/* Parse @text and check that it has exactly one error, as given. */
static void err(const char *text, unsigned int line, unsigned int col,
		const char *msg)
{
	scn_free(&script);
	ck_assert_int_eq(scn_parse(&script, "t.ovs", text, strlen(text)), -1);
	ck_assert_msg(script.nr_errors == 1, "\"%s\": %zu errors", text,
		      script.nr_errors);
	ck_assert_str_eq(script.errors[0].msg, msg);
	ck_assert_msg(
		script.errors[0].line == line && script.errors[0].col == col,
		"\"%s\": error at %u:%u, want %u:%u (%s)", text,
		script.errors[0].line, script.errors[0].col, line, col, msg);
}

static uint64_t reclaim_of(const char *n)
{
	char text[128];

	snprintf(text, sizeof(text), "reclaim %s", n);
	return one(text)->u.reclaim;
}

/* --- integers ------------------------------------------------------------ */

START_TEST(integers_decimal_and_hex)
{
	ck_assert_uint_eq(reclaim_of("0"), 0);
	ck_assert_uint_eq(reclaim_of("4096"), 4096);
	ck_assert_uint_eq(reclaim_of("007"), 7);
	ck_assert_uint_eq(reclaim_of("0x1000"), 0x1000);
	ck_assert_uint_eq(reclaim_of("0XaBc"), 0xabc);
	ck_assert_uint_eq(reclaim_of("18446744073709551615"), UINT64_MAX);
	ck_assert_uint_eq(reclaim_of("0xffffffffffffffff"), UINT64_MAX);
}
END_TEST

START_TEST(integers_every_suffix)
{
	ck_assert_uint_eq(reclaim_of("3k"), 3ULL << 10);
	ck_assert_uint_eq(reclaim_of("3K"), 3ULL << 10);
	ck_assert_uint_eq(reclaim_of("3m"), 3ULL << 20);
	ck_assert_uint_eq(reclaim_of("3M"), 3ULL << 20);
	ck_assert_uint_eq(reclaim_of("3g"), 3ULL << 30);
	ck_assert_uint_eq(reclaim_of("3G"), 3ULL << 30);
	ck_assert_uint_eq(reclaim_of("16p"), 65536);
	ck_assert_uint_eq(reclaim_of("16P"), 65536);
	ck_assert_uint_eq(reclaim_of("3h"), 3ULL << 21);
	ck_assert_uint_eq(reclaim_of("3H"), 3ULL << 21);
	ck_assert_uint_eq(reclaim_of("0x10p"), 16 * 4096);
	ck_assert_uint_eq(reclaim_of("0x1k"), 1024);
}
END_TEST

START_TEST(integers_bad)
{
	err("reclaim 12x3", 1, 9, "bad integer '12x3'");
	err("reclaim 0x", 1, 9, "bad integer '0x'");
	err("reclaim abc", 1, 9, "bad integer 'abc'");
	err("reclaim 4kk", 1, 9, "bad integer '4kk'");
	err("reclaim 12q", 1, 9, "bad size suffix 'q' in '12q'");
	err("reclaim 0x1q", 1, 9, "bad size suffix 'q' in '0x1q'");
	err("reclaim -1", 1, 9, "bad integer '-1'");
	err("reclaim", 1, 8, "missing N");
	err("reclaim \"4\"", 1, 9, "expected N, got a string");
}
END_TEST

START_TEST(integers_overflow)
{
	err("reclaim 18446744073709551616", 1, 9,
	    "integer overflow '18446744073709551616'");
	err("reclaim 0x10000000000000000", 1, 9,
	    "integer overflow '0x10000000000000000'");
	err("reclaim 17179869184g", 1, 9, "integer overflow '17179869184g'");
	err("reclaim 0x8000000000000h", 1, 9,
	    "integer overflow '0x8000000000000h'");
	ck_assert_uint_eq(reclaim_of("17179869183g"), 17179869183ULL << 30);
}
END_TEST

/* --- strings ------------------------------------------------------------- */

START_TEST(strings_every_escape)
{
	const struct scn_cmd *c = one("A: store W "
				      "\"a\\\\b\\\"c\\nd\\te\\0f\\x41\\xfF\"");
	const unsigned char want[] = "a\\b\"c\nd\te\0fA\xff";

	ck_assert_int_eq(c->u.store.data.kind, SCN_DATA_STRING);
	ck_assert_uint_eq(c->u.store.data.len, sizeof(want) - 1);
	ck_assert_mem_eq(c->u.store.data.bytes, want, sizeof(want) - 1);
}
END_TEST

START_TEST(strings_keep_hash_arrow_and_blanks)
{
	const struct scn_cmd *c = one("A: store W \" #=> x\t\" # comment");

	ck_assert_uint_eq(c->u.store.data.len, 7);
	ck_assert_mem_eq(c->u.store.data.bytes, " #=> x\t", 7);
	ck_assert_ptr_null(c->expect);
	c = one("A: store W \"\"");
	ck_assert_uint_eq(c->u.store.data.len, 0);
	c = one("A: store W \"é\"");
	ck_assert_uint_eq(c->u.store.data.len, 2);
}
END_TEST

START_TEST(strings_bad)
{
	err("A: store W \"ab\\q\"", 1, 15, "bad escape '\\q'");
	err("A: store W \"\\x4\"", 1, 13, "bad escape '\\x4\"'");
	err("A: store W \"\\xg1\"", 1, 13, "bad escape '\\xg1'");
	err("A: store W \"abc", 1, 12, "unterminated string");
	err("A: store W \"abc\\", 1, 12, "unterminated string");
	err("A: store W \"abc\\\"", 1, 12, "unterminated string");
	err("A: load W 1 => \"x", 1, 16, "unterminated string");
}
END_TEST

/* --- names, addresses, data ---------------------------------------------- */

START_TEST(addr_forms)
{
	const struct scn_cmd *c = one("A: munmap W 4p");

	ck_assert_str_eq(c->u.range.addr.name, "W");
	ck_assert_int_eq(c->u.range.addr.off, 0);
	ck_assert_uint_eq(c->u.range.len, 16384);
	c = one("A: munmap Win_2+4p 1");
	ck_assert_str_eq(c->u.range.addr.name, "Win_2");
	ck_assert_int_eq(c->u.range.addr.off, 16384);
	c = one("A: munmap _w-0x10 1");
	ck_assert_str_eq(c->u.range.addr.name, "_w");
	ck_assert_int_eq(c->u.range.addr.off, -16);
	c = one("A: munmap 0x7000 1");
	ck_assert_ptr_null(c->u.range.addr.name);
	ck_assert_uint_eq(c->u.range.addr.abs, 0x7000);
	c = one("A: munmap W-9223372036854775808 1");
	ck_assert_int_eq(c->u.range.addr.off, INT64_MIN);
}
END_TEST

START_TEST(addr_bad)
{
	err("A: munmap W+ 1", 1, 13, "bad integer ''");
	err("A: munmap W*2 1", 1, 11, "bad address 'W*2'");
	err("A: munmap -4 1", 1, 11, "bad address '-4'");
	err("A: munmap 4W 1", 1, 11, "bad size suffix 'W' in '4W'");
	err("A: munmap W+9223372036854775808 1", 1, 13,
	    "integer overflow '9223372036854775808'");
	err("A: munmap", 1, 10, "missing ADDR");
	err("A: munmap W", 1, 12, "missing LEN");
}
END_TEST

START_TEST(names_bad)
{
	err("1A: exit", 1, 1, "bad name '1A'");
	err("A: fork 2B", 1, 9, "bad name '2B'");
	err("A: open F-1 /f rdonly", 1, 9, "bad name 'F-1'");
	err("spawn A.b", 1, 7, "bad name 'A.b'");
	err("A: mmap W! 1p r private,anon", 1, 9, "bad name 'W!'");
}
END_TEST

START_TEST(data_forms)
{
	const struct scn_cmd *c = one("A: write F 8 fill(65,3)");
	unsigned char buf[24];

	ck_assert_int_eq(c->u.write.data.kind, SCN_DATA_FILL);
	ck_assert_uint_eq(c->u.write.data.fill, 65);
	ck_assert_uint_eq(c->u.write.data.len, 3);
	c = one("A: write F 0 fill( 0xff , 1k )");
	ck_assert_uint_eq(c->u.write.data.fill, 255);
	ck_assert_uint_eq(c->u.write.data.len, 1024);
	c = one("A: write F 4096 pattern(24)");
	ck_assert_int_eq(c->u.write.data.kind, SCN_DATA_PATTERN);
	ck_assert_uint_eq(c->u.write.data.len, 24);
	scn_data_fill(&c->u.write.data, c->u.write.off, buf);
	ck_assert_mem_eq(buf,
			 "\x00\x10\0\0\0\0\0\0\x08\x10\0\0\0\0\0\0"
			 "\x10\x10\0\0\0\0\0\0",
			 24);
	c = one("A: store W fill(0,0)");
	ck_assert_uint_eq(c->u.store.data.len, 0);
}
END_TEST

START_TEST(data_bad)
{
	err("A: write F 0 fill(256,1)", 1, 19,
	    "fill byte 256 out of range 0..255");
	err("A: write F 0 fill(1)", 1, 14, "'fill(1)' needs 2 arguments");
	err("A: write F 0 fill(1,2", 1, 14, "missing ')' in 'fill(1,2'");
	err("A: write F 0 fill(1,x)", 1, 21, "bad integer 'x'");
	err("A: write F 0 pattern(12)", 1, 22,
	    "pattern length 12 is not a multiple of 8");
	err("A: write F 4 pattern(16)", 1, 12,
	    "pattern() needs OFF to be a multiple of 8");
	err("A: store W pattern(8)", 1, 12, "pattern() is only for write");
	err("A: store W junk", 1, 12,
	    "bad DATA 'junk': expected \"string\", fill(B,N) or pattern(N)");
	err("A: store W", 1, 11, "missing DATA");
}
END_TEST

/* --- mmap and other flag lists -------------------------------------------- */

START_TEST(mmap_every_flag)
{
	const struct scn_cmd *c = one("A: mmap M 2h rwx "
				      "private,anon,fixed,fixed_noreplace,"
				      "populate,"
				      "nonblock,locked,noreserve,hugetlb,"
				      "nonlinear at=W+1p");

	ck_assert_str_eq(c->u.mmap.map, "M");
	ck_assert_uint_eq(c->u.mmap.len, 4ULL << 20);
	ck_assert_uint_eq(c->u.mmap.prot, 7);
	ck_assert_uint_eq(c->u.mmap.flags,
			  SCN_MAP_PRIVATE | SCN_MAP_ANON | SCN_MAP_FIXED |
				  SCN_MAP_FIXED_NOREPLACE | SCN_MAP_POPULATE |
				  SCN_MAP_NONBLOCK | SCN_MAP_LOCKED |
				  SCN_MAP_NORESERVE | SCN_MAP_HUGETLB |
				  SCN_MAP_NONLINEAR);
	ck_assert_ptr_null(c->u.mmap.fd);
	ck_assert(c->u.mmap.has_at);
	ck_assert_str_eq(c->u.mmap.at.name, "W");
	ck_assert_int_eq(c->u.mmap.at.off, 4096);
}
END_TEST

START_TEST(mmap_file_and_offset)
{
	const struct scn_cmd *c = one("A: mmap W 16p rw shared F 4p");

	ck_assert_uint_eq(c->u.mmap.flags, SCN_MAP_SHARED);
	ck_assert_str_eq(c->u.mmap.fd, "F");
	ck_assert_uint_eq(c->u.mmap.off, 16384);
	ck_assert(!c->u.mmap.has_at);
	c = one("A: mmap W 1p none private at=0x10000 F");
	ck_assert_uint_eq(c->u.mmap.prot, 0);
	ck_assert_str_eq(c->u.mmap.fd, "F");
	ck_assert_uint_eq(c->u.mmap.off, 0);
	ck_assert_uint_eq(c->u.mmap.at.abs, 0x10000);
}
END_TEST

START_TEST(mmap_bad)
{
	err("A: mmap W 1p rw shared,bogus", 1, 24, "unknown mmap flag 'bogus'");
	err("A: mmap W 1p rw shared,anon,shared", 1, 29,
	    "duplicate mmap flag 'shared'");
	err("A: mmap W 1p rw shared,", 1, 24, "unknown mmap flag ''");
	err("A: mmap W 1p rw shared,private", 1, 17,
	    "shared and private together");
	err("A: mmap W 1p rw anon", 1, 17, "FLAGS needs shared or private");
	err("A: mmap W 1p rw private,anon F", 1, 30, "anon takes no file");
	err("A: mmap W 1p rwxs private,anon", 1, 14, "bad PROT 'rwxs'");
	err("A: mmap W 1p wr private,anon", 1, 14, "bad PROT 'wr'");
	err("A: mmap W 1p rw private F 0 9", 1, 29, "unexpected argument '9'");
	err("A: mmap W 1p rw private at=1 at=2", 1, 30,
	    "duplicate option 'at=2'");
	err("A: mmap W 1p rw", 1, 16, "missing FLAGS");
}
END_TEST

START_TEST(other_flag_lists)
{
	const struct scn_cmd *c = one("A: msync W 1p sync,invalidate");

	ck_assert_uint_eq(c->u.msync.flags, SCN_MS_SYNC | SCN_MS_INVALIDATE);
	c = one("A: madvise W+1p 2p dontneed");
	ck_assert_int_eq(c->u.madvise.advice, SCN_ADV_DONTNEED);
	ck_assert_uint_eq(c->u.madvise.range.len, 8192);
	c = one("A: mprotect W 1p r");
	ck_assert_uint_eq(c->u.mprotect.prot, SCN_PROT_READ);
	err("A: msync W 1p flush", 1, 15, "unknown msync flag 'flush'");
	err("A: madvise W 1p free", 1, 17, "bad advice 'free'");
}
END_TEST

/* --- expectations, comments, lines ---------------------------------------- */

START_TEST(expectations)
{
	const struct scn_cmd *c = one("check => ok");

	ck_assert_str_eq(c->expect, "ok");
	c = one("check\t=>   FAIL  a b\t  # comment");
	ck_assert_str_eq(c->expect, "FAIL  a b");
	c = one("A: load W 3 => \"a#b\" # c");
	ck_assert_str_eq(c->expect, "\"a#b\"");
	c = one("A: load W 3 => \"a\\\"#\"");
	ck_assert_str_eq(c->expect, "\"a\\\"#\"");
	/* An expectation says something: `=>` alone is a mistake. */
	err("A: maps =>", 1, 9, "empty expectation after '=>'");
	err("A: maps =>   # nothing", 1, 9, "empty expectation after '=>'");
	c = one("A: load W 8=>\"x\"");
	ck_assert_str_eq(c->expect, "\"x\"");
	ck_assert_uint_eq(c->u.load.len, 8);
	c = one("check # => ok");
	ck_assert_ptr_null(c->expect);
	err("  => ok", 1, 3, "'=>' without a command");
}
END_TEST

START_TEST(comments_blank_lines_and_line_numbers)
{
	const char *text = "# header\n\n   \t\nspawn A   # a task\n"
			   "\n  A: exit\r\n#\n";

	ck_assert_int_eq(scn_parse(&script, "t.ovs", text, strlen(text)), 0);
	ck_assert_uint_eq(script.nr_cmds, 2);
	ck_assert_uint_eq(script.cmds[0].line, 4);
	ck_assert_int_eq(script.cmds[0].verb, SCN_SPAWN);
	ck_assert_ptr_null(script.cmds[0].task);
	ck_assert_uint_eq(script.cmds[1].line, 6);
	ck_assert_int_eq(script.cmds[1].verb, SCN_EXIT);
	ck_assert_str_eq(script.cmds[1].task, "A");
}
END_TEST

START_TEST(errors_on_several_lines)
{
	const char *text = "spawn A\nA: bogus\nA: exit\nA: exit now\n";
	FILE *f;
	char *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(scn_parse(&script, "x.ovs", text, strlen(text)), -1);
	ck_assert_uint_eq(script.nr_errors, 2);
	ck_assert_uint_eq(script.nr_cmds, 2);
	f = open_memstream(&out, &len);
	scn_print_errors(&script, f);
	fclose(f);
	ck_assert_str_eq(out, "x.ovs:2:4: unknown command 'bogus'\n"
			      "x.ovs:4:9: unexpected argument 'now'\n");
	free(out);
}
END_TEST

START_TEST(columns_count_characters)
{
	err("A: store W \"éé\" x", 1, 17, "unexpected argument 'x'");
	err("\tA: exit x", 1, 10, "unexpected argument 'x'");
}
END_TEST

/* --- the task prefix and scopes ------------------------------------------- */

START_TEST(task_prefix)
{
	const struct scn_cmd *c = one("A:exit");

	ck_assert_str_eq(c->task, "A");
	ck_assert_int_eq(c->verb, SCN_EXIT);
	err("A:", 1, 3, "missing command after 'A:'");
	err("A: => ok", 1, 3, "missing command after 'A:'");
	err("mmap W 1p rw private,anon", 1, 1,
	    "'mmap' needs a task: T: mmap M LEN PROT FLAGS [F [OFF]] "
	    "[at=ADDR]");
	err("A: sysctl vm.rmap", 1, 1, "'sysctl' is not a task command");
	err("A: \"open\"", 1, 4, "unknown command '\"open\"'");
	err("frobnicate 1", 1, 1, "unknown command 'frobnicate'");
}
END_TEST

/* --- machine-wide commands ----------------------------------------------- */

START_TEST(machine_every_key)
{
	const struct scn_cmd *c = one("machine");

	ck_assert_uint_eq(c->u.machine.given, 0);
	ck_assert_uint_eq(c->u.machine.mem, 64ULL << 20);
	ck_assert_ptr_null(c->u.machine.backing_dir);
	ck_assert_int_eq(host_dir_set("/tmp", why, sizeof(why)), 0);
	c = one("# first\n\nmachine mem=16M swap=4m hugepages=8 "
		"backing=host:/tmp/x seed=42");
	ck_assert_uint_eq(c->line, 3);
	ck_assert_uint_eq(c->u.machine.given,
			  SCN_MACHINE_MEM | SCN_MACHINE_SWAP |
				  SCN_MACHINE_HUGEPAGES | SCN_MACHINE_BACKING |
				  SCN_MACHINE_SEED);
	ck_assert_uint_eq(c->u.machine.mem, 16ULL << 20);
	ck_assert_uint_eq(c->u.machine.swap, 4ULL << 20);
	ck_assert_uint_eq(c->u.machine.hugepages, 8);
	ck_assert_str_eq(c->u.machine.backing_dir, "/tmp/x");
	ck_assert_uint_eq(c->u.machine.seed, 42);
	c = one("machine backing=memory");
	ck_assert_ptr_null(c->u.machine.backing_dir);
	host_dir[0] = '\0';
}
END_TEST

/* backing=host: only at or under --host-dir (hostdir.h). */
START_TEST(machine_host_dir)
{
	char dir[] = "/tmp/objvm-test-parse.XXXXXX", link[64], text[160];
	const struct scn_cmd *c;

	host_dir[0] = '\0';
	err("machine backing=host:/tmp/x", 1, 17,
	    "backing=host:/tmp/x refused: no --host-dir given");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(host_dir_set(dir, why, sizeof(why)), 0);
	ck_assert_str_eq(host_dir_get(), dir);
	/* relative to --host-dir; absolute at or under it; `.` and // go */
	c = one("machine backing=host:db");
	snprintf(text, sizeof(text), "%s/db", dir);
	ck_assert_str_eq(c->u.machine.backing_dir, text);
	snprintf(text, sizeof(text), "machine backing=host:%s//./db/", dir);
	c = one(text);
	snprintf(text, sizeof(text), "%s/db", dir);
	ck_assert_str_eq(c->u.machine.backing_dir, text);
	c = one("machine backing=host:.");
	ck_assert_str_eq(c->u.machine.backing_dir, dir);
	snprintf(text, sizeof(text),
		 "backing=host:/ refused: not under --host-dir %s", dir);
	err("machine backing=host:/", 1, 17, text);
	snprintf(text, sizeof(text), "machine backing=host:%sx", dir);
	scn_free(&script);
	ck_assert_int_eq(scn_parse(&script, "t.ovs", text, strlen(text)), -1);
	ck_assert_ptr_nonnull(strstr(script.errors[0].msg, "not under"));
	err("machine backing=host:db/../../etc", 1, 17,
	    "backing=host:db/../../etc refused: '..' is not allowed");
	/* a link below --host-dir is refused, wherever it points */
	snprintf(link, sizeof(link), "%s/up", dir);
	ck_assert_int_eq(symlink(dir, link), 0);
	snprintf(text, sizeof(text),
		 "backing=host:up/x refused: %s/up is a "
		 "symbolic link",
		 dir);
	err("machine backing=host:up/x", 1, 17, text);
	unlink(link);
	rmdir(dir);
	host_dir[0] = '\0';
	ck_assert_int_eq(host_dir_set("/nonexistent/objvm", why, sizeof(why)),
			 -1);
	ck_assert_str_eq(why, "No such file or directory");
}
END_TEST

START_TEST(machine_bad)
{
	err("machine ram=1M", 1, 9, "unknown machine key 'ram'");
	err("machine mem=1M mem=2M", 1, 16, "duplicate machine key 'mem'");
	err("machine 64M", 1, 9, "expected KEY=VALUE, got '64M'");
	err("machine mem=lots", 1, 13, "bad integer 'lots'");
	err("machine backing=disk", 1, 17,
	    "bad backing 'disk': expected memory or host:DIR");
	err("machine backing=host:", 1, 17,
	    "bad backing 'host:': expected memory or host:DIR");
	err("spawn A\nmachine", 2, 1, "machine must be the first command");
}
END_TEST

START_TEST(machine_not_first_twice)
{
	const char *text = "machine\nmachine mem=1M\n";

	ck_assert_int_eq(scn_parse(&script, "t.ovs", text, strlen(text)), -1);
	ck_assert_uint_eq(script.errors[0].line, 2);
	ck_assert_str_eq(script.errors[0].msg, "machine must be the first "
					       "command");
}
END_TEST

/* A line that failed to parse still comes before a later machine. */
START_TEST(machine_after_bad_line)
{
	const char *text = "A: bogus\nmachine\n";

	ck_assert_int_eq(scn_parse(&script, "t.ovs", text, strlen(text)), -1);
	ck_assert_uint_eq(script.nr_errors, 2);
	ck_assert_uint_eq(script.errors[1].line, 2);
	ck_assert_uint_eq(script.errors[1].col, 1);
	ck_assert_str_eq(script.errors[1].msg, "machine must be the first "
					       "command");
}
END_TEST

START_TEST(sysctl_forms)
{
	const struct scn_cmd *c = one("sysctl vm.max_map_count=100");

	ck_assert_str_eq(c->u.sysctl.name, "vm.max_map_count");
	ck_assert_str_eq(c->u.sysctl.value, "100");
	c = one("sysctl vm.nonlinear");
	ck_assert_ptr_null(c->u.sysctl.value);
	c = one("sysctl vm.swappiness=");
	ck_assert_str_eq(c->u.sysctl.value, "");
	err("sysctl vm..x=1", 1, 8, "bad sysctl name 'vm..x'");
	err("sysctl =1", 1, 8, "bad sysctl name ''");
	err("sysctl", 1, 7, "missing NAME");
}
END_TEST

START_TEST(spawn_options)
{
	const struct scn_cmd *c = one("spawn B uid=1000 cap=ipc_lock");

	ck_assert_str_eq(c->u.spawn.task, "B");
	ck_assert_uint_eq(c->u.spawn.uid, 1000);
	ck_assert_uint_eq(c->u.spawn.caps, SCN_CAP_IPC_LOCK);
	c = one("spawn A");
	ck_assert_uint_eq(c->u.spawn.uid, 0);
	ck_assert_uint_eq(c->u.spawn.caps, 0);
	err("spawn B cap=sys_admin", 1, 13, "unknown capability 'sys_admin'");
	err("spawn B uid=4294967296", 1, 13, "uid out of range");
	err("spawn B uid=1 uid=2", 1, 15, "duplicate option 'uid=2'");
	err("spawn B root", 1, 9, "unexpected argument 'root'");
}
END_TEST

START_TEST(stats_names)
{
	const struct scn_cmd *c = one("stats");

	ck_assert_uint_eq(c->u.stats.nr, 0);
	c = one("stats fault_cow truncate_unmap");
	ck_assert_uint_eq(c->u.stats.nr, 2);
	ck_assert_str_eq(c->u.stats.names[0], "fault_cow");
	ck_assert_str_eq(c->u.stats.names[1], "truncate_unmap");
	/* Names come from libobjvm's table, checked before anything runs. */
	err("stats fault_cow pgfault", 1, 17,
	    "unknown counter 'pgfault' (objvm help stats)");
	err("stats a=1", 1, 7, "unknown counter 'a=1' (objvm help stats)");
	err("check now", 1, 7, "unexpected argument 'now'");
	err("drop_caches 1", 1, 13, "unexpected argument '1'");
}
END_TEST

/* --- file commands ------------------------------------------------------- */

START_TEST(machine_mem_range)
{
	struct objvm_config config = {0};
	struct objvm *vm;

	ck_assert_uint_eq(one("machine mem=64K")->u.machine.mem, SCN_MEM_MIN);
	ck_assert_uint_eq(one("machine mem=64G")->u.machine.mem, SCN_MEM_MAX);
	err("machine mem=60K", 1, 13,
	    "mem=60K out of range: 64K..64G, a multiple of 4K");
	err("machine seed=1 mem=65G", 1, 20,
	    "mem=65G out of range: 64K..64G, a multiple of 4K");
	err("machine mem=65537", 1, 13,
	    "mem=65537 out of range: 64K..64G, a multiple of 4K");
	/* The library draws the same line. */
	config.mem_bytes = SCN_MEM_MIN;
	ck_assert_int_eq(objvm_create(&config, &vm), 0);
	ck_assert_int_eq(objvm_destroy(vm), 0);
	config.mem_bytes = SCN_MEM_MIN - SCN_PAGE_SIZE;
	ck_assert_int_eq(objvm_create(&config, &vm), -EINVAL);
	config.mem_bytes = SCN_MEM_MAX + SCN_PAGE_SIZE;
	ck_assert_int_eq(objvm_create(&config, &vm), -EINVAL);
}
END_TEST

START_TEST(data_limit)
{
	ck_assert_uint_eq(one("A: write F 0 fill(1,1G)")->u.write.data.len,
			  SCN_DATA_MAX);
	err("A: write F 0 fill(1,2G)", 1, 21,
	    "fill length 2147483648 is over the limit of 1G");
	err("A: store M fill(0,0x40000001)", 1, 19,
	    "fill length 1073741825 is over the limit of 1G");
	err("A: write F 0 pattern(2G)", 1, 22,
	    "pattern length 2147483648 is over the limit of 1G");
}
END_TEST

START_TEST(ptes_forms)
{
	const struct scn_cmd *c = one("A: ptes W+1p 4p");

	ck_assert_int_eq(c->verb, SCN_PTES);
	ck_assert_str_eq(c->u.range.addr.name, "W");
	ck_assert_uint_eq(c->u.range.len, 16384);
	c = one("A: ptes 0x10000 1G");
	ck_assert_uint_eq(c->u.range.len, 1ULL << 30);
	err("A: ptes W 0x40001000", 1, 11,
	    "LEN of ptes is at most 1G (262144 pages)");
	err("A: ptes W", 1, 10, "missing LEN");
	err("ptes W 1p", 1, 1, "'ptes' needs a task: T: ptes ADDR LEN");
}
END_TEST

START_TEST(open_forms)
{
	const struct scn_cmd *c = one("A: open F /db/table rdwr creat trunc "
				      "excl");

	ck_assert_str_eq(c->u.open.fd, "F");
	ck_assert_str_eq(c->u.open.path, "/db/table");
	ck_assert_int_eq(c->u.open.access, SCN_RDWR);
	ck_assert_uint_eq(c->u.open.flags,
			  SCN_O_CREAT | SCN_O_TRUNC | SCN_O_EXCL);
	c = one("A: open G \"/with space\" wronly");
	ck_assert_str_eq(c->u.open.path, "/with space");
	ck_assert_int_eq(c->u.open.access, SCN_WRONLY);
	c = one("A: open G /hugetlbfs/h creat rdonly");
	ck_assert_int_eq(c->u.open.access, SCN_RDONLY);
	ck_assert_uint_eq(c->u.open.flags, SCN_O_CREAT);
}
END_TEST

START_TEST(open_bad)
{
	err("A: open F db rdonly", 1, 11, "PATH must start with '/': 'db'");
	err("A: open F /f", 1, 13,
	    "missing access mode rdonly, wronly or rdwr");
	err("A: open F /f rdonly rdwr", 1, 21, "more than one access mode");
	err("A: open F /f rdwr creat creat", 1, 25, "duplicate option 'creat'");
	err("A: open F /f rdwr append", 1, 19, "unknown open flag 'append'");
	err("A: open F", 1, 10, "missing PATH");
}
END_TEST

START_TEST(file_commands)
{
	const struct scn_cmd *c = one("A: read F 1p 8 as=u64");

	ck_assert_str_eq(c->u.read.fd, "F");
	ck_assert_uint_eq(c->u.read.off, 4096);
	ck_assert_uint_eq(c->u.read.len, 8);
	ck_assert_int_eq(c->u.read.as, SCN_AS_U64);
	c = one("A: read F 0 1k");
	ck_assert_int_eq(c->u.read.as, SCN_AS_AUTO);
	c = one("A: ftruncate F 32p");
	ck_assert_uint_eq(c->u.ftruncate.size, 32 * 4096);
	ck_assert_str_eq(one("A: close F")->u.fd, "F");
	ck_assert_int_eq(one("A: fsync F")->verb, SCN_FSYNC);
	ck_assert_int_eq(one("A: fstat F")->verb, SCN_FSTAT);
	ck_assert_str_eq(one("A: unlink /db/t")->u.path, "/db/t");
	ck_assert_uint_eq(one("A: read F 0 4 as=u64")->u.read.as, SCN_AS_U64);
	ck_assert_uint_eq(one("A: read F 0 1 as=u64")->u.read.len, 1);
	err("A: read F 0 0 as=u64", 1, 15, "as=u64 needs LEN 1 to 8");
	err("A: read F 0 9 as=u64", 1, 15, "as=u64 needs LEN 1 to 8");
	err("A: read F 0 4 as=hex", 1, 18,
	    "bad as= 'hex': expected str, u64 or sum");
	err("A: read F 0 4 as=str as=sum", 1, 22, "duplicate option 'as=sum'");
	err("A: close", 1, 9, "missing F");
}
END_TEST

/* --- memory commands ----------------------------------------------------- */

START_TEST(mremap_forms)
{
	const struct scn_cmd *c = one("A: mremap W 32p maymove fixed=X+1p");

	ck_assert_str_eq(c->u.mremap.map, "W");
	ck_assert_uint_eq(c->u.mremap.new_len, 32 * 4096);
	ck_assert(c->u.mremap.maymove);
	ck_assert(c->u.mremap.has_fixed);
	ck_assert_str_eq(c->u.mremap.fixed.name, "X");
	c = one("A: mremap W 1p");
	ck_assert(!c->u.mremap.maymove && !c->u.mremap.has_fixed);
	err("A: mremap W+1p 1p", 1, 11, "bad name 'W+1p'");
	err("A: mremap W 1p maymove maymove", 1, 24,
	    "duplicate option 'maymove'");
}
END_TEST

START_TEST(remap_forms)
{
	const struct scn_cmd *c = one("A: remap W+4p 2p 40");

	ck_assert_int_eq(c->u.remap.addr.off, 4 * 4096);
	ck_assert_uint_eq(c->u.remap.len, 8192);
	ck_assert_uint_eq(c->u.remap.pgoff, 40);
	ck_assert_uint_eq(c->u.remap.prot, 0);
	ck_assert(!c->u.remap.nonblock);
	ck_assert_ptr_null(c->u.remap.fd);
	c = one("A: remap W 1p 0x10 fd=G nonblock prot=3");
	ck_assert_uint_eq(c->u.remap.pgoff, 16);
	ck_assert_uint_eq(c->u.remap.prot, 3);
	ck_assert(c->u.remap.nonblock);
	ck_assert_str_eq(c->u.remap.fd, "G");
	err("A: remap W 1p 0 fd=1", 1, 20, "bad name '1'");
	err("A: remap W 1p 0 prot=4294967296", 1, 22, "prot out of range");
	err("A: remap W 1p", 1, 14, "missing PGOFF");
}
END_TEST

START_TEST(access_forms)
{
	const struct scn_cmd *c = one("A: load W+6p 8 as=u64");

	ck_assert_int_eq(c->u.load.as, SCN_AS_U64);
	ck_assert_int_eq(one("A: load W 4k as=sum")->u.load.as, SCN_AS_SUM);
	ck_assert_int_eq(one("A: load W 4k as=str")->u.load.as, SCN_AS_STR);
	ck_assert(!one("A: touch W 16p")->u.touch.write);
	ck_assert(!one("A: touch W 16p r")->u.touch.write);
	ck_assert(one("A: touch W 16p w")->u.touch.write);
	ck_assert_str_eq(one("A: fork C")->u.child, "C");
	ck_assert_int_eq(one("A: mincore W 4p")->verb, SCN_MINCORE);
	ck_assert_int_eq(one("A: mlock W 4p")->verb, SCN_MLOCK);
	ck_assert_int_eq(one("A: munlock W 4p")->verb, SCN_MUNLOCK);
	ck_assert_int_eq(one("A: maps")->verb, SCN_MAPS);
	err("A: load W 9 as=u64", 1, 13, "as=u64 needs LEN 1 to 8");
	err("A: load W 0 as=u64", 1, 13, "as=u64 needs LEN 1 to 8");
	ck_assert_uint_eq(one("A: load W 3 as=u64")->u.load.len, 3);
	err("A: touch W 1p rw", 1, 15, "unexpected argument 'rw'");
	err("A: fork", 1, 8, "missing C");
	err("A: maps all", 1, 9, "unexpected argument 'all'");
}
END_TEST

/* --- the verb table ------------------------------------------------------ */

START_TEST(verb_table_complete)
{
	int v;

	for (v = 0; v < SCN_NR_VERBS; v++) {
		ck_assert_ptr_nonnull(parsers[v]);
		ck_assert_int_eq(scn_verb_lookup(scn_verb_name(v)), v);
		ck_assert_ptr_nonnull(scn_verb_usage(v));
		ck_assert_ptr_nonnull(scn_verb_help(v));
	}
	ck_assert_int_eq(scn_verb_lookup("nope"), -1);
	ck_assert_int_eq(scn_verb_scope(SCN_MMAP), SCN_TASK);
	ck_assert_int_eq(scn_verb_scope(SCN_STATS), SCN_GLOBAL);
}
END_TEST

START_TEST(spec_example_parses)
{
	const char *text = "machine mem=64M\n"
			   "spawn A\n"
			   "A: open F /db/table rdwr creat          => ok\n"
			   "A: ftruncate F 64p                      => ok\n"
			   "A: write F 0 pattern(256K)              => 262144\n"
			   "A: mmap W 16p rw shared F 0             => ok\n"
			   "A: remap W+4p 2p 40                     => ok\n"
			   "A: load W+4p 8 as=u64                   => "
			   "0x28000\n"
			   "A: touch W 16p                          => SIGBUS "
			   "at W+0x4000\n"
			   "check                                   => ok\n";

	ck_assert_int_eq(scn_parse(&script, "t.ovs", text, strlen(text)), 0);
	ck_assert_uint_eq(script.nr_cmds, 10);
	ck_assert_uint_eq(script.cmds[4].u.write.data.len, 262144);
	ck_assert_str_eq(script.cmds[8].expect, "SIGBUS at W+0x4000");
}
END_TEST

START_TEST(parse_file_errors)
{
	ck_assert_int_eq(scn_parse_file(&script, "/nonexistent/x.ovs"), -1);
	ck_assert_uint_eq(script.nr_errors, 1);
	ck_assert_uint_eq(script.errors[0].line, 0);
	ck_assert_str_eq(script.errors[0].msg, "No such file or directory");
}
END_TEST

START_TEST(error_limit)
{
	size_t n = 2 * SCN_MAX_ERRORS, i;
	char *text = malloc(n * 4 + 1);

	for (i = 0; i < n; i++)
		memcpy(text + 4 * i, "bad\n", 4);
	ck_assert_int_eq(scn_parse(&script, "t.ovs", text, 4 * n), -1);
	ck_assert_uint_eq(script.nr_errors, SCN_MAX_ERRORS);
	free(text);
}
END_TEST

static Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *lex = tcase_create("lexical");
	TCase *cmd = tcase_create("commands");

	tcase_add_checked_fixture(lex, NULL, teardown);
	tcase_add_checked_fixture(cmd, NULL, teardown);
	tcase_add_test(lex, integers_decimal_and_hex);
	tcase_add_test(lex, integers_every_suffix);
	tcase_add_test(lex, integers_bad);
	tcase_add_test(lex, integers_overflow);
	tcase_add_test(lex, strings_every_escape);
	tcase_add_test(lex, strings_keep_hash_arrow_and_blanks);
	tcase_add_test(lex, strings_bad);
	tcase_add_test(lex, addr_forms);
	tcase_add_test(lex, addr_bad);
	tcase_add_test(lex, names_bad);
	tcase_add_test(lex, data_forms);
	tcase_add_test(lex, data_bad);
	tcase_add_test(lex, expectations);
	tcase_add_test(lex, comments_blank_lines_and_line_numbers);
	tcase_add_test(lex, errors_on_several_lines);
	tcase_add_test(lex, columns_count_characters);
	tcase_add_test(lex, task_prefix);
	tcase_add_test(lex, error_limit);
	tcase_add_test(lex, parse_file_errors);
	tcase_add_test(cmd, mmap_every_flag);
	tcase_add_test(cmd, mmap_file_and_offset);
	tcase_add_test(cmd, mmap_bad);
	tcase_add_test(cmd, other_flag_lists);
	tcase_add_test(cmd, machine_every_key);
	tcase_add_test(cmd, machine_bad);
	tcase_add_test(cmd, machine_host_dir);
	tcase_add_test(cmd, machine_not_first_twice);
	tcase_add_test(cmd, machine_after_bad_line);
	tcase_add_test(cmd, sysctl_forms);
	tcase_add_test(cmd, spawn_options);
	tcase_add_test(cmd, stats_names);
	tcase_add_test(cmd, ptes_forms);
	tcase_add_test(cmd, machine_mem_range);
	tcase_add_test(cmd, data_limit);
	tcase_add_test(cmd, open_forms);
	tcase_add_test(cmd, open_bad);
	tcase_add_test(cmd, file_commands);
	tcase_add_test(cmd, mremap_forms);
	tcase_add_test(cmd, remap_forms);
	tcase_add_test(cmd, access_forms);
	tcase_add_test(cmd, verb_table_complete);
	tcase_add_test(cmd, spec_example_parses);
	suite_add_tcase(s, lex);
	suite_add_tcase(s, cmd);
	return s;
}

int main(void)
{
	return run_suite(parse_suite());
}
