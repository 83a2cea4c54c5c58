/*
 * The host's signal.h, then SIGINFO as a BSD shows it (bsdvis.h); and,
 * on FreeBSD and DragonFly, SA_RESTART, SA_SIGINFO and sa_sigaction
 * only to X/Open (sys/signal.h puts them under __XSI_VISIBLE, which
 * only _XOPEN_SOURCE 500 and up sets once _POSIX_C_SOURCE is defined).
 */
#include "bsdvis.h"
#include_next <signal.h>

#ifndef FAKE_SIGNAL_H
#define FAKE_SIGNAL_H
#ifdef SIGINFO
#error "signal.h: the host defines SIGINFO already; this stand-in needs one that does not"
#endif
#ifdef FAKE_BSD_VISIBLE
#define SIGINFO	29
#endif
#ifdef FAKE_XSI_HIDDEN
#undef SA_RESTART
#undef SA_SIGINFO
#undef sa_sigaction
#endif
#endif
