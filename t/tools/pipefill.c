/*
 * pipefill [-n] BYTES: write BYTES bytes (not zeros) to stdout in
 * writes of 1 MiB, after asking for a pipe of 1 MiB where the system
 * allows it (lib/xio.c's bigpipe, as dump's stages do): t/bench times
 * "pipefill N | cat >/dev/null" as the ceiling of one pipe hop, beside
 * a dump of N bytes into the same cat.  -n leaves the pipe at the size
 * the system gives it, as the stages built for a BSD do (t/bench -p).
 * Test tool only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xio.h"

#define CHUNK	(1 << 20)

int
main(int argc, char *argv[])
{
	static unsigned char buf[CHUNK];
	unsigned long long left, n;
	char *end;
	int grow = 1;

	if (argc == 3 && strcmp(argv[1], "-n") == 0) {
		grow = 0;
		argc--;
		argv++;
	}
	errno = 0;
	if (argc != 2 || (left = strtoull(argv[1], &end, 10), errno != 0) ||
	    *end != '\0' || end == argv[1]) {
		fprintf(stderr, "usage: pipefill [-n] bytes\n");
		return 2;
	}
	memset(buf, 0xa5, sizeof(buf));
	if (grow)
		bigpipe(STDOUT_FILENO);
	for (; left > 0; left -= n) {
		n = left < CHUNK ? left : CHUNK;
		if (writefull(STDOUT_FILENO, buf, (size_t)n) != 0) {
			fprintf(stderr, "pipefill: write: %s\n",
			    strerror(errno));
			return 1;
		}
	}
	return 0;
}
