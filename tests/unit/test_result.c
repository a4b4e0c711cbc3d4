/*
 * tests/unit/test_result.c - result text and transcript lines.
 *
 * The formats are the contract of shared/spec/scenario-language.md §2:
 * quoted bytes, 0x<u64>, fnv1a64:0x<16 digits>, and the comparison of a
 * result with its `=> EXPECTED` text.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/objvm/result.c"

#include "harness.h"

static struct result res;

static void teardown(void)
{
	result_free(&res);
}

static const char *bytes(const void *buf, size_t len, enum scn_as as)
{
	result_reset(&res);
	result_bytes(&res, buf, len, as);
	return res.buf;
}

START_TEST(quoted_bytes)
{
	ck_assert_str_eq(bytes("abc", 3, SCN_AS_AUTO), "\"abc\"");
	ck_assert_str_eq(bytes("", 0, SCN_AS_AUTO), "\"\"");
	ck_assert_str_eq(bytes("a\"b\\c", 5, SCN_AS_STR), "\"a\\\"b\\\\c\"");
	ck_assert_str_eq(bytes("\0\n\t\x7f\x80\xff ~", 8, SCN_AS_STR), "\"\\x00"
								       "\\x0a\\"
								       "x09\\x7"
								       "f\\x80"
								       "\\xff "
								       "~\"");
	ck_assert(!res.failed);
}
END_TEST

START_TEST(u64_little_endian)
{
	ck_assert_str_eq(bytes("\x00\x80\x02\0\0\0\0\0", 8, SCN_AS_U64), "0x280"
									 "00");
	ck_assert_str_eq(bytes("\0\0\0\0\0\0\0\0", 8, SCN_AS_U64), "0x0");
	ck_assert_str_eq(
		bytes("\xef\xcd\xab\x89\x67\x45\x23\xf1", 8, SCN_AS_U64), "0xf1"
									  "2345"
									  "6789"
									  "abcd"
									  "ef");
	/* LEN 1 to 8: the bytes, little-endian (spec, results table) */
	ck_assert_str_eq(bytes("abc", 3, SCN_AS_U64), "0x636261");
	ck_assert_str_eq(bytes("\xff", 1, SCN_AS_U64), "0xff");
	ck_assert_str_eq(bytes("\0\x01", 2, SCN_AS_U64), "0x100");
	ck_assert_str_eq(bytes("\x01\0\0\0\0\0\0", 7, SCN_AS_U64), "0x1");
	ck_assert(!res.failed);
	/* a read short at EOF may give none */
	ck_assert_str_eq(bytes("", 0, SCN_AS_U64), "\"\"");
	ck_assert(!res.failed);
	ck_assert_str_eq(bytes("abcdefghi", 9, SCN_AS_U64), "error: as=u64 "
							    "needs 1 to 8 "
							    "bytes, got 9");
	ck_assert(res.failed);
}
END_TEST

START_TEST(fnv_hash)
{
	char big[257];

	ck_assert_uint_eq(fnv1a64("", 0), 0xcbf29ce484222325ULL);
	ck_assert_uint_eq(fnv1a64("a", 1), 0xaf63dc4c8601ec8cULL);
	ck_assert_uint_eq(fnv1a64("foobar", 6), 0x85944171f73967e8ULL);
	ck_assert_str_eq(bytes("a", 1, SCN_AS_SUM), "fnv1a64:"
						    "0xaf63dc4c8601ec8c");
	ck_assert_str_eq(bytes("", 0, SCN_AS_SUM), "fnv1a64:"
						   "0xcbf29ce484222325");
	memset(big, 'x', sizeof(big));
	ck_assert_uint_eq(strlen(bytes(big, 256, SCN_AS_AUTO)), 258);
	ck_assert_str_eq(bytes(big, 257, SCN_AS_AUTO),
			 bytes(big, 257, SCN_AS_SUM));
	ck_assert_uint_eq(strlen(bytes(big, 257, SCN_AS_STR)), 259);
}
END_TEST

