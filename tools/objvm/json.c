/*
 * tools/objvm/json.c - `--format=json`: a transcript as JSON Lines.
 *
 * One object per command,
 *
 *   {"line":N,"command":"...","result":"...","expected":"..."|null,"ok":B}
 *
 * and, after a file's last command, one object with the totals and the
 * machine's counters (null where there is no machine, as in the oracle):
 *
 *   {"file":"...","summary":{"passed":N,"failed":N},"stats":{"name":N,...}}
 *
 * `objvm diff` writes, per command, objvm's result as "result" and the
 * kernel's as "linux", "compared" false where the line was left out (a
 * skip), and "ok" true where the two agree or were not compared; its
 * summary counts the lines that agree (passed), differ (failed) and were
 * not compared (skipped), and adds "differ" and the id of a "known"
 * difference (or null).
 *
 * jansson does the quoting.  JSON strings must be UTF-8: a command whose
 * text is not (a scenario file may hold any bytes inside a string) is
 * written with each byte that does not belong to valid UTF-8 as \xHH.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

/* @s as a JSON string, invalid UTF-8 bytes written as \xHH. */
static json_t *text_value(const char *s)
{
	json_t *v = json_string(s);
	size_t i, n = strlen(s);
	char *esc, *o;

	if (v)
		return v;
	esc = malloc(n * 4 + 1);
	if (!esc)
		return NULL;
	for (i = 0, o = esc; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80)
			*o++ = (char)c;
		else
			o += sprintf(o, "\\x%02x", c);
	}
	*o = '\0';
	v = json_string(esc);
	free(esc);
	return v;
}

static void emit(FILE *out, json_t *obj)
{
	if (!obj) {
		fputs("{\"error\":\"out of memory\"}\n", out);
		return;
	}
	json_dumpf(obj, out, JSON_COMPACT | JSON_ENSURE_ASCII);
	fputc('\n', out);
	fflush(out);
	json_decref(obj);
}

void json_command(struct json_out *j, unsigned int line, const char *command,
		  const char *result, const char *expected, bool ok)
{
	json_t *obj = json_object();

	if (ok)
		j->passed++;
	else
		j->failed++;
	if (obj) {
		json_object_set_new(obj, "line", json_integer(line));
		json_object_set_new(obj, "command", text_value(command));
		json_object_set_new(obj, "result", text_value(result));
		json_object_set_new(obj, "expected",
				    expected ? text_value(expected)
					     : json_null());
		json_object_set_new(obj, "ok", json_boolean(ok));
	}
	emit(j->out, obj);
}

void json_diff_line(struct json_out *j, const struct scn_cmd *cmd,
		    const char *mine, const char *kern, bool compared, bool ok)
{
	json_t *obj = json_object();

	if (!compared)
		j->skipped++;
	else if (ok)
		j->passed++;
	else
		j->failed++;
	if (obj) {
		json_object_set_new(obj, "line", json_integer(cmd->line));
		json_object_set_new(obj, "command", text_value(cmd->text));
		json_object_set_new(obj, "result", text_value(mine));
		json_object_set_new(obj, "linux", text_value(kern));
		json_object_set_new(obj, "expected",
				    cmd->expect ? text_value(cmd->expect)
						: json_null());
		json_object_set_new(obj, "compared", json_boolean(compared));
		json_object_set_new(obj, "ok", json_boolean(ok));
	}
	emit(j->out, obj);
}

void json_diff_summary(struct json_out *j, const char *file, bool differ,
		       const char *known)
{
	json_t *obj = json_object(), *sum = json_object();

	if (!obj || !sum) {
		json_decref(obj);
		json_decref(sum);
		emit(j->out, NULL);
		return;
	}
	json_object_set_new(sum, "passed", json_integer((json_int_t)j->passed));
	json_object_set_new(sum, "failed", json_integer((json_int_t)j->failed));
	json_object_set_new(sum, "skipped",
			    json_integer((json_int_t)j->skipped));
	json_object_set_new(obj, "file", text_value(file));
	json_object_set_new(obj, "summary", sum);
	json_object_set_new(obj, "differ", json_boolean(differ));
	json_object_set_new(obj, "known",
			    known ? text_value(known) : json_null());
	json_object_set_new(obj, "stats", json_null());
	emit(j->out, obj);
	j->passed = j->failed = j->skipped = 0;
}

void json_summary(struct json_out *j, const char *file, struct objvm *vm)
{
	json_t *obj = json_object(), *sum = json_object(), *stats;
	size_t i;

	if (!obj || !sum) {
		json_decref(obj);
		json_decref(sum);
		emit(j->out, NULL);
		return;
	}
	json_object_set_new(sum, "passed", json_integer((json_int_t)j->passed));
	json_object_set_new(sum, "failed", json_integer((json_int_t)j->failed));
	json_object_set_new(obj, "file", text_value(file));
	json_object_set_new(obj, "summary", sum);
	stats = vm ? json_object() : json_null();
	for (i = 0; vm && i < objvm_stat_count(); i++)
		json_object_set_new(
			stats, objvm_stat_name(i),
			json_integer((json_int_t)objvm_stat_read(vm, i)));
	json_object_set_new(obj, "stats", stats);
	emit(j->out, obj);
	j->passed = j->failed = 0;
}
