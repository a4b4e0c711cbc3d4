/*
 * tools/objvm/result.c - result text and transcript lines.
 *
 * Library-free, like parse.c: any executor of scenarios formats its results
 * with these functions, so transcripts of different executors compare line
 * by line.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"

static void reserve(struct result *r, size_t more)
{
	size_t cap = r->cap ? r->cap : 128;

	while (cap < r->len + more + 1)
		cap *= 2;
	if (cap != r->cap || !r->buf) {
		char *p = realloc(r->buf, cap);

		if (!p) {
			fputs("objvm: out of memory\n", stderr);
			exit(2);
		}
		r->buf = p;
		r->cap = cap;
	}
}

void result_vprintf(struct result *r, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	reserve(r, (size_t)n);
	vsnprintf(r->buf + r->len, (size_t)n + 1, fmt, ap);
	r->len += (size_t)n;
}

void result_reset(struct result *r)
{
	reserve(r, 0);
	r->len = 0;
	r->buf[0] = '\0';
	r->failed = false;
}

void result_free(struct result *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

void result_printf(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result_vprintf(r, fmt, ap);
	va_end(ap);
}

void result_error(struct result *r, const char *fmt, ...)
{
	va_list ap;

	result_reset(r);
	r->failed = true;
	result_printf(r, "error: ");
	va_start(ap, fmt);
	result_vprintf(r, fmt, ap);
	va_end(ap);
}

#define FNV_OFFSET 0xcbf29ce484222325ULL

static uint64_t fnv1a64_more(uint64_t h, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t fnv1a64(const void *buf, size_t len)
{
	return fnv1a64_more(FNV_OFFSET, buf, len);
}

/* Appends @len bytes quoted as inside a string, without the quotes. */
static void quote_some(struct result *r, const unsigned char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char *out;
	size_t i;

	reserve(r, 4 * len);
	out = r->buf + r->len;
	for (i = 0; i < len; i++) {
		unsigned char c = buf[i];

		if (c == '"' || c == '\\') {
			*out++ = '\\';
			*out++ = (char)c;
		} else if (c >= 0x20 && c < 0x7f) {
			*out++ = (char)c;
		} else {
			*out++ = '\\';
			*out++ = 'x';
			*out++ = hex[c >> 4];
			*out++ = hex[c & 15];
		}
	}
	*out = '\0';
	r->len = (size_t)(out - r->buf);
}

static void quote_bytes(struct result *r, const unsigned char *buf, size_t len)
{
	result_printf(r, "\"");
	quote_some(r, buf, len);
	result_printf(r, "\"");
}

void result_bytes_begin(struct result_stream *s, struct result *r, uint64_t len,
			enum scn_as as)
{
	s->r = r;
	s->start = r->len;
	s->hash = FNV_OFFSET;
	if (as == SCN_AS_AUTO)
		as = len > RESULT_STR_MAX ? SCN_AS_SUM : SCN_AS_STR;
	s->as = as == SCN_AS_SUM ? SCN_AS_SUM : SCN_AS_STR;
	if (s->as == SCN_AS_STR)
		result_printf(r, "\"");
}

void result_bytes_add(struct result_stream *s, const unsigned char *buf,
		      size_t n)
{
	if (s->as == SCN_AS_SUM)
		s->hash = fnv1a64_more(s->hash, buf, n);
	else
		quote_some(s->r, buf, n);
}

void result_bytes_end(struct result_stream *s)
{
	if (s->as == SCN_AS_SUM)
		result_printf(s->r, "fnv1a64:0x%016llx",
			      (unsigned long long)s->hash);
	else
		result_printf(s->r, "\"");
}

void result_bytes_abort(struct result_stream *s)
{
	s->r->len = s->start;
	if (s->r->buf)
		s->r->buf[s->start] = '\0';
}

void result_bytes(struct result *r, const unsigned char *buf, size_t len,
		  enum scn_as as)
{
	uint64_t v = 0;
	int i;

	if (as == SCN_AS_AUTO)
		as = len > RESULT_STR_MAX ? SCN_AS_SUM : SCN_AS_STR;
	switch (as) {
	case SCN_AS_U64:
		/* 1 to 8 bytes, little-endian (a read short at EOF gives
		 * fewer than asked; none at all shows as "") */
		if (len > 8) {
			result_error(r, "as=u64 needs 1 to 8 bytes, got %zu",
				     len);
			return;
		}
		if (len == 0) {
			quote_bytes(r, buf, len);
			return;
		}
		for (i = (int)len - 1; i >= 0; i--)
			v = v << 8 | buf[i];
		result_printf(r, "0x%llx", (unsigned long long)v);
		break;
	case SCN_AS_SUM:
		result_printf(r, "fnv1a64:0x%016llx",
			      (unsigned long long)fnv1a64(buf, len));
		break;
	default:
		quote_bytes(r, buf, len);
		break;
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * A text as result_matches() sees it, one character at a time: trimmed,
 * each run of blanks outside strings one space.  Nothing is copied, so a
 * result of a gigabyte is compared in place.
 */
struct normalized {
	const char *in;
	bool quoted, started, space;
	char pending; /* the character after a backslash in a string */
};

/* The next character, or 0 at the end. */
static char norm_next(struct normalized *n)
{
	char c;

	if (n->pending) {
		c = n->pending;
		n->pending = 0;
		return c;
	}
	for (;;) {
		c = *n->in;
		if (!c)
			return 0; /* blanks at the end are dropped */
		if (!n->quoted && is_blank(c)) {
			n->in++;
			n->space = n->started;
			continue;
		}
		if (n->space) {
			n->space = false;
			return ' ';
		}
		n->started = true;
		n->in++;
		if (n->quoted && c == '\\' && *n->in)
			n->pending = *n->in++;
		else if (c == '"')
			n->quoted = !n->quoted;
		return c;
	}
}

bool result_matches(const char *text, const char *expect)
{
	struct normalized a = {.in = text}, b = {.in = expect};
	char x, y;

	do {
		x = norm_next(&a);
		y = norm_next(&b);
		if (x != y)
			return false;
	} while (x);
	return true;
}

bool transcript_line(FILE *out, unsigned int line, const char *text,
		     const char *expect)
{
	bool ok = !expect || result_matches(text, expect);

	if (ok)
		fprintf(out, "%u: %s\n", line, text);
	else
		fprintf(out, "%u: %s (expected %s)\n", line, text, expect);
	fflush(out);
	return ok;
}
