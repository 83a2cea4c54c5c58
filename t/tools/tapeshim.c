/*
 * tapeshim: an LD_PRELOAD library under which every file takes the tape
 * operations of MTIOCTOP, so that a program (rmt) treats a plain file as
 * a tape drive.  The operations do nothing.  Linux test tool only.
 */
#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <sys/mtio.h>

#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>

/* The request's type differs: glibc's, or musl's and POSIX's. */
#ifdef __GLIBC__
typedef unsigned long ioreq;
#else
typedef int ioreq;
#endif
typedef int (*ioctlfn)(int, ioreq, ...);

int
ioctl(int fd, ioreq req, ...)
{
	static ioctlfn real;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req == (ioreq)MTIOCTOP)
		return 0;
	if (real == NULL)
		real = (ioctlfn)dlsym(RTLD_NEXT, "ioctl");
	return real(fd, req, arg);
}
