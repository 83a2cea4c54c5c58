/*
 * A stand-in for the BSDs' sys/cdefs.h, for t/port.bats: decides, the
 * way each system does, whether its own interfaces (SIGINFO, MAP_ANON)
 * are visible, and on FreeBSD and DragonFly X/Open's too.  The test defines __FreeBSD__, __NetBSD__, __OpenBSD__
 * or __DragonFly__ on the command line; the host's headers do the rest.
 * Each stand-in includes this first, so that it decides on the macros
 * the program set, before the host's features.h adds its own.
 *
 * FreeBSD and DragonFly (sys/_visible.h, sys/cdefs.h): without
 *	_POSIX_C_SOURCE everything is visible; with it, __BSD_VISIBLE is
 *	left undefined (so 0) unless the program defines it, and so is
 *	__XSI_VISIBLE unless _XOPEN_SOURCE is 500 or more (FAKE_XSI_HIDDEN).
 * NetBSD (sys/featuretest.h): _NETBSD_SOURCE is defined for the program
 *	only without _POSIX_C_SOURCE, _XOPEN_SOURCE and _ANSI_SOURCE.
 * OpenBSD (sys/cdefs.h): __BSD_VISIBLE is 0 under _POSIX_C_SOURCE
 *	unless _BSD_SOURCE is defined.
 */
#ifndef FAKE_BSDVIS_H
#define FAKE_BSDVIS_H

#if defined(__FreeBSD__) || defined(__DragonFly__)
#if !defined(_POSIX_C_SOURCE) || (defined(__BSD_VISIBLE) && __BSD_VISIBLE)
#define FAKE_BSD_VISIBLE	1
#endif
#if defined(_POSIX_C_SOURCE) && !(defined(_XOPEN_SOURCE) && _XOPEN_SOURCE - 0 >= 500)
#define FAKE_XSI_HIDDEN	1
#endif
#elif defined(__NetBSD__)
#if (!defined(_POSIX_C_SOURCE) && !defined(_XOPEN_SOURCE) && \
    !defined(_ANSI_SOURCE)) || defined(_NETBSD_SOURCE)
#define FAKE_BSD_VISIBLE	1
#endif
#elif defined(__OpenBSD__)
#if !defined(_POSIX_C_SOURCE) || defined(_BSD_SOURCE)
#define FAKE_BSD_VISIBLE	1
#endif
#else
#error "bsdvis.h: define __FreeBSD__, __NetBSD__, __OpenBSD__ or __DragonFly__"
#endif

#endif
