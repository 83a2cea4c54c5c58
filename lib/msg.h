/*
 * Diagnostics on stderr as "program: message".  A format that ends in ':'
 * gets ": " and strerror(errno) appended, as in sbase's eprintf.
 */
#ifndef MSG_H
#define MSG_H

extern const char *progname;

void	setprogname_(const char *argv0);
void	warnmsg(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	die(int status, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

#endif
