#include <sys/types.h>

#include <errno.h>
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
