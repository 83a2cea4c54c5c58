/* The host's signal.h, then SIGINFO as a BSD shows it (bsdvis.h). */
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
#endif
