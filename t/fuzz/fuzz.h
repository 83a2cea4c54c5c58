/*
 * Shared by the fuzz harnesses: libFuzzer's entry point, the way a
 * harness reports a broken invariant, and a scratch file that presents
 * an input as a device or as a file on disk.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <sys/types.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * An invariant of the code under test does not hold: that is a bug to
 * find, so stop here with a core dump (libFuzzer saves the input).
 */
#define BUG(...) do { \
	fprintf(stderr, "fuzz: %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); \
	fputc('\n', stderr); \
	abort(); \
} while (0)

/* The harness itself cannot go on (no scratch file, no memory). */
#define FATAL(what) do { \
	fprintf(stderr, "fuzz: %s: %s\n", (what), strerror(errno)); \
	exit(1); \
} while (0)

static char fuzz_path[1024];

static inline void
fuzz_unlink(void)
{
	unlink(fuzz_path);
}

/*
 * A scratch file in $TMPDIR, else in /dev/shm where there is one (on a
 * disk file system a truncation can wait for writeback), else in /tmp;
 * created on the first call and kept for the life of the process.  Each
 * call replaces its contents with data.  With keep, the file keeps its
 * name (removed at exit) for code that opens it by name, returned in
 * *path; without, it is unlinked at once and only the descriptor
 * remains.
 */
static inline int
fuzz_file(const uint8_t *data, size_t size, int keep, const char **path)
{
	static int fd = -1;
	const char *dir;
	size_t done;
	ssize_t n;

	if (fd < 0) {
		dir = getenv("TMPDIR");
		if (dir == NULL || *dir == '\0')
			dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
			    "/tmp";
		snprintf(fuzz_path, sizeof(fuzz_path), "%s/fuzz.XXXXXX", dir);
		if ((fd = mkstemp(fuzz_path)) < 0)
			FATAL(fuzz_path);
		if (!keep)
			fuzz_unlink();
		else if (atexit(fuzz_unlink) != 0)
			FATAL("atexit");
	}
	for (done = 0; done < size; done += (size_t)n) {
		n = pwrite(fd, data + done, size - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			n = 0;
		else if (n <= 0)
			FATAL("pwrite");
	}
	if (ftruncate(fd, (off_t)size) != 0)
		FATAL("ftruncate");
	if (path != NULL)
		*path = fuzz_path;
	return fd;
}

#endif
