/*
 * A file on another host, [user@]host:file, written through rmt(8): a
 * remote shell ($RSH, ssh by default) runs $RMT (/etc/rmt) there, and
 * the remote magnetic tape protocol goes over its standard input and
 * output.  One request, one reply: "A<n>\n" for success, or
 * "E<errno>\n<message>\n".
 */
#ifndef RMT_H
#define RMT_H

#include <sys/types.h>

#include "xio.h"

#define RMT_NAMEMAX	63	/* the longest file name every rmt reads */
#define RMT_LOST	(-1)	/* an error that is not the remote's errno */

/* Tape operations, numbered as in version 1 of the protocol (BSD's). */
#define RMT_WEOF	0
#define RMT_REWIND	5
#define RMT_OFFLINE	6
#define RMT_NOP		7

struct rmt {
	pid_t	pid;		/* the remote shell; 0 when not running */
	int	to, from;	/* its standard input and output */
	int	tape;		/* the file is a tape drive: one write a record */
	int	ops;		/* rmt numbers tape operations as BSD does */
	int	err;		/* of the last failure: remote errno or RMT_LOST */
	char	spec[1100];	/* [user@]host:file, for messages */
	char	host[128];
	char	msg[512];	/* what the last failure was */
	readwait_fn wait;	/* the master's wait for a reply, or NULL */
	void	*waitarg;
	int	stopsig;	/* the signal that wait gave up on, or 0 */
};

int	rmt_isremote(const char *name);
int	rmt_open(struct rmt *r, const char *spec, readwait_fn wait,
	    void *waitarg);
ssize_t	rmt_write(struct rmt *r, const void *buf, size_t len);
int	rmt_ioctl(struct rmt *r, int op, int count);
int	rmt_close(struct rmt *r);
void	rmt_drop(struct rmt *r, int now);

#endif
