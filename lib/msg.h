/*
 * Diagnostics on stderr as "program: message".  A format that ends in ':'
 * gets ": " and strerror(errno) appended, as in sbase's eprintf.
 */
#ifndef MSG_H
#define MSG_H

#include <stdarg.h>

extern const char *progname;

/* The name messages begin with: argv0's last component. */
void	progname_set(const char *argv0);
void	warnmsg(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* A line in dump's words, "  DUMP: message", in one write as well. */
void	dumpnote(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	vdumpnote(const char *fmt, va_list ap)
	    __attribute__((format(printf, 1, 0)));
void	die(int status, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

#endif
