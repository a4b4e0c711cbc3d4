/*
 * tools/objvm/hostdir.h - the one host directory a scenario may use.
 *
 * A scenario is data: it must not be able to name the host's files.  The
 * person running objvm names a directory with --host-dir DIR (`objvm run`,
 * `diff`, `oracle`); a scenario's host path (`machine backing=host:PATH`,
 * and any later machine argument that names a host file) is accepted only
 * at or under that directory:
 *
 *   - without --host-dir, every host path is refused;
 *   - a relative PATH is taken relative to the --host-dir directory, an
 *     absolute one must lie at or under it;
 *   - the two are compared as written, made canonical without looking at
 *     the filesystem (`.` and repeated slashes dropped); a `..` component
 *     is refused, so the comparison never depends on a link;
 *   - no component of PATH below the --host-dir directory may be a
 *     symbolic link (checked when the scenario is parsed; one that does
 *     not exist yet is left to the run, which reports ENOENT).
 *
 * The --host-dir directory itself is the runner's choice: it is made
 * absolute and canonical the same way, and must be a directory.
 */
#ifndef OBJVM_TOOLS_HOSTDIR_H
#define OBJVM_TOOLS_HOSTDIR_H

#include <stddef.h>

/*
 * host_dir_set - take @dir (from --host-dir) as the host directory.
 * Return: 0, or -1 with a message in @why (@size bytes).
 */
int host_dir_set(const char *dir, char *why, size_t size);

/* The host directory, canonical; NULL without --host-dir. */
const char *host_dir_get(void);

/*
 * host_path_resolve - apply the rule above to the @len bytes of @path.
 * Return: 0 with the absolute path in @out (@size bytes), or -1 with a
 * message (without the path) in @why (@whysize bytes).
 */
int host_path_resolve(const char *path, size_t len, char *out, size_t size,
		      char *why, size_t whysize);

/*
 * host_dir_option - is argv[*@i] `--host-dir DIR` or `--host-dir=DIR`?
 * Return: 1 if so and taken (*@i is at its last word), 0 if it is another
 * argument, -1 after a usage error (printed, for `objvm @prog`).
 */
int host_dir_option(const char *prog, int argc, char **argv, int *i);

#endif /* OBJVM_TOOLS_HOSTDIR_H */
