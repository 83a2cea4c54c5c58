/*
 * Feature macros for the files that use a system's own interfaces.
 * Everything builds with _POSIX_C_SOURCE=200809L (the Makefile), and on
 * every system that also hides what POSIX does not name: SIGINFO on the
 * BSDs (__BSD_VISIBLE on FreeBSD and DragonFly, _NETBSD_SOURCE,
 * _BSD_SOURCE on OpenBSD), MAP_ANON on all of them and on glibc
 * (_DEFAULT_SOURCE), O_DIRECT on FreeBSD, NetBSD and DragonFly (glibc's
 * needs _GNU_SOURCE, which lib/xio.c sets); and on FreeBSD and DragonFly
 * what their signal.h shows only to X/Open (__XSI_VISIBLE, which
 * __BSD_VISIBLE does not set): SA_RESTART, SA_SIGINFO and sa_sigaction.  A file that uses one, under
 * #ifdef, includes this header before any system header; the rest stay
 * plain POSIX.
 */
#ifndef FEATURE_H
#define FEATURE_H

#if defined(__FreeBSD__) || defined(__DragonFly__)
#define __BSD_VISIBLE	1
#define _XOPEN_SOURCE	700	/* SA_RESTART, SA_SIGINFO, sa_sigaction */
#elif defined(__NetBSD__)
#define _NETBSD_SOURCE	1
#elif defined(__OpenBSD__)
#define _BSD_SOURCE	1
#elif defined(__linux__)
#define _DEFAULT_SOURCE	1
#endif

#endif
