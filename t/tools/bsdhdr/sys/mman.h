/* The host's sys/mman.h, then MAP_ANON as a BSD shows it (bsdvis.h). */
#include "../bsdvis.h"
#include_next <sys/mman.h>

#if defined(FAKE_BSD_VISIBLE) && !defined(MAP_ANON)
#define MAP_ANON	0x20	/* the host's value: its mmap gets the call */
#endif
#if !defined(FAKE_BSD_VISIBLE)
#undef MAP_ANON
#undef MAP_ANONYMOUS
#endif
