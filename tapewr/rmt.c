/*
 * Remote files through rmt(8), as the BSD dumps and Linux dump reach
 * them: "$RSH host [-l user] $RMT", then requests on the shell's
 * standard input and replies on its standard output, one at a time.
 *
 * The requests are those every rmt knows: O (open), W (write), I (tape
 * operation), C (close).  Open asks for "1 O_WRONLY|O_CREAT|O_TRUNC":
 * the number is the access mode, the same on every system, and the
 * names are read by the rmts that read them (Linux dump's, GNU's); an
 * rmt that reads only the number opens an existing file or device.
 *
 * Tape operations are numbered differently on Linux and the BSDs, so
 * they are sent only to an rmt that takes version 1 of the protocol
 * ("I-1\n0\n" answered with A), where the numbers are BSD's whatever the
 * remote system.  The same rmt tells a tape from a file: a no-operation
 * succeeds on a tape only.  Elsewhere a name under /dev/ is taken for a
 * tape.
 *
 * Replies are read a byte at a time and never past their end, so that
 * several processes (the writers, in turn) can share the connection.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dtapewr.h"
#include "msg.h"
#include "rmt.h"
#include "xio.h"

/* A name with a colon before any slash, and something before the colon. */
int
rmt_isremote(const char *name)
{
	const char *colon = strchr(name, ':'), *slash = strchr(name, '/');

	return colon != NULL && colon != name && (slash == NULL ||
	    colon < slash);
}

/* A user or host name that cannot pass for an option or a second word. */
static int
okword(const char *s)
{
	if (*s == '\0' || *s == '-')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("._-", *s) == NULL)
			return 0;
	return 1;
}

/*
 * Split [user@]host:file into its parts (user "" when none).  Returns 0,
 * or -1 after saying what is wrong.
 */
static int
split(const char *spec, char *user, char *host, size_t size,
    const char **file)
{
	const char *colon = strchr(spec, ':'), *at = strchr(spec, '@');
	const char *whole = spec;
	size_t hl;

	*user = '\0';
	if (at != NULL && at < colon) {
		if ((size_t)(at - spec) >= size)
			goto bad;
		memcpy(user, spec, (size_t)(at - spec));
		user[at - spec] = '\0';
		spec = at + 1;
	}
	hl = (size_t)(colon - spec);
	if (hl >= size)
		goto bad;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	*file = colon + 1;
	if ((*user != '\0' && !okword(user)) || !okword(host))
		goto bad;
	if (**file == '\0' || strchr(*file, '\n') != NULL) {
		warnmsg("%s: no remote file name, or one with a newline",
		    whole);
		return -1;
	}
	if (strlen(*file) > RMT_NAMEMAX) {
		warnmsg("%s: the remote file name is longer than the %d bytes "
		    "rmt(8) reads; use a shorter path or a link", whole,
		    RMT_NAMEMAX);
		return -1;
	}
	return 0;
bad:
	warnmsg("%s: not a user and host name dtapewr can pass to the remote "
	    "shell", whole);
	return -1;
}

/* How the remote shell ended (a wait status), in a few words. */
static void
describe(struct rmt *r, int st)
{
	const char *rmt = getenv("RMT");

	if (WIFSIGNALED(st))
		snprintf(r->msg, sizeof(r->msg), "the remote shell was killed "
		    "by signal %d", WTERMSIG(st));
	else if (WEXITSTATUS(st) == 127)
		snprintf(r->msg, sizeof(r->msg), "the remote shell exited with "
		    "status 127: is rmt at %.100s on %s (RMT)?",
		    rmt != NULL && *rmt != '\0' ? rmt : "/etc/rmt", r->host);
	else
		snprintf(r->msg, sizeof(r->msg), "the remote shell exited with "
		    "status %d", WEXITSTATUS(st));
}

/* Close the pipes, wait for the remote shell and say how it ended. */
static void
reap(struct rmt *r)
{
	pid_t got;
	int st;

	if (r->to >= 0)
		close(r->to);
	if (r->from >= 0)
		close(r->from);
	r->to = r->from = -1;
	if (r->pid <= 0)
		return;
	/* A writer has the connection but not the child: it only closes. */
	while ((got = waitpid(r->pid, &st, 0)) < 0 && errno == EINTR)
		continue;
	r->pid = 0;
	if (got > 0)
		describe(r, st);
	else
		snprintf(r->msg, sizeof(r->msg), "the connection to %s was "
		    "lost", r->host);
}

/*
 * The connection broke, or a signal stopped the wait for a reply: note
 * it, and end the remote shell (at once after a signal: it may be
 * waiting on its side, for a device to open).
 */
