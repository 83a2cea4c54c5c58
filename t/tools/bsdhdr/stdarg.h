/*
 * The compiler's stdarg.h, with the BSD name the test defines hidden from
 * it: gcc's would reach for the BSD's own headers.
 */
#pragma push_macro("__FreeBSD__")
#pragma push_macro("__NetBSD__")
#pragma push_macro("__OpenBSD__")
#pragma push_macro("__DragonFly__")
#undef __FreeBSD__
#undef __NetBSD__
#undef __OpenBSD__
#undef __DragonFly__
#include_next <stdarg.h>
#pragma pop_macro("__FreeBSD__")
#pragma pop_macro("__NetBSD__")
#pragma pop_macro("__OpenBSD__")
#pragma pop_macro("__DragonFly__")
