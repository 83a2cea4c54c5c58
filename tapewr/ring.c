/*
 * The ring of writers.  Pipes carry everything but the data: a command
 * pipe per writer (which block, which slot), a token pipe between each
 * writer and the next (whose turn it is: "G" go on, "S" stop), and one
 * status pipe back to the master.  The data stays in shared memory.  No
 * signals are used to pass the turn.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dtapewr.h"
#include "msg.h"
#include "xio.h"

struct wcmd {
	int64_t	seq;
	int32_t	slot;
	int32_t	pad;
	int64_t	len;
};

/* Shared memory that survives fork, from a POSIX shm object unlinked at once. */
static unsigned char *
sharedmem(size_t len)
{
	char name[64];
	unsigned char *p;
	int fd, tries;

	for (tries = 0; tries < 100; tries++) {
		snprintf(name, sizeof(name), "/dtapewr.%ld.%d", (long)getpid(),
		    tries);
		fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd >= 0)
			break;
		if (errno != EEXIST)
			return NULL;
	}
	if (fd < 0)
		return NULL;
	shm_unlink(name);
	if (ftruncate(fd, (off_t)len) != 0) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

int
ring_init(struct ring *r, int nwriters, size_t bsize)
{
	memset(r, 0, sizeof(*r));
	r->nwriters = nwriters;
	r->nslots = 2 * nwriters < 4 ? 4 : 2 * nwriters;
	r->bsize = bsize;
	r->mem = sharedmem((size_t)r->nslots * bsize);
	r->busy = calloc((size_t)r->nslots, sizeof(*r->busy));
	r->pid = calloc((size_t)nwriters, sizeof(*r->pid));
	r->cmd = calloc((size_t)nwriters, sizeof(*r->cmd));
	if (r->mem == NULL) {
		warnmsg("shared memory for %d blocks of %zu bytes:",
		    r->nslots, bsize);
		return -1;
	}
	if (!r->busy || !r->pid || !r->cmd) {
		warnmsg("out of memory");
		return -1;
	}
	return 0;
}

/* One write of a block; with loop set, short writes are carried on. */
static void
writeblock(struct ring *r, const unsigned char *p, size_t len,
    struct wstat *ws)
{
	ssize_t n;

	ws->done = 0;
	ws->err = 0;
	ws->bytes = 0;
	while ((size_t)ws->bytes < len) {
		n = write(r->outfd, p + ws->bytes, len - (size_t)ws->bytes);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ws->err = errno;
			return;
		}
		ws->bytes += n;
		if (n == 0 || (!r->loop && (size_t)ws->bytes < len))
			return;
	}
	ws->done = 1;
}

static void
writer(struct ring *r, int cmdfd, int tokin, int tokout, int statfd)
{
	struct wcmd c;
	struct wstat ws;
	ssize_t n;
	char tok;

	signal(SIGPIPE, SIG_IGN);	/* a closed output is an error to report */
	signal(SIGINT, SIG_DFL);	/* the master's handlers are not ours */
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	/* Progress requests are the master's; a write they cut short
	 * would look like the end of the media. */
	signal(SIGUSR1, SIG_IGN);
#ifdef SIGINFO
	signal(SIGINFO, SIG_IGN);
#endif
	for (;;) {
		n = readfull(cmdfd, &c, sizeof(c));
		if (n == 0)
			_exit(0);
		if (n != (ssize_t)sizeof(c) || readfull(tokin, &tok, 1) != 1)
			_exit(1);
		memset(&ws, 0, sizeof(ws));
		ws.seq = c.seq;
		if (tok == 'G')
			writeblock(r, r->mem + (size_t)c.slot * r->bsize,
			    (size_t)c.len, &ws);
		else
			ws.done = -1;
		tok = ws.done == 1 ? 'G' : 'S';
		if (writefull(tokout, &tok, 1) != 0 && errno != EPIPE)
			_exit(1);
		if (writefull(statfd, &ws, sizeof(ws)) != 0)
			_exit(1);
	}
}

static void
closeall(int *fds, int n, int keep1, int keep2)
{
	int i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0 && fds[i] != keep1 && fds[i] != keep2)
			close(fds[i]);
}

/*
 * Fork the writers for an output, the first block to come being number
 * first.  Every block submitted afterwards goes out in sequence order.
 * Returns 0 or -1.
 */
