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
/*
 * A line in dump's words, "  DUMP: message", in one write as well: the
 * notes of every stage (progress, volumes), which dumpnote_off() stops
 * for the rest of the run (dscan -q).
 */
void	dumpnote(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	dumpnote_off(void);
void	die(int status, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

#endif
