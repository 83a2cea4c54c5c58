#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "xio.h"

/* Returns n, or fewer at end of file, or -1 with errno set. */
ssize_t
readfull(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = read(fd, p + done, n - done);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

ssize_t
preadfull(int fd, void *buf, size_t n, off_t off)
{
	char *p = buf;
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = pread(fd, p + done, n - done, off + (off_t)done);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

/* Returns 0, or -1 with errno set; a write of 0 bytes counts as ENOSPC. */
int
writefull(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t r;

	while (n > 0) {
		r = write(fd, p, n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/*
 * If fd is a pipe, ask for a buffer of a megabyte: a pipeline of dump's
 * stages then changes hands every megabyte instead of every 64 KB.
 * Linux has F_SETPIPE_SZ (fcntl.h hides it without _GNU_SOURCE, so it
 * is named here by its number); elsewhere, and if the system says no,
 * the pipe stays as it is.
 */
#if defined(__linux__) && !defined(F_SETPIPE_SZ)
#define F_SETPIPE_SZ	1031
#endif

void
bigpipe(int fd)
{
#ifdef F_SETPIPE_SZ
	struct stat sb;

	if (fstat(fd, &sb) == 0 && S_ISFIFO(sb.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#else
	(void)fd;
#endif
}