START_TEST(printf_and_error)
{
	result_reset(&res);
	result_printf(&res, "%s=%d", "a", 1);
	result_printf(&res, " %s", "b=2");
	ck_assert_str_eq(res.buf, "a=1 b=2");
	result_error(&res, "no task %s", "A");
	ck_assert_str_eq(res.buf, "error: no task A");
	ck_assert(res.failed);
	result_reset(&res);
	ck_assert(!res.failed);
	ck_assert_str_eq(res.buf, "");
}
END_TEST

START_TEST(matching)
{
	ck_assert(result_matches("ok", "ok"));
	ck_assert(result_matches("ok", "  ok\t"));
	ck_assert(!result_matches("ok", "o k"));
	ck_assert(result_matches("a=1 b=2", "a=1    b=2"));
	ck_assert(result_matches("\"a  b\"", "\"a  b\""));
	ck_assert(!result_matches("\"a  b\"", "\"a b\""));
	ck_assert(!result_matches("\"a\\\"  b\"", "\"a\\\" b\""));
	ck_assert(result_matches("", ""));
	ck_assert(!result_matches("0x6000", "0x06000"));
	/* Blanks at either end, a string's escapes, a string left open. */
	ck_assert(result_matches("  a \"x\\\\ \"  ", "a \"x\\\\ \""));
	ck_assert(!result_matches("a b", "a b c"));
	ck_assert(!result_matches("a b c", "a b"));
	ck_assert(result_matches("\"a  ", "\"a  "));
	ck_assert(!result_matches("\"a  ", "\"a"));
	ck_assert(result_matches("a", "a "));
}
END_TEST

START_TEST(transcript_lines)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ck_assert(transcript_line(f, 3, "ok", NULL));
	ck_assert(transcript_line(f, 4, "ok", "ok"));
	ck_assert(!transcript_line(f, 12, "0x6000", "0x28000"));
	fclose(f);
	ck_assert_str_eq(out, "3: ok\n4: ok\n12: 0x6000 (expected 0x28000)\n");
	free(out);
}
END_TEST

/* Bytes given in pieces give the text result_bytes() gives them whole. */
START_TEST(bytes_in_pieces)
{
	static unsigned char buf[5000];
	struct result whole = {0};
	struct result_stream st;
	const enum scn_as kinds[] = {SCN_AS_AUTO, SCN_AS_STR, SCN_AS_SUM};
	size_t lens[] = {0, 1, 256, 257, 4999};
	size_t i, k, l, off, n;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + i / 13);
	for (k = 0; k < 3; k++) {
		for (l = 0; l < 5; l++) {
			result_reset(&whole);
			result_printf(&whole, "x ");
			result_bytes(&whole, buf, lens[l], kinds[k]);
			result_reset(&res);
			result_printf(&res, "x ");
			result_bytes_begin(&st, &res, lens[l], kinds[k]);
			for (off = 0; off < lens[l]; off += n) {
				n = 1 + off % 97;
				if (n > lens[l] - off)
					n = lens[l] - off;
				result_bytes_add(&st, buf + off, n);
			}
			result_bytes_end(&st);
			ck_assert_str_eq(res.buf, whole.buf);
		}
	}
	/* Abort takes back what the pieces appended. */
	result_reset(&res);
	result_printf(&res, "x ");
	result_bytes_begin(&st, &res, 3000, SCN_AS_STR);
	result_bytes_add(&st, buf, 1000);
	result_bytes_abort(&st);
	result_printf(&res, "SIGSEGV");
	ck_assert_str_eq(res.buf, "x SIGSEGV");
	result_free(&whole);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("result");
	TCase *tc = tcase_create("format");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, quoted_bytes);
	tcase_add_test(tc, u64_little_endian);
	tcase_add_test(tc, fnv_hash);
	tcase_add_test(tc, printf_and_error);
	tcase_add_test(tc, matching);
	tcase_add_test(tc, transcript_lines);
	tcase_add_test(tc, bytes_in_pieces);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
