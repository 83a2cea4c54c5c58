/*
 * Volumes: which output each one goes to (-f a,b,c, -M prefix, -P
 * command), opening and closing them, and asking the operator on the
 * terminal for the next one the way dump does.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ask.h"
#include "dtapewr.h"
#include "msg.h"
#include "xio.h"

int
vol_canask(const struct outputs *o)
{
	return o->tty >= 0;
}

/*
 * dump's query() on the terminal, read when the master's poll says so:
 * 1 yes, 0 no, -1 no one to answer (or a signal stopped the wait).
 */
int
vol_ask(struct outputs *o, const char *question)
{
	return askwait(o->tty, question, o->wait, o->waitarg);
}

/* The name of volume v's output. */
static void
volname(struct outputs *o, int v)
{
	if (o->pipecmd != NULL)
		snprintf(o->name, sizeof(o->name), "the -P command");
	else if (o->multi)
		snprintf(o->name, sizeof(o->name), "%s%03d", o->names[0], v);
	else
		snprintf(o->name, sizeof(o->name), "%s",
		    o->names[v <= o->nnames ? v - 1 : o->nnames - 1]);
}

/* -P: a shell running the command with the volume on its stdin. */
static int
openpipe(struct outputs *o, int volume)
{
	char vol[16];
	int p[2];

	if (pipe(p) != 0) {
		warnmsg("-P: pipe:");
		return -1;
	}
	o->pipepid = fork();
	if (o->pipepid < 0) {
		warnmsg("-P: fork:");
		return -1;
	}
	if (o->pipepid == 0) {
		loop_forget();
		snprintf(vol, sizeof(vol), "%d", volume);
		if (dup2(p[0], STDIN_FILENO) < 0 || setenv("DUMP_VOLUME", vol,
		    1) != 0)
			_exit(126);
		close(p[0]);
		close(p[1]);
		signal(SIGPIPE, SIG_DFL);	/* dtapewr ignores it */
		execl("/bin/sh", "sh", "-c", o->pipecmd, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	o->fd = p[1];
	o->isreg = 0;
	return 0;
}

/* Open the output of volume number volume. */
int
vol_open(struct outputs *o, int volume)
{
	struct stat sb;
	int flags = O_WRONLY;

	volname(o, volume);
	o->isreg = 0;
	o->remote = 0;
	o->isdev = 0;
	if (o->pipecmd != NULL)
		return openpipe(o, volume);
	if (rmt_isremote(o->name)) {
		if (rmt_open(&o->rmt, o->name, o->wait, o->waitarg) != 0)
			return -1;
		o->remote = 1;
		o->fd = o->rmt.to;
		return 0;
	}
	if (strcmp(o->name, "-") == 0) {
		o->fd = STDOUT_FILENO;
		snprintf(o->name, sizeof(o->name), "standard output");
		o->pipeout = 1;
		bigpipe(o->fd);
		return 0;
	}
	if (stat(o->name, &sb) != 0 || S_ISREG(sb.st_mode))
		flags |= O_CREAT | O_TRUNC;
	/* A FIFO's open waits for a reader, for ever if none comes: a
	 * stop signal meanwhile must end dtapewr (loop_guard). */
	if (o->guard != NULL && o->guard(o->waitarg, 1) != 0) {
		(void)o->guard(o->waitarg, 0);
		return -1;	/* the caller stops */
	}
	o->fd = open(o->name, flags, 0666);
	if (o->guard != NULL)
		(void)o->guard(o->waitarg, 0);
	if (o->fd < 0) {
		warnmsg("%s:", o->name);
		return -1;
	}
	if (fstat(o->fd, &sb) == 0) {
		o->isreg = S_ISREG(sb.st_mode);
		o->isdev = S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode);
		if (S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode))
			o->pipeout = 1;
	}
	return 0;
}

/*
 * A remote tape is rewound at the end of a volume that another follows,
 * and taken off line when the operator is to change it; the last is
 * only closed, so that its device name says whether it rewinds, as a
 * local one would.  An rmt whose operation numbers are not known gets
 * none.  A tape operation that fails is only reported: what was written
 * is there.
 */
static int
closeremote(struct outputs *o, int volume, int next)
{
	int op = -1, same;

	same = o->pipecmd == NULL && !o->multi && volume >= o->nnames;
	if (o->rmt.tape && o->rmt.ops && next != VOL_LAST)
		op = next == VOL_AGAIN || same ? RMT_OFFLINE : RMT_REWIND;
	if (op >= 0 && o->rmt.to >= 0 && rmt_ioctl(&o->rmt, op, 1) != 0)
		warnmsg("%s: %s the tape: %s", o->name, op == RMT_OFFLINE ?
		    "taking off line" : "rewinding", o->rmt.msg);
	o->fd = -1;
	o->remote = 0;
	return rmt_close(&o->rmt);
}

/*
 * Close volume v; with cutback, a regular file loses what follows its
 * last whole record (v->bytes).  next says what follows (VOL_ in
 * dtapewr.h).  Returns 0, or -1 if the volume did not close cleanly (a
 * -P command that failed counts).
 */
int
vol_close(struct outputs *o, const struct volpos *v, int cutback, int next)
{
	int st, bad = 0;

	if (o->remote)
		return closeremote(o, v->volume, next);

	if (cutback && o->isreg && ftruncate(o->fd, (off_t)v->bytes) != 0) {
		warnmsg("%s: cutting back to %lld bytes:", o->name,
		    (long long)v->bytes);
		bad = 1;
	}
	if (o->fd != STDOUT_FILENO && close(o->fd) != 0) {
		warnmsg("%s: close:", o->name);
		bad = 1;
	}
	o->fd = -1;
	if (o->pipepid > 0) {
		while (waitpid(o->pipepid, &st, 0) < 0 && errno == EINTR)
			continue;
		o->pipepid = 0;
		if (WIFSIGNALED(st)) {
			warnmsg("-P command for volume %d was killed by signal "
			    "%d", v->volume, WTERMSIG(st));
			bad = 1;
		} else if (WEXITSTATUS(st) != 0) {
			warnmsg("-P command for volume %d exited with status %d",
			    v->volume, WEXITSTATUS(st));
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/*
 * Go on to the next volume after v, which begins with record pos,
 * asking the operator when its output is one that was used before.
 * Returns 0, -1 if it cannot be had, or -2 if the operator aborted (or
 * a signal stopped the wait for an answer).
 */
int
vol_next(struct outputs *o, struct volpos *v, int64_t pos)
{
	int a;

	if (o->pipecmd == NULL && !o->multi && v->volume >= o->nnames) {
		dumpnote("Change Volumes: Mount volume #%d", v->volume + 1);
		if (!vol_canask(o)) {
			warnmsg("volume %d is needed and no one can be asked "
			    "for it: no terminal; name more volumes with -f "
			    "or -M, or write them with -P", v->volume + 1);
			return -1;
		}
		for (;;) {
			a = vol_ask(o, "Is the new volume mounted and ready "
			    "to go?");
			if (a == 1)
				break;
			if (a < 0 || vol_ask(o, "Do you want to abort?") != 0)
				return -2;
		}
	}
	v->volume++;
	v->first = pos;
	v->blocks = v->bytes = v->recs = 0;
	return vol_open(o, v->volume);
}
