/*
 * fuzz/replay.c - run the fuzz harness without libFuzzer: each argument is
 * an input file, given to LLVMFuzzerTestOneInput() once.  `make check`
 * builds it with the ordinary compiler and replays the corpus and every
 * finding (tests/cli/fuzz_replay.sh), so the harness keeps compiling and
 * old findings stay fixed between fuzzing runs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		perror(path);
		return 1;
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap);
			if (!buf) {
				fputs("fuzz_replay: out of memory\n", stderr);
				exit(2);
			}
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int i, rc = 0;

	for (i = 1; i < argc; i++)
		rc |= replay(argv[i]);
	return rc;
}
