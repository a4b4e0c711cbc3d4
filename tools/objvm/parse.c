/*
 * tools/objvm/parse.c - the scenario tokenizer and parser.
 *
 * A scenario is parsed whole before anything runs.  Each line is first cut
 * into tokens (lex_line: bare words, decoded strings, and the `=> RESULT`
 * tail), then the verb's parser (parsers[]) turns the tokens into typed
 * fields of struct scn_cmd.  Every string the tree keeps is copied into the
 * script's arena, so the text can be freed once parsing is done.
 *
 * Errors carry the line and the column of the offending token (or of the
 * part of a token that is wrong, such as one flag of a comma list); a line
 * records at most one error and parsing goes on with the next line.
 *
 * The kernel oracle shares this file.  The only thing it asks libobjvm is
 * the table of counter names, so that `stats NAME` with an unknown NAME
 * is refused before anything runs.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "objvm.h"
#include "hostdir.h"
#include "scenario.h"

#define ARENA_BLOCK 8192
#define QUOTE_MAX   40 /* longest token text quoted in a message */

struct scn_arena {
	struct scn_arena *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

enum tok_kind {
	TOK_WORD,
	TOK_STRING,
};

struct tok {
	enum tok_kind kind;
	const char *text; /* WORD: the text as written; STRING: decoded */
	size_t len;
	const char *raw; /* the token as written, for messages */
	size_t rawlen;
};

struct parser {
	struct scn_script *script;
	const char *line; /* start of the current line */
	unsigned int lineno;
	bool failed;       /* this line already has its error */
	bool seen_command; /* an earlier line held a command */
	struct tok *toks;
	size_t nr_toks, cap_toks;
	const char *end; /* just past the last token: where "missing" points */
	const char *arrow;  /* where `=>` stands, or NULL */
	const char *expect; /* the `=>` text, or NULL */
};

struct cursor {
	struct parser *p;
	size_t i; /* next token */
};

struct word {
	const char *word;
	unsigned int value;
};

typedef int parse_fn(struct cursor *c, struct scn_cmd *cmd);

static const struct {
	const char *name;
	enum scn_scope scope;
	const char *usage;
	const char *help;
} verbs[SCN_NR_VERBS] = {
#define SCN_VERB_INFO(id, word, scope, usage, help) \
	[SCN_##id] = {#word, scope, usage, help},
	SCN_VERB_LIST(SCN_VERB_INFO)
#undef SCN_VERB_INFO
};

static const struct word prot_words[] = {
	{"none", 0},
	{"r", SCN_PROT_READ},
	{"w", SCN_PROT_WRITE},
	{"x", SCN_PROT_EXEC},
	{"rw", SCN_PROT_READ | SCN_PROT_WRITE},
	{"rx", SCN_PROT_READ | SCN_PROT_EXEC},
	{"wx", SCN_PROT_WRITE | SCN_PROT_EXEC},
	{"rwx", SCN_PROT_READ | SCN_PROT_WRITE | SCN_PROT_EXEC},
	{NULL, 0},
};

static const struct word mmap_words[] = {
	{"shared", SCN_MAP_SHARED},
	{"private", SCN_MAP_PRIVATE},
	{"anon", SCN_MAP_ANON},
	{"fixed", SCN_MAP_FIXED},
	{"fixed_noreplace", SCN_MAP_FIXED_NOREPLACE},
	{"populate", SCN_MAP_POPULATE},
	{"nonblock", SCN_MAP_NONBLOCK},
	{"locked", SCN_MAP_LOCKED},
	{"noreserve", SCN_MAP_NORESERVE},
	{"hugetlb", SCN_MAP_HUGETLB},
	{"nonlinear", SCN_MAP_NONLINEAR},
	{NULL, 0},
};

static const struct word msync_words[] = {
	{"sync", SCN_MS_SYNC},
	{"async", SCN_MS_ASYNC},
	{"invalidate", SCN_MS_INVALIDATE},
	{NULL, 0},
};

static const struct word advice_words[] = {
	{"normal", SCN_ADV_NORMAL},         {"random", SCN_ADV_RANDOM},
	{"sequential", SCN_ADV_SEQUENTIAL}, {"willneed", SCN_ADV_WILLNEED},
	{"dontneed", SCN_ADV_DONTNEED},     {NULL, 0},
};

static const struct word cap_words[] = {
	{"ipc_lock", SCN_CAP_IPC_LOCK},
	{NULL, 0},
};

static const struct word as_words[] = {
	{"str", SCN_AS_STR},
	{"u64", SCN_AS_U64},
	{"sum", SCN_AS_SUM},
	{NULL, 0},
};

static const struct word machine_keys[] = {
	{"mem", SCN_MACHINE_MEM},
	{"swap", SCN_MACHINE_SWAP},
	{"hugepages", SCN_MACHINE_HUGEPAGES},
	{"backing", SCN_MACHINE_BACKING},
	{"seed", SCN_MACHINE_SEED},
	{"kswapd", SCN_MACHINE_KSWAPD},
	{"swapfile", SCN_MACHINE_SWAPFILE},
	{NULL, 0},
};

/* --- storage ------------------------------------------------------------ */

static void *xrealloc(void *old, size_t size)
{
	void *p = realloc(old, size ? size : 1);

	if (!p) {
		fputs("objvm: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

static void *arena_alloc(struct scn_script *s, size_t n)
{
	struct scn_arena *a = s->arena;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (!a || a->size - a->used < n) {
		size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;

		a = xrealloc(NULL, sizeof(*a) + size);
		a->next = s->arena;
		a->used = 0;
		a->size = size;
		s->arena = a;
	}
	p = a->data + a->used;
	a->used += n;
	return p;
}

static char *arena_strndup(struct scn_script *s, const char *str, size_t n)
{
	char *p = arena_alloc(s, n + 1);

	memcpy(p, str, n);
	p[n] = '\0';
	return p;
}

/* --- errors ------------------------------------------------------------- */

/* The 1-based column of @at in the current line, counting characters. */
static unsigned int col_of(const struct parser *p, const char *at)
{
	unsigned int col = 1;
	const char *q;

	for (q = p->line; q < at; q++)
		if (((unsigned char)*q & 0xc0) != 0x80)
			col++;
	return col;
}

static void add_error(struct scn_script *s, unsigned int line, unsigned int col,
		      const char *fmt, va_list ap)
{
	struct scn_error *e;

	if (s->nr_errors == SCN_MAX_ERRORS) {
		s->nr_dropped++;
		return;
	}
	if (!s->errors)
		s->errors = xrealloc(NULL, SCN_MAX_ERRORS * sizeof(*e));
	e = &s->errors[s->nr_errors++];
	e->line = line;
	e->col = col;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

/*
 * perr - record the line's error at @at (NULL: just past the last token).
 * Return: -1, so that parsers can `return perr(...)`.
 */
__attribute__((format(printf, 3, 4))) static int
perr(struct parser *p, const char *at, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return -1;
	p->failed = true;
	va_start(ap, fmt);
	add_error(p->script, p->lineno, col_of(p, at ? at : p->end), fmt, ap);
	va_end(ap);
	return -1;
}

/* Length of @len bytes of token text as quoted in messages. */
static int qlen(size_t len)
{
	return len > QUOTE_MAX ? QUOTE_MAX : (int)len;
}

/* --- lexing ------------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static bool is_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !is_name_start(s[0]))
		return false;
	for (i = 1; i < len; i++)
		if (!is_name_char(s[i]))
			return false;
	return true;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static struct tok *push_tok(struct parser *p)
{
	if (p->nr_toks == p->cap_toks) {
		p->cap_toks = p->cap_toks ? 2 * p->cap_toks : 16;
		p->toks = xrealloc(p->toks, p->cap_toks * sizeof(*p->toks));
	}
	return &p->toks[p->nr_toks++];
}

/* The byte a one-character escape stands for, or -1. */
static int simple_escape(char c)
{
	switch (c) {
	case '\\':
		return '\\';
	case '"':
		return '"';
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case '0':
		return '\0';
	default:
		return -1;
	}
}

/* Decode the escape at *@qp (a backslash) into *@out; advance *@qp. */
static int lex_escape(struct parser *p, const char **qp, const char *end,
		      const char *open, unsigned char *out)
{
	const char *q = *qp;
	int c;

	if (q + 1 == end)
		return perr(p, open, "unterminated string");
	c = simple_escape(q[1]);
	if (c >= 0) {
		*out = (unsigned char)c;
		*qp = q + 2;
		return 0;
	}
	if (q[1] != 'x')
		return perr(p, q, "bad escape '%.2s'", q);
	if (end - q < 4 || hex_value(q[2]) < 0 || hex_value(q[3]) < 0)
		return perr(p, q, "bad escape '%.*s'",
			    end - q < 4 ? (int)(end - q) : 4, q);
	*out = (unsigned char)(hex_value(q[2]) << 4 | hex_value(q[3]));
	*qp = q + 4;
	return 0;
}

/* Lex the string starting at *@sp (a double quote). */
static int lex_string(struct parser *p, const char **sp, const char *end)
{
	const char *open = *sp, *q = open + 1;
	unsigned char *out = arena_alloc(p->script, (size_t)(end - q) + 1);
	size_t n = 0;
	struct tok *t;

	while (q < end && *q != '"') {
		if (*q != '\\')
			out[n++] = (unsigned char)*q++;
		else if (lex_escape(p, &q, end, open, &out[n++]))
			return -1;
	}
	if (q == end)
		return perr(p, open, "unterminated string");
	q++;
	out[n] = '\0';
	t = push_tok(p);
	*t = (struct tok){TOK_STRING, (const char *)out, n, open,
			  (size_t)(q - open)};
	*sp = q;
	return 0;
}

static bool at_arrow(const char *s, const char *end)
{
	return end - s >= 2 && s[0] == '=' && s[1] == '>';
}

/*
 * Lex a bare word: up to a blank, `#`, `"` or `=>`.  Blanks inside
 * parentheses belong to the word (`fill(65, 4096)`), and the first word of
 * a line ends after a colon (the task prefix `T:`).
 */
static void lex_word(struct parser *p, const char **sp, const char *end)
{
	const char *s = *sp, *q = s;
	int depth = 0;
	struct tok *t;

	while (q < end && *q != '#' && *q != '"' && !at_arrow(q, end)) {
		if (depth == 0 && is_blank(*q))
			break;
		if (*q == '(')
			depth++;
		else if (*q == ')' && depth > 0)
			depth--;
		q++;
		if (q[-1] == ':' && depth == 0 && p->nr_toks == 0)
			break;
	}
	t = push_tok(p);
	*t = (struct tok){TOK_WORD, s, (size_t)(q - s), s, (size_t)(q - s)};
	*sp = q;
}

/* Lex the `=> RESULT` tail: up to a comment outside strings, trimmed. */
static int lex_expect(struct parser *p, const char *s, const char *end)
{
	const char *q = s, *e;

	while (q < end && *q != '#') {
		if (*q == '"') {
			const char *open = q++;

			while (q < end && *q != '"')
				q += (*q == '\\' && q + 1 < end) ? 2 : 1;
			if (q >= end)
				return perr(p, open, "unterminated string");
		}
		q++;
	}
	while (s < q && is_blank(*s))
		s++;
	for (e = q; e > s && is_blank(e[-1]); e--)
		;
	if (e == s)
		return perr(p, p->arrow, "empty expectation after '=>'");
	p->expect = arena_strndup(p->script, s, (size_t)(e - s));
	return 0;
}

static int lex_line(struct parser *p, const char *s, const char *end)
{
	p->nr_toks = 0;
	p->arrow = NULL;
	p->expect = NULL;
	p->end = p->line;
	for (;;) {
		while (s < end && is_blank(*s))
			s++;
		if (s == end || *s == '#')
			return 0;
		if (at_arrow(s, end)) {
			p->arrow = s;
			return lex_expect(p, s + 2, end);
		}
		if (*s == '"') {
			if (lex_string(p, &s, end))
				return -1;
		} else {
			lex_word(p, &s, end);
		}
		p->end = s;
	}
}

/* --- values ------------------------------------------------------------- */

static const struct word *find_word(const struct word *w, const char *s,
				    size_t len)
{
	for (; w->word; w++)
		if (strlen(w->word) == len && memcmp(w->word, s, len) == 0)
			return w;
	return NULL;
}

static void trim(const char **s, size_t *len)
{
	while (*len && is_blank(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && is_blank((*s)[*len - 1]))
		(*len)--;
}

static int apply_suffix(struct parser *p, const char *s, size_t len,
			char suffix, uint64_t *v)
{
	uint64_t mult;

	switch (tolower((unsigned char)suffix)) {
	case 'k':
		mult = 1ULL << 10;
		break;
	case 'm':
		mult = 1ULL << 20;
		break;
	case 'g':
		mult = 1ULL << 30;
		break;
	case 'p':
		mult = SCN_PAGE_SIZE;
		break;
	case 'h':
		mult = SCN_HPAGE_SIZE;
		break;
	default:
		return perr(p, s, "bad size suffix '%c' in '%.*s'", suffix,
			    qlen(len), s);
	}
	if (*v > UINT64_MAX / mult)
		return perr(p, s, "integer overflow '%.*s'", qlen(len), s);
	*v *= mult;
	return 0;
}

/* An integer: decimal or 0x hex, then at most one size suffix. */
static int parse_uint(struct parser *p, const char *s, size_t len,
		      uint64_t *out)
{
	unsigned int base = 10;
	size_t i = 0, digits;
	uint64_t v = 0;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (digits = i; i < len; i++) {
		int d = hex_value(s[i]);

		if (d < 0 || (unsigned int)d >= base)
			break;
		if (v > (UINT64_MAX - (unsigned int)d) / base)
			return perr(p, s, "integer overflow '%.*s'", qlen(len),
				    s);
		v = v * base + (unsigned int)d;
	}
	if (i == digits ||
	    (i < len && (i + 1 != len || !isalpha((unsigned char)s[i]))))
		return perr(p, s, "bad integer '%.*s'", qlen(len), s);
	if (i < len && apply_suffix(p, s, len, s[i], &v))
		return -1;
	*out = v;
	return 0;
}

/* ADDR: NAME, NAME+N, NAME-N, or an absolute integer. */
static int parse_addr(struct parser *p, const char *s, size_t len,
		      struct scn_addr *out)
{
	size_t n = 0;
	uint64_t v;

	*out = (struct scn_addr){NULL, 0, 0};
	if (len && isdigit((unsigned char)s[0]))
		return parse_uint(p, s, len, &out->abs);
	while (n < len && is_name_char(s[n]))
		n++;
	if (!is_name(s, n) || (n < len && s[n] != '+' && s[n] != '-'))
		return perr(p, s, "bad address '%.*s'", qlen(len), s);
	out->name = arena_strndup(p->script, s, n);
	if (n == len)
		return 0;
	if (parse_uint(p, s + n + 1, len - n - 1, &v))
		return -1;
	if (v > (uint64_t)INT64_MAX + (s[n] == '-'))
		return perr(p, s + n + 1, "integer overflow '%.*s'",
			    qlen(len - n - 1), s + n + 1);
	out->off = s[n] == '-' ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/*
 * A comma list of words from @table, OR-ed into *@bits.  @what names the
 * kind of word in messages ("mmap flag").
 */
static int parse_word_list(struct parser *p, const char *s, size_t len,
			   const struct word *table, const char *what,
			   unsigned int *bits)
{
	const char *end = s + len;

	*bits = 0;
	for (;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *e = comma ? comma : end;
		const struct word *w = find_word(table, s, (size_t)(e - s));

		if (!w)
			return perr(p, s, "unknown %s '%.*s'", what,
				    qlen((size_t)(e - s)), s);
		if (*bits & w->value)
			return perr(p, s, "duplicate %s '%s'", what, w->word);
		*bits |= w->value;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

/* Split "(A,B)" after @prefix into its comma-separated parts. */
static int split_call(struct parser *p, const struct tok *t, size_t prefix,
		      const char **args, size_t *lens, size_t nargs)
{
	const char *s = t->text + prefix, *end = t->text + t->len - 1;
	size_t i;

	if (t->len <= prefix || *end != ')')
		return perr(p, t->raw, "missing ')' in '%.*s'", qlen(t->len),
			    t->text);
	for (i = 0; i < nargs; i++) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *e = (comma && i + 1 < nargs) ? comma : end;

		args[i] = s;
		lens[i] = (size_t)(e - s);
		trim(&args[i], &lens[i]);
		if (i + 1 < nargs && !comma)
			return perr(p, t->raw, "'%.*s' needs %zu arguments",
				    qlen(t->len), t->text, nargs);
		s = e + 1;
	}
	return 0;
}

static int parse_fill(struct parser *p, const struct tok *t,
		      struct scn_data *out)
{
	const char *args[2];
	size_t lens[2];
	uint64_t b;

	if (split_call(p, t, 5, args, lens, 2) ||
	    parse_uint(p, args[0], lens[0], &b) ||
	    parse_uint(p, args[1], lens[1], &out->len))
		return -1;
	if (b > 255)
		return perr(p, args[0],
			    "fill byte %" PRIu64 " out of range 0..255", b);
	if (out->len > SCN_DATA_MAX)
		return perr(p, args[1],
			    "fill length %" PRIu64 " is over the limit of 1G",
			    out->len);
	out->kind = SCN_DATA_FILL;
	out->fill = (unsigned char)b;
	return 0;
}

static int parse_pattern(struct parser *p, const struct tok *t,
			 struct scn_data *out)
{
	const char *arg;
	size_t len;

	if (split_call(p, t, 8, &arg, &len, 1) ||
	    parse_uint(p, arg, len, &out->len))
		return -1;
	if (out->len % 8)
		return perr(p, arg,
			    "pattern length %" PRIu64 " is not a multiple of 8",
			    out->len);
	if (out->len > SCN_DATA_MAX)
		return perr(p, arg,
			    "pattern length %" PRIu64 " is over the limit of "
						      "1G",
			    out->len);
	out->kind = SCN_DATA_PATTERN;
	return 0;
}

/* --- the cursor over a line's arguments ----------------------------------- */

static const struct tok *peek(struct cursor *c)
{
	return c->i < c->p->nr_toks ? &c->p->toks[c->i] : NULL;
}

/* The next argument, which must be a bare word. */
static const struct tok *next_word(struct cursor *c, const char *what)
{
	const struct tok *t = peek(c);

	if (!t) {
		perr(c->p, NULL, "missing %s", what);
		return NULL;
	}
	c->i++;
	if (t->kind != TOK_WORD) {
		perr(c->p, t->raw, "expected %s, got a string", what);
		return NULL;
	}
	return t;
}

static int get_name(struct cursor *c, const char *what, const char **out)
{
	const struct tok *t = next_word(c, what);

	if (!t)
		return -1;
	if (!is_name(t->text, t->len))
		return perr(c->p, t->raw, "bad name '%.*s'", qlen(t->len),
			    t->text);
	*out = arena_strndup(c->p->script, t->text, t->len);
	return 0;
}

static int get_uint(struct cursor *c, const char *what, uint64_t *out)
{
	const struct tok *t = next_word(c, what);

	return t ? parse_uint(c->p, t->text, t->len, out) : -1;
}

static int get_addr(struct cursor *c, struct scn_addr *out)
{
	const struct tok *t = next_word(c, "ADDR");

	return t ? parse_addr(c->p, t->text, t->len, out) : -1;
}

static int get_range(struct cursor *c, struct scn_range *out)
{
	return get_addr(c, &out->addr) || get_uint(c, "LEN", &out->len) ? -1
									: 0;
}

/* One word of @table, e.g. a PROT or an advice. */
static int get_word(struct cursor *c, const struct word *table,
		    const char *what, unsigned int *out)
{
	const struct tok *t = next_word(c, what);
	const struct word *w;

	if (!t)
		return -1;
	w = find_word(table, t->text, t->len);
	if (!w)
		return perr(c->p, t->raw, "bad %s '%.*s'", what, qlen(t->len),
			    t->text);
	*out = w->value;
	return 0;
}

/* A path: a bare word or a string, starting with '/'. */
static int get_path(struct cursor *c, const char **out)
{
	const struct tok *t = peek(c);

	if (!t)
		return perr(c->p, NULL, "missing PATH");
	c->i++;
	if (t->len == 0 || t->text[0] != '/' || memchr(t->text, '\0', t->len))
		return perr(c->p, t->raw, "PATH must start with '/': '%.*s'",
			    qlen(t->rawlen), t->raw);
	*out = arena_strndup(c->p->script, t->text, t->len);
	return 0;
}

static int get_data(struct cursor *c, bool allow_pattern, struct scn_data *out)
{
	const struct tok *t = peek(c);

	*out = (struct scn_data){SCN_DATA_STRING, 0, NULL, 0};
	if (!t)
		return perr(c->p, NULL, "missing DATA");
	c->i++;
	if (t->kind == TOK_STRING) {
		out->bytes = (const unsigned char *)t->text;
		out->len = t->len;
		return 0;
	}
	if (strncmp(t->text, "fill(", 5) == 0)
		return parse_fill(c->p, t, out);
	if (strncmp(t->text, "pattern(", 8) == 0) {
		if (!allow_pattern)
			return perr(c->p, t->raw,
				    "pattern() is only for write");
		return parse_pattern(c->p, t, out);
	}
	return perr(c->p, t->raw,
		    "bad DATA '%.*s': expected \"string\", fill(B,N) or "
		    "pattern(N)",
		    qlen(t->len), t->text);
}

/*
 * If the next argument is KEY=VALUE with KEY @key, consume it and point
 * *@val at VALUE.
 */
static bool take_option(struct cursor *c, const char *key, const char **val,
			size_t *len)
{
	const struct tok *t = peek(c);
	size_t klen = strlen(key);

	if (!t || t->kind != TOK_WORD || t->len <= klen ||
	    t->text[klen] != '=' || memcmp(t->text, key, klen) != 0)
		return false;
	c->i++;
	*val = t->text + klen + 1;
	*len = t->len - klen - 1;
	return true;
}

/* If the next argument is the bare word @word, consume it. */
static bool take_word(struct cursor *c, const char *word)
{
	const struct tok *t = peek(c);

	if (!t || t->kind != TOK_WORD || strlen(word) != t->len ||
	    memcmp(t->text, word, t->len) != 0)
		return false;
	c->i++;
	return true;
}

/* A second occurrence of an option: an error at the token just taken. */
static int dup_option(struct cursor *c)
{
	const struct tok *t = &c->p->toks[c->i - 1];

	return perr(c->p, t->raw, "duplicate option '%.*s'", qlen(t->len),
		    t->text);
}

static int get_as(struct cursor *c, enum scn_as *as)
{
	const char *v;
	size_t len;
	const struct word *w;

	*as = SCN_AS_AUTO;
	if (!take_option(c, "as", &v, &len))
		return 0;
	w = find_word(as_words, v, len);
	if (!w)
		return perr(c->p, v, "bad as= '%.*s': expected str, u64 or sum",
			    qlen(len), v);
	*as = (enum scn_as)w->value;
	if (take_option(c, "as", &v, &len))
		return dup_option(c);
	return 0;
}

/* --- one parser per verb ------------------------------------------------- */

/* sysctl and counter names: words joined by dots (vm.max_map_count). */
static bool is_key(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !is_name_start(s[0]) || s[len - 1] == '.')
		return false;
	for (i = 1; i < len; i++)
		if (!is_name_char(s[i]) && !(s[i] == '.' && s[i - 1] != '.'))
			return false;
	return true;
}

static int parse_backing(struct parser *p, const char *v, size_t len,
			 struct scn_machine *m)
{
	if (len == 6 && memcmp(v, "memory", 6) == 0) {
		m->backing_dir = NULL;
		return 0;
	}
	if (len > 5 && memcmp(v, "host:", 5) == 0) {
		char dir[4096], why[160];

		/* Only under the runner's --host-dir (hostdir.h). */
		if (host_path_resolve(v + 5, len - 5, dir, sizeof(dir), why,
				      sizeof(why)) < 0)
			return perr(p, v, "backing=host:%.*s refused: %s",
				    qlen(len - 5), v + 5, why);
		m->backing_dir = arena_strndup(p->script, dir, strlen(dir));
		return 0;
	}
	return perr(p, v, "bad backing '%.*s': expected memory or host:DIR",
		    qlen(len), v);
}

static int machine_option(struct parser *p, const struct tok *t,
			  struct scn_machine *m)
{
	const char *eq = NULL, *v;
	const struct word *k;
	size_t vlen;

	if (t->kind == TOK_WORD)
		eq = memchr(t->text, '=', t->len);
	if (!eq)
		return perr(p, t->raw, "expected KEY=VALUE, got '%.*s'",
			    qlen(t->rawlen), t->raw);
	k = find_word(machine_keys, t->text, (size_t)(eq - t->text));
	if (!k)
		return perr(p, t->raw, "unknown machine key '%.*s'",
			    qlen((size_t)(eq - t->text)), t->text);
	if (m->given & k->value)
		return perr(p, t->raw, "duplicate machine key '%s'", k->word);
	m->given |= k->value;
	v = eq + 1;
	vlen = t->len - (size_t)(v - t->text);
	switch (k->value) {
	case SCN_MACHINE_MEM:
		if (parse_uint(p, v, vlen, &m->mem))
			return -1;
		if (m->mem < SCN_MEM_MIN || m->mem > SCN_MEM_MAX ||
		    m->mem % SCN_PAGE_SIZE)
			return perr(p, v,
				    "mem=%.*s out of range: 64K..64G, a "
				    "multiple of 4K",
				    qlen(vlen), v);
		return 0;
	case SCN_MACHINE_SWAP:
		return parse_uint(p, v, vlen, &m->swap);
	case SCN_MACHINE_HUGEPAGES:
		return parse_uint(p, v, vlen, &m->hugepages);
	case SCN_MACHINE_SEED:
		return parse_uint(p, v, vlen, &m->seed);
	case SCN_MACHINE_SWAPFILE: {
		char path[4096], why[160];

		/* A host file: only under the runner's --host-dir. */
		if (host_path_resolve(v, vlen, path, sizeof(path), why,
				      sizeof(why)) < 0)
			return perr(p, v, "swapfile=%.*s refused: %s",
				    qlen(vlen), v, why);
		m->swapfile = arena_strndup(p->script, path, strlen(path));
		return 0;
	}
	case SCN_MACHINE_KSWAPD:
		if (vlen == 2 && !memcmp(v, "on", 2))
			m->kswapd = true;
		else if (vlen == 3 && !memcmp(v, "off", 3))
			m->kswapd = false;
		else
			return perr(p, v, "kswapd= takes on or off");
		return 0;
	default:
		return parse_backing(p, v, vlen, m);
	}
}

static int parse_machine(struct cursor *c, struct scn_cmd *cmd)
{
	const struct tok *t;

	scn_machine_defaults(&cmd->u.machine);
	while ((t = peek(c))) {
		if (machine_option(c->p, t, &cmd->u.machine))
			return -1;
		c->i++;
	}
	return 0;
}

static int parse_sysctl(struct cursor *c, struct scn_cmd *cmd)
{
	const struct tok *t = next_word(c, "NAME");
	const char *eq;
	size_t nlen;

	if (!t)
		return -1;
	eq = memchr(t->text, '=', t->len);
	nlen = eq ? (size_t)(eq - t->text) : t->len;
	if (!is_key(t->text, nlen))
		return perr(c->p, t->raw, "bad sysctl name '%.*s'", qlen(nlen),
			    t->text);
	cmd->u.sysctl.name = arena_strndup(c->p->script, t->text, nlen);
	if (eq)
		cmd->u.sysctl.value =
			arena_strndup(c->p->script, eq + 1, t->len - nlen - 1);
	return 0;
}

static int parse_spawn(struct cursor *c, struct scn_cmd *cmd)
{
	struct scn_spawn *a = &cmd->u.spawn;
	bool has_uid = false, has_cap = false;
	const char *v;
	size_t len;
	uint64_t uid;

	if (get_name(c, "T", &a->task))
		return -1;
	for (;;) {
		if (take_option(c, "uid", &v, &len)) {
			if (has_uid)
				return dup_option(c);
			has_uid = true;
			if (parse_uint(c->p, v, len, &uid))
				return -1;
			if (uid > UINT_MAX)
				return perr(c->p, v, "uid out of range");
			a->uid = (unsigned int)uid;
		} else if (take_option(c, "cap", &v, &len)) {
			if (has_cap)
				return dup_option(c);
			has_cap = true;
			if (parse_word_list(c->p, v, len, cap_words,
					    "capability", &a->caps))
				return -1;
		} else {
			return 0;
		}
	}
}

static int parse_none(struct cursor *c, struct scn_cmd *cmd)
{
	return 0;
}

static int parse_reclaim(struct cursor *c, struct scn_cmd *cmd)
{
	return get_uint(c, "N", &cmd->u.reclaim);
}

/* Is @name a counter of libobjvm's table (objvm_stat_name())? */
static bool stat_known(const char *name)
{
	size_t i;

	for (i = 0; i < objvm_stat_count(); i++)
		if (strcmp(objvm_stat_name(i), name) == 0)
			return true;
	return false;
}

static int parse_stats(struct cursor *c, struct scn_cmd *cmd)
{
	size_t n = c->p->nr_toks - c->i, i;
	const char **names;

	if (n == 0)
		return 0;
	names = arena_alloc(c->p->script, n * sizeof(*names));
	for (i = 0; i < n; i++) {
		const struct tok *t = next_word(c, "NAME");

		if (!t)
			return -1;
		names[i] = arena_strndup(c->p->script, t->text, t->len);
		if (!stat_known(names[i]))
			return perr(c->p, t->raw,
				    "unknown counter '%.*s' (objvm help stats)",
				    qlen(t->len), t->text);
	}
	cmd->u.stats.names = names;
	cmd->u.stats.nr = n;
	return 0;
}

static int open_word(struct cursor *c, struct scn_open *a, bool *has_mode)
{
	static const struct word modes[] = {
		{"rdonly", SCN_RDONLY},
		{"wronly", SCN_WRONLY},
		{"rdwr", SCN_RDWR},
		{NULL, 0},
	};
	static const struct word flags[] = {
		{"creat", SCN_O_CREAT},
		{"trunc", SCN_O_TRUNC},
		{"excl", SCN_O_EXCL},
		{NULL, 0},
	};
	const struct tok *t = next_word(c, "open flag");
	const struct word *w;

	if (!t)
		return -1;
	if ((w = find_word(modes, t->text, t->len))) {
		if (*has_mode)
			return perr(c->p, t->raw, "more than one access mode");
		*has_mode = true;
		a->access = (enum scn_access)w->value;
	} else if ((w = find_word(flags, t->text, t->len))) {
		if (a->flags & w->value)
			return dup_option(c);
		a->flags |= w->value;
	} else {
		return perr(c->p, t->raw, "unknown open flag '%.*s'",
			    qlen(t->len), t->text);
	}
	return 0;
}

static int parse_open(struct cursor *c, struct scn_cmd *cmd)
{
	struct scn_open *a = &cmd->u.open;
	bool has_mode = false;

	if (get_name(c, "F", &a->fd) || get_path(c, &a->path))
		return -1;
	while (peek(c))
		if (open_word(c, a, &has_mode))
			return -1;
	if (!has_mode)
		return perr(c->p, NULL,
			    "missing access mode rdonly, wronly or rdwr");
	return 0;
}

static int parse_fd(struct cursor *c, struct scn_cmd *cmd)
{
	return get_name(c, "F", &cmd->u.fd);
}

static int parse_unlink(struct cursor *c, struct scn_cmd *cmd)
{
	return get_path(c, &cmd->u.path);
}

static int parse_ftruncate(struct cursor *c, struct scn_cmd *cmd)
{
	if (get_name(c, "F", &cmd->u.ftruncate.fd))
		return -1;
	return get_uint(c, "SIZE", &cmd->u.ftruncate.size);
}

static int parse_write(struct cursor *c, struct scn_cmd *cmd)
{
	struct scn_write *a = &cmd->u.write;
	const struct tok *off;

	if (get_name(c, "F", &a->fd))
		return -1;
	off = peek(c);
	if (get_uint(c, "OFF", &a->off) || get_data(c, true, &a->data))
		return -1;
	if (a->data.kind == SCN_DATA_PATTERN && a->off % 8)
		return perr(c->p, off->raw,
			    "pattern() needs OFF to be a multiple of 8");
	return 0;
}

/* [as=...]; as=u64 only with LEN 1 to 8. */
static int get_as_for(struct cursor *c, uint64_t len, enum scn_as *as)
{
	const struct tok *t = peek(c);

	if (get_as(c, as))
		return -1;
	if (*as == SCN_AS_U64 && (len < 1 || len > 8))
		return perr(c->p, t->raw, "as=u64 needs LEN 1 to 8");
	return 0;
}

static int parse_read(struct cursor *c, struct scn_cmd *cmd)
{
	struct scn_read *a = &cmd->u.read;

	if (get_name(c, "F", &a->fd) || get_uint(c, "OFF", &a->off) ||
	    get_uint(c, "LEN", &a->len))
		return -1;
	return get_as_for(c, a->len, &a->as);
}

static int mmap_flags(struct cursor *c, struct scn_mmap *a)
{
	const struct tok *t = next_word(c, "FLAGS");
	unsigned int sp;

	if (!t || parse_word_list(c->p, t->text, t->len, mmap_words,
				  "mmap flag", &a->flags))
		return -1;
	sp = a->flags & (SCN_MAP_SHARED | SCN_MAP_PRIVATE);
	if (sp == (SCN_MAP_SHARED | SCN_MAP_PRIVATE))
		return perr(c->p, t->raw, "shared and private together");
	if (!sp)
		return perr(c->p, t->raw, "FLAGS needs shared or private");
	return 0;
}

/* mmap's tail: [F [OFF]] and at=ADDR, in any order. */
static int mmap_tail(struct cursor *c, struct scn_mmap *a)
{
	bool has_off = false;
	const struct tok *t;
	const char *v;
	size_t len;

	while ((t = peek(c))) {
		if (take_option(c, "at", &v, &len)) {
			if (a->has_at)
				return dup_option(c);
			a->has_at = true;
			if (parse_addr(c->p, v, len, &a->at))
				return -1;
		} else if (!a->fd) {
			if (a->flags & SCN_MAP_ANON)
				return perr(c->p, t->raw, "anon takes no file");
			if (get_name(c, "F", &a->fd))
				return -1;
		} else if (!has_off) {
			has_off = true;
			if (get_uint(c, "OFF", &a->off))
				return -1;
		} else {
			return 0;
		}
	}
	return 0;
}

static int parse_mmap(struct cursor *c, struct scn_cmd *cmd)
{
	struct scn_mmap *a = &cmd->u.mmap;

	if (get_name(c, "M", &a->map) || get_uint(c, "LEN", &a->len) ||
	    get_word(c, prot_words, "PROT", &a->prot) || mmap_flags(c, a))
		return -1;
	return mmap_tail(c, a);
}

static int parse_range(struct cursor *c, struct scn_cmd *cmd)
{
	return get_range(c, &cmd->u.range);
}

static int parse_mprotect(struct cursor *c, struct scn_cmd *cmd)
{
	if (get_range(c, &cmd->u.mprotect.range))
		return -1;
	return get_word(c, prot_words, "PROT", &cmd->u.mprotect.prot);
}

static int parse_mremap(struct cursor *c, struct scn_cmd *cmd)
{
	struct scn_mremap *a = &cmd->u.mremap;
	const char *v;
	size_t len;

	if (get_name(c, "M", &a->map) || get_uint(c, "NEWLEN", &a->new_len))
		return -1;
	for (;;) {
		if (take_word(c, "maymove")) {
			if (a->maymove)
				return dup_option(c);
			a->maymove = true;
		} else if (take_option(c, "fixed", &v, &len)) {
			if (a->has_fixed)
				return dup_option(c);
			a->has_fixed = true;
			if (parse_addr(c->p, v, len, &a->fixed))
				return -1;
		} else {
			return 0;
		}
	}
}

static int parse_msync(struct cursor *c, struct scn_cmd *cmd)
{
	const struct tok *t;

	if (get_range(c, &cmd->u.msync.range))
		return -1;
	t = next_word(c, "sync, async or invalidate");
	if (!t)
		return -1;
	return parse_word_list(c->p, t->text, t->len, msync_words, "msync flag",
			       &cmd->u.msync.flags);
}

static int parse_madvise(struct cursor *c, struct scn_cmd *cmd)
{
	unsigned int advice;

	if (get_range(c, &cmd->u.madvise.range) ||
	    get_word(c, advice_words, "advice", &advice))
		return -1;
	cmd->u.madvise.advice = (enum scn_advice)advice;
	return 0;
}

static int remap_prot(struct cursor *c, const char *v, size_t len,
		      struct scn_remap *a)
{
	uint64_t prot;

	if (parse_uint(c->p, v, len, &prot))
		return -1;
	if (prot > INT_MAX)
		return perr(c->p, v, "prot out of range");
	a->prot = (unsigned int)prot;
	return 0;
}

static int parse_remap(struct cursor *c, struct scn_cmd *cmd)
{
	struct scn_remap *a = &cmd->u.remap;
	bool has_prot = false;
	const char *v;
	size_t len;

	if (get_addr(c, &a->addr) || get_uint(c, "LEN", &a->len) ||
	    get_uint(c, "PGOFF", &a->pgoff))
		return -1;
	for (;;) {
		if (take_option(c, "prot", &v, &len)) {
			if (has_prot)
				return dup_option(c);
			has_prot = true;
			if (remap_prot(c, v, len, a))
				return -1;
		} else if (take_word(c, "nonblock")) {
			if (a->nonblock)
				return dup_option(c);
			a->nonblock = true;
		} else if (take_option(c, "fd", &v, &len)) {
			if (a->fd)
				return dup_option(c);
			if (!is_name(v, len))
				return perr(c->p, v, "bad name '%.*s'",
					    qlen(len), v);
			a->fd = arena_strndup(c->p->script, v, len);
		} else {
			return 0;
		}
	}
}

static int parse_load(struct cursor *c, struct scn_cmd *cmd)
{
	struct scn_load *a = &cmd->u.load;

	if (get_addr(c, &a->addr) || get_uint(c, "LEN", &a->len))
		return -1;
	return get_as_for(c, a->len, &a->as);
}

static int parse_store(struct cursor *c, struct scn_cmd *cmd)
{
	if (get_addr(c, &cmd->u.store.addr))
		return -1;
	return get_data(c, false, &cmd->u.store.data);
}

static int parse_touch(struct cursor *c, struct scn_cmd *cmd)
{
	if (get_range(c, &cmd->u.touch.range))
		return -1;
	if (take_word(c, "w"))
		cmd->u.touch.write = true;
	else
		take_word(c, "r");
	return 0;
}

static int parse_fork(struct cursor *c, struct scn_cmd *cmd)
{
	return get_name(c, "C", &cmd->u.child);
}

static int parse_ptes(struct cursor *c, struct scn_cmd *cmd)
{
	const struct tok *t;

	if (get_addr(c, &cmd->u.range.addr))
		return -1;
	t = peek(c);
	if (get_uint(c, "LEN", &cmd->u.range.len))
		return -1;
	if (cmd->u.range.len > SCN_PTES_MAX)
		return perr(c->p, t->raw,
			    "LEN of ptes is at most 1G (262144 pages)");
	return 0;
}

static parse_fn *const parsers[SCN_NR_VERBS] = {
	[SCN_MACHINE] = parse_machine,
	[SCN_SYSCTL] = parse_sysctl,
	[SCN_SPAWN] = parse_spawn,
	[SCN_CHECK] = parse_none,
	[SCN_RECLAIM] = parse_reclaim,
	[SCN_DROP_CACHES] = parse_none,
	[SCN_STATS] = parse_stats,
	[SCN_OPEN] = parse_open,
	[SCN_CLOSE] = parse_fd,
	[SCN_UNLINK] = parse_unlink,
	[SCN_FTRUNCATE] = parse_ftruncate,
	[SCN_WRITE] = parse_write,
	[SCN_READ] = parse_read,
	[SCN_FSYNC] = parse_fd,
	[SCN_FSTAT] = parse_fd,
	[SCN_MMAP] = parse_mmap,
	[SCN_MUNMAP] = parse_range,
	[SCN_MPROTECT] = parse_mprotect,
	[SCN_MREMAP] = parse_mremap,
	[SCN_MSYNC] = parse_msync,
	[SCN_MADVISE] = parse_madvise,
	[SCN_MLOCK] = parse_range,
	[SCN_MUNLOCK] = parse_range,
	[SCN_MINCORE] = parse_range,
	[SCN_REMAP] = parse_remap,
	[SCN_LOAD] = parse_load,
	[SCN_STORE] = parse_store,
	[SCN_TOUCH] = parse_touch,
	[SCN_FORK] = parse_fork,
	[SCN_EXIT] = parse_none,
	[SCN_MAPS] = parse_none,
	[SCN_PTES] = parse_ptes,
};

/* --- lines and files ---------------------------------------------------- */

/* The optional `T:` prefix; leaves @c at the verb. */
static int parse_task(struct cursor *c, struct scn_cmd *cmd)
{
	const struct tok *t = peek(c);

	if (t->kind != TOK_WORD || t->text[t->len - 1] != ':')
		return 0;
	if (!is_name(t->text, t->len - 1))
		return perr(c->p, t->raw, "bad name '%.*s'", qlen(t->len - 1),
			    t->text);
	cmd->task = arena_strndup(c->p->script, t->text, t->len - 1);
	c->i++;
	if (!peek(c))
		return perr(c->p, NULL, "missing command after '%.*s'",
			    qlen(t->len), t->text);
	return 0;
}

static int parse_verb(struct cursor *c, struct scn_cmd *cmd)
{
	const struct tok *t = &c->p->toks[c->i++];
	char word[32];
	int verb = -1;

	if (t->kind == TOK_WORD && t->len < sizeof(word)) {
		memcpy(word, t->text, t->len);
		word[t->len] = '\0';
		verb = scn_verb_lookup(word);
	}
	if (verb < 0)
		return perr(c->p, t->raw, "unknown command '%.*s'",
			    qlen(t->rawlen), t->raw);
	cmd->verb = (enum scn_verb)verb;
	if (verbs[verb].scope == SCN_TASK && !cmd->task)
		return perr(c->p, t->raw, "'%s' needs a task: T: %s %s",
			    verbs[verb].name, verbs[verb].name,
			    verbs[verb].usage);
	if (verbs[verb].scope == SCN_GLOBAL && cmd->task)
		return perr(c->p, c->p->toks[0].raw,
			    "'%s' is not a task command", verbs[verb].name);
	if (verb == SCN_MACHINE && c->p->seen_command)
		return perr(c->p, t->raw, "machine must be the first command");
	return 0;
}

static int parse_command(struct parser *p, struct scn_cmd *cmd)
{
	struct cursor c = {p, 0};
	const struct tok *t;

	if (parse_task(&c, cmd) || parse_verb(&c, cmd) ||
	    parsers[cmd->verb](&c, cmd))
		return -1;
	t = peek(&c);
	if (t)
		return perr(p, t->raw, "unexpected argument '%.*s'",
			    qlen(t->rawlen), t->raw);
	return 0;
}

static void parse_line(struct parser *p, const char *s, const char *end)
{
	struct scn_script *script = p->script;
	struct scn_cmd cmd;

	p->failed = false;
	if (lex_line(p, s, end)) {
		p->seen_command = true;
		return;
	}
	if (p->nr_toks == 0) {
		if (p->expect)
			perr(p, p->arrow, "'=>' without a command");
		return;
	}
	memset(&cmd, 0, sizeof(cmd));
	cmd.line = p->lineno;
	cmd.expect = p->expect;
	cmd.text = arena_strndup(script, p->toks[0].raw,
				 (size_t)(p->end - p->toks[0].raw));
	if (parse_command(p, &cmd) == 0) {
		script->cmds = xrealloc(script->cmds,
					(script->nr_cmds + 1) * sizeof(cmd));
		script->cmds[script->nr_cmds++] = cmd;
	}
	p->seen_command = true;
}

int scn_parse(struct scn_script *script, const char *file, const char *text,
	      size_t len)
{
	struct parser p = {.script = script};
	const char *s = text, *end = text + len;

	memset(script, 0, sizeof(*script));
	script->file = arena_strndup(script, file, strlen(file));
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;

		p.lineno++;
		p.line = s;
		parse_line(&p, s, eol);
		s = nl ? nl + 1 : end;
	}
	free(p.toks);
	return script->nr_errors ? -1 : 0;
}

static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0, got;
	char *buf = xrealloc(NULL, cap);

	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static void file_error(struct scn_script *script, const char *file,
		       const char *fmt, ...)
{
	va_list ap;

	memset(script, 0, sizeof(*script));
	script->file = arena_strndup(script, file, strlen(file));
	va_start(ap, fmt);
	add_error(script, 0, 0, fmt, ap);
	va_end(ap);
}

int scn_parse_file(struct scn_script *script, const char *path)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : path;
	FILE *f = is_stdin ? stdin : fopen(path, "r");
	char *text;
	size_t len;
	int rc;

	if (!f) {
		file_error(script, name, "%s", strerror(errno));
		return -1;
	}
	text = read_all(f, &len);
	if (!text)
		file_error(script, name, "read error: %s", strerror(errno));
	if (!is_stdin)
		fclose(f);
	if (!text)
		return -1;
	rc = scn_parse(script, name, text, len);
	free(text);
	return rc;
}

/* @msg with control bytes (a terminal escape, say) written as \xHH. */
static void print_escaped(FILE *out, const char *msg)
{
	for (; *msg; msg++) {
		unsigned char c = (unsigned char)*msg;

		if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

void scn_print_errors(const struct scn_script *script, FILE *out)
{
	size_t i;

	for (i = 0; i < script->nr_errors; i++) {
		const struct scn_error *e = &script->errors[i];

		if (e->line)
			fprintf(out, "%s:%u:%u: ", script->file, e->line,
				e->col);
		else
			fprintf(out, "objvm: %s: ", script->file);
		print_escaped(out, e->msg);
		fputc('\n', out);
	}
	if (script->nr_dropped)
		fprintf(out, "%s: %zu more error%s not shown\n", script->file,
			script->nr_dropped, script->nr_dropped == 1 ? "" : "s");
}

void scn_free(struct scn_script *script)
{
	struct scn_arena *a = script->arena, *next;

	for (; a; a = next) {
		next = a->next;
		free(a);
	}
	free(script->cmds);
	free(script->errors);
	memset(script, 0, sizeof(*script));
}

void scn_machine_defaults(struct scn_machine *m)
{
	*m = (struct scn_machine){.mem = 64ULL << 20};
}

int scn_verb_lookup(const char *word)
{
	int v;

	for (v = 0; v < SCN_NR_VERBS; v++)
		if (strcmp(verbs[v].name, word) == 0)
			return v;
	return -1;
}

const char *scn_verb_name(enum scn_verb verb)
{
	return verbs[verb].name;
}

enum scn_scope scn_verb_scope(enum scn_verb verb)
{
	return verbs[verb].scope;
}

const char *scn_verb_usage(enum scn_verb verb)
{
	return verbs[verb].usage;
}

const char *scn_verb_help(enum scn_verb verb)
{
	return verbs[verb].help;
}

void scn_data_fill(const struct scn_data *data, uint64_t off,
		   unsigned char *buf)
{
	uint64_t i;

	switch (data->kind) {
	case SCN_DATA_STRING:
		memcpy(buf, data->bytes, data->len);
		break;
	case SCN_DATA_FILL:
		memset(buf, data->fill, data->len);
		break;
	case SCN_DATA_PATTERN:
		for (i = 0; i + 8 <= data->len; i += 8) {
			uint64_t v = off + i;

			for (int b = 0; b < 8; b++)
				buf[i + b] = (unsigned char)(v >> (8 * b));
		}
		break;
	}
}
