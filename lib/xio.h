/*
 * Whole reads and writes: loop over short transfers and EINTR so that
 * callers see either the full count, end of file, or an error.
 */
#ifndef XIO_H
#define XIO_H

#include <sys/types.h>

#include <stddef.h>

ssize_t	readfull(int fd, void *buf, size_t n);
ssize_t	preadfull(int fd, void *buf, size_t n, off_t off);
int	writefull(int fd, const void *buf, size_t n);
void	bigpipe(int fd);

#endif