static int
lost(struct rmt *r)
{
	r->err = RMT_LOST;
	if (r->stopsig && r->pid > 0)
		kill(r->pid, SIGTERM);
	reap(r);
	return -1;
}

/* One reply line into buf, at most size - 1 bytes kept.  0 or -1. */
static int
replyline(struct rmt *r, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t got;
	char c;

	for (;;) {
		/* In the master, read only once its poll says so: a
		 * signal meanwhile ends the wait (wait's non-zero). */
		if (r->wait != NULL && (r->stopsig = r->wait(r->waitarg,
		    r->from)) != 0)
			return -1;
		got = read(r->from, &c, 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got != 1)
			return -1;
		if (c == '\n')
			break;
		if (n + 1 < size)
			buf[n++] = c;
	}
	buf[n] = '\0';
	return 0;
}

/*
 * Read the reply to a request: its number for "A<n>", or -1 with
 * r->err and r->msg for an error reply, a lost connection or a reply
 * that is not the protocol (which also ends the connection).
 */
static long long
reply(struct rmt *r)
{
	char code[64], *end;
	long long n;

	if (r->to < 0 || replyline(r, code, sizeof(code)) != 0)
		return lost(r);
	if (code[0] == 'E' || code[0] == 'F') {
		r->err = atoi(code + 1);
		if (replyline(r, r->msg, sizeof(r->msg)) != 0)
			return lost(r);
		if (r->err <= 0)
			r->err = EIO;
		return -1;
	}
	errno = 0;
	n = strtoll(code + 1, &end, 10);
	if (code[0] != 'A' || end == code + 1 || *end != '\0' || errno != 0) {
		r->err = RMT_LOST;
		reap(r);
		snprintf(r->msg, sizeof(r->msg), "rmt on %s answered \"%.40s\", "
		    "which is not the rmt protocol", r->host, code);
		return -1;
	}
	return n;
}

static long long
request(struct rmt *r, const char *req)
{
	if (r->to < 0 || writefull(r->to, req, strlen(req)) != 0)
		return lost(r);
	return reply(r);
}

/* In the child: the pipes onto stdin and stdout, then the shell. */
static void
runshell(int in, int out, int errfd, char *const argv[])
{
	int e;

	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (dup2(in, STDIN_FILENO) >= 0 && dup2(out, STDOUT_FILENO) >= 0) {
		if (in != STDIN_FILENO)
			close(in);
		if (out != STDOUT_FILENO)
			close(out);
		execvp(argv[0], argv);
	}
	e = errno;
	(void)write(errfd, &e, sizeof(e));
	_exit(127);
}

/*
 * Start "$RSH host [-l user] $RMT" with pipes to and from it.  Returns
 * 0, or -1 after saying why (the remote shell could not be run).
 */
static int
connect_(struct rmt *r, const char *user)
{
	const char *rsh = getenv("RSH"), *rmt = getenv("RMT");
	char *argv[6];
	int in[2], out[2], ep[2], n = 0, e;
	ssize_t got;

	if (rsh == NULL || *rsh == '\0')
		rsh = "ssh";
	if (rmt == NULL || *rmt == '\0')
		rmt = "/etc/rmt";
	argv[n++] = (char *)rsh;
	argv[n++] = r->host;
	if (*user != '\0') {
		argv[n++] = "-l";
		argv[n++] = (char *)user;
	}
	argv[n++] = (char *)rmt;
	argv[n] = NULL;
	if (pipe(in) != 0 || pipe(out) != 0 || pipe(ep) != 0 ||
	    fcntl(ep[1], F_SETFD, FD_CLOEXEC) != 0) {
		warnmsg("%s: pipe:", r->spec);
		return -1;
	}
	r->pid = fork();
	if (r->pid < 0) {
		warnmsg("%s: fork:", r->spec);
		return -1;
	}
	if (r->pid == 0) {
		close(in[1]);
		close(out[0]);
		close(ep[0]);
		runshell(in[0], out[1], ep[1], argv);
	}
	close(in[0]);
	close(out[1]);
	close(ep[1]);
	r->to = in[1];
	r->from = out[0];
	/* The exec closes ep; a failed one writes its errno there first. */
	while ((got = read(ep[0], &e, sizeof(e))) < 0 && errno == EINTR)
		continue;
	close(ep[0]);
	if (got == (ssize_t)sizeof(e)) {
		reap(r);
		errno = e;
		warnmsg("%s: cannot run the remote shell %s (RSH):", r->spec,
		    rsh);
		return -1;
	}
	return 0;
}