int
ring_start(struct ring *r, int outfd, int loop, int64_t first)
{
	int n = r->nwriters, k, st[2];
	int *cmdp = malloc(sizeof(int) * 2 * (size_t)n);
	int *tokp = malloc(sizeof(int) * 2 * (size_t)n);
	pid_t pid;

	if (cmdp == NULL || tokp == NULL || pipe(st) != 0) {
		warnmsg("ring setup:");
		return -1;
	}
	for (k = 0; k < n; k++)
		if (pipe(cmdp + 2 * k) != 0 || pipe(tokp + 2 * k) != 0) {
			warnmsg("ring setup: pipe:");
			return -1;
		}
	/* The writer of the first block goes first. */
	if (writefull(tokp[2 * (first % n) + 1], "G", 1) != 0)
		return -1;
	r->outfd = outfd;
	r->loop = loop;
	for (k = 0; k < n; k++) {
		pid = fork();
		if (pid < 0) {
			warnmsg("fork:");
			return -1;
		}
		if (pid == 0) {
			int in = cmdp[2 * k], tin = tokp[2 * k];
			int tout = tokp[2 * ((k + 1) % n) + 1];

			closeall(cmdp, 2 * n, in, -1);
			closeall(tokp, 2 * n, tin, tout);
			close(st[0]);
			close(STDIN_FILENO);
			writer(r, in, tin, tout, st[1]);
		}
		r->pid[k] = pid;
	}
	for (k = 0; k < n; k++) {
		close(cmdp[2 * k]);
		r->cmd[k] = cmdp[2 * k + 1];
	}
	closeall(tokp, 2 * n, -1, -1);
	close(st[1]);
	r->status = st[0];
	r->running = 1;
	free(cmdp);
	free(tokp);
	return 0;
}

unsigned char *
ring_slot(struct ring *r, int64_t seq)
{
	return r->mem + (size_t)(seq % r->nslots) * r->bsize;
}

/* Is the slot for block seq free to fill? */
int
ring_free(const struct ring *r, int64_t seq)
{
	return !r->busy[seq % r->nslots];
}

int
ring_submit(struct ring *r, int64_t seq, size_t len)
{
	struct wcmd c;
	int slot = (int)(seq % r->nslots);

	memset(&c, 0, sizeof(c));
	c.seq = seq;
	c.slot = slot;
	c.len = (int64_t)len;
	r->busy[slot] = 1;
	if (writefull(r->cmd[seq % r->nwriters], &c, sizeof(c)) != 0) {
		warnmsg("writer %d:", (int)(seq % r->nwriters));
		return -1;
	}
	return 0;
}

/* A writer that ended on its own is an error; say how it ended. */
static int
reapdead(struct ring *r)
{
	int k, st;

	for (k = 0; k < r->nwriters; k++) {
		if (r->pid[k] <= 0 || waitpid(r->pid[k], &st, WNOHANG) <= 0)
			continue;
		r->pid[k] = 0;
		if (WIFSIGNALED(st))
			warnmsg("writer %d was killed by signal %d", k,
			    WTERMSIG(st));
		else
			warnmsg("writer %d exited with status %d", k,
			    WEXITSTATUS(st));
		return -1;
	}
	return 0;
}

/* Wait for the next report from a writer.  Returns 0, or -1 if the ring broke. */
int
ring_wait(struct ring *r, struct wstat *ws)
{
	struct pollfd p;
	ssize_t n;
	int rc;

	for (;;) {
		p.fd = r->status;
		p.events = POLLIN;
		rc = poll(&p, 1, 1000);
		if (stopsig)
			return -1;
		if (rc < 0 && errno != EINTR) {
			warnmsg("poll:");
			return -1;
		}
		if (rc > 0)
			break;
		if (reapdead(r) != 0)
			return -1;
	}
	n = readfull(r->status, ws, sizeof(*ws));
	if (n != (ssize_t)sizeof(*ws)) {
		reapdead(r);
		warnmsg("the writers stopped reporting");
		return -1;
	}
	r->busy[ws->seq % r->nslots] = 0;
	return 0;
}

/* Let the writers finish what they hold, then reap them. */
int
ring_stop(struct ring *r)
{
	int k, st, bad = 0;

	if (!r->running)
		return 0;
	for (k = 0; k < r->nwriters; k++)
		close(r->cmd[k]);
	for (k = 0; k < r->nwriters; k++) {
		if (r->pid[k] <= 0)
			continue;
		while (waitpid(r->pid[k], &st, 0) < 0 && errno == EINTR)
			continue;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad = 1;
	}
	close(r->status);
	r->running = 0;
	return bad ? -1 : 0;
}

/* Stop the writers now, whatever they are doing, and reap them. */
void
ring_kill(struct ring *r)
{
	int k, st;

	if (!r->running)
		return;
	for (k = 0; k < r->nwriters; k++)
		if (r->pid[k] > 0)
			kill(r->pid[k], SIGTERM);
	for (k = 0; k < r->nwriters; k++) {
		close(r->cmd[k]);
		if (r->pid[k] > 0)
			while (waitpid(r->pid[k], &st, 0) < 0 && errno == EINTR)
				continue;
	}
	close(r->status);
	r->running = 0;
}
