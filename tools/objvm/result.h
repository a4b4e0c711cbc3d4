/*
 * tools/objvm/result.h - the text of one command's result, and the
 * transcript line that shows it.
 *
 * Every executor prints results the same way (shared/spec/scenario-language.md
 * section 2), so the formatting lives here, apart from libobjvm: bytes as a
 * quoted string, a u64 in hex, an FNV-1a hash, `error: text`, and the
 * comparison with a `=> EXPECTED` text.
 */
#ifndef OBJVM_TOOLS_RESULT_H
#define OBJVM_TOOLS_RESULT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario.h"

#define RESULT_STR_MAX 256 /* longer loads/reads print a hash by default */

struct result {
	char *buf; /* NUL-terminated text */
	size_t len, cap;
	bool failed; /* fails the run whatever was expected: error:, FAIL */
};

void result_reset(struct result *r);
void result_free(struct result *r);

/* Appends formatted text to @r (result_printf with a va_list). */
void result_vprintf(struct result *r, const char *fmt, va_list ap);
__attribute__((format(printf, 2, 3))) void result_printf(struct result *r,
							 const char *fmt, ...);

/* result_error - replace the text with `error: ...` and mark it so. */
__attribute__((format(printf, 2, 3))) void result_error(struct result *r,
							const char *fmt, ...);

/*
 * result_bytes - append @len bytes as @as asks: a quoted string, 0x<u64>
 * (@len must be 8, else an error result), or fnv1a64:0x<16 hex digits>.
 * SCN_AS_AUTO hashes more than RESULT_STR_MAX bytes.
 */
void result_bytes(struct result *r, const unsigned char *buf, size_t len,
		  enum scn_as as);

/* The 64-bit FNV-1a hash of @len bytes. */
uint64_t fnv1a64(const void *buf, size_t len);

/*
 * The same text as result_bytes() for @len bytes that arrive in pieces,
 * so that a large load need not be held whole: begin, add the pieces in
 * order (@len bytes in all), then end; or abort, which takes back what
 * was appended since begin (the caller then prints the failure).  A hash
 * is computed as the pieces pass; only a quoted string is kept.
 */
struct result_stream {
	struct result *r;
	enum scn_as as; /* SCN_AS_STR or SCN_AS_SUM (AUTO resolved) */
	uint64_t hash;
	size_t start; /* r->len at begin */
};

void result_bytes_begin(struct result_stream *s, struct result *r, uint64_t len,
			enum scn_as as);
void result_bytes_add(struct result_stream *s, const unsigned char *buf,
		      size_t n);
void result_bytes_end(struct result_stream *s);
void result_bytes_abort(struct result_stream *s);

/*
 * result_matches - does @text equal @expect?  Both are compared with the
 * blanks at either end trimmed and each run of blanks outside a quoted
 * string taken as one space.
 */
bool result_matches(const char *text, const char *expect);

/*
 * transcript_line - print `LINE: TEXT`, or `LINE: TEXT (expected EXPECT)`
 * when @expect is not NULL and does not match.
 * Return: false on a mismatch.
 */
bool transcript_line(FILE *out, unsigned int line, const char *text,
		     const char *expect);

#endif /* OBJVM_TOOLS_RESULT_H */