/* Is the open file a tape, and does rmt number tape operations as BSD? */
static int
probe(struct rmt *r, const char *file)
{
	r->ops = request(r, "I-1\n0\n") >= 0;
	if (r->to < 0)
		return -1;
	if (!r->ops) {
		r->tape = strncmp(file, "/dev/", 5) == 0;
		return 0;
	}
	r->tape = request(r, "I7\n1\n") >= 0;
	return r->to < 0 ? -1 : 0;
}

/*
 * Connect to the host of spec ([user@]host:file) and open the file
 * there for writing.  Returns 0, or -1 after saying why, with nothing
 * left running.
 */
int
rmt_open(struct rmt *r, const char *spec, readwait_fn wait, void *waitarg)
{
	char user[256], req[RMT_NAMEMAX + 64];
	const char *file;

	memset(r, 0, sizeof(*r));
	r->to = r->from = -1;
	r->wait = wait;
	r->waitarg = waitarg;
	/* A remote shell that goes away is an error to report, not a
	 * signal that ends dtapewr. */
	signal(SIGPIPE, SIG_IGN);
	snprintf(r->spec, sizeof(r->spec), "%s", spec);
	if (split(spec, user, r->host, sizeof(r->host), &file) != 0 ||
	    connect_(r, user) != 0)
		return -1;
	snprintf(req, sizeof(req), "O%s\n1 O_WRONLY|O_CREAT|O_TRUNC\n", file);
	if (request(r, req) < 0) {
		if (r->stopsig > 0)
			warnmsg("%s: stopped by signal %d while opening it",
			    spec, r->stopsig);
		else if (r->err == RMT_LOST)
			warnmsg("%s: no answer from rmt on %s: %s", spec,
			    r->host, r->msg);
		else {
			warnmsg("%s: rmt on %s cannot open %s: %s (remote errno "
			    "%d)", spec, r->host, file, r->msg, r->err);
			rmt_drop(r, 0);
		}
		return -1;
	}
	if (probe(r, file) != 0) {
		warnmsg("%s: rmt on %s: %s", spec, r->host, r->msg);
		return -1;
	}
	return 0;
}

/*
 * Write len bytes as one remote write: the bytes written, or -1 with
 * r->err the remote errno or RMT_LOST.
 */
ssize_t
rmt_write(struct rmt *r, const void *buf, size_t len)
{
	char req[32];
	long long n;

	snprintf(req, sizeof(req), "W%zu\n", len);
	if (r->to < 0 || writefull(r->to, req, strlen(req)) != 0 ||
	    writefull(r->to, buf, len) != 0)
		return lost(r);
	n = reply(r);
	if (n > (long long)len) {
		snprintf(r->msg, sizeof(r->msg), "rmt on %s wrote %lld bytes of "
		    "%zu", r->host, n, len);
		return lost(r);
	}
	return (ssize_t)n;
}

/* A tape operation (RMT_REWIND...): 0, or -1 with r->err and r->msg. */
int
rmt_ioctl(struct rmt *r, int op, int count)
{
	char req[64];

	if (!r->ops) {
		r->err = EINVAL;
		snprintf(r->msg, sizeof(r->msg), "rmt on %s does not take "
		    "version 1 of the protocol, whose tape operations mean the "
		    "same on every system", r->host);
		return -1;
	}
	snprintf(req, sizeof(req), "I%d\n%d\n", op, count);
	return request(r, req) < 0 ? -1 : 0;
}

/*
 * Close the remote file and end the connection.  Returns 0, or -1 after
 * saying why (the remote close failed, or the connection was lost, and
 * what was written may not all be there).
 */
int
rmt_close(struct rmt *r)
{
	if (r->to < 0 && r->pid <= 0)	/* lost before, and said so */
		return r->err == RMT_LOST ? -1 : 0;
	if (request(r, "C\n") < 0) {
		if (r->err == RMT_LOST)
			warnmsg("%s: lost the connection to rmt at the close: %s",
			    r->spec, r->msg);
		else {
			warnmsg("%s: remote close: %s (remote errno %d)",
			    r->spec, r->msg, r->err);
			rmt_drop(r, 0);
		}
		return -1;
	}
	reap(r);
	return 0;
}

/*
 * End the connection, whatever state it is in, and say in r->msg how the
 * remote shell ended.  It sees the end of its input and goes; with now,
 * it is also told to stop at once (for a dump stopped by a signal).
 */
void
rmt_drop(struct rmt *r, int now)
{
	if (now && r->pid > 0)
		kill(r->pid, SIGTERM);
	reap(r);
}
