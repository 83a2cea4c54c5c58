/*
 * The master's one wait.  Everything dtapewr waits for goes through
 * loop_wait(): the input, the writers' reports, the operator's answer on
 * the terminal and the replies of rmt, each beside the self-pipe of the
 * signals.  A signal handler writes the signal's number to the
 * self-pipe and does nothing else (skalibs' selfpipe), and the loop
 * reads it: a stop (SIGINT, SIGTERM, SIGHUP) ends the wait, a progress
 * request (SIGUSR1, SIGINFO) prints the line, a child's end checks for
 * a writer that died.  Descriptors are read only once poll says they
 * are readable, so a signal is never missed while blocked in a read.
 * poll's only timeout is the time left until the next -I progress line.
 */
#include "feature.h"

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ask.h"
#include "dtapewr.h"
#include "msg.h"

/* The self-pipe: a handler has nothing but its signal's number. */
static int selfpipe[2] = { -1, -1 };

static void
onsignal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;

	if (write(selfpipe[1], &c, 1) < 0) {
		/* full: signals enough are waiting to be read */
	}
	errno = saved;
}

/* The signals the master catches, and whether a system call they cut
 * short is restarted: a stop must end an open(2) of a FIFO no one reads. */
static const struct {
	int	sig;
	int	restart;
} caught[] = {
	{ SIGUSR1, 1 },
#ifdef SIGINFO
	{ SIGINFO, 1 },
#endif
	{ SIGCHLD, 1 },
	{ SIGINT, 0 },
	{ SIGTERM, 0 },
	{ SIGHUP, 0 },
};

#define NCAUGHT	(sizeof(caught) / sizeof(caught[0]))

/*
 * Is caught[i].sig the master's?  dump asks the operator on SIGINT
 * (DUMP_ASKS_INT, see dump(8)), and stops the stages itself if the
 * answer is yes: then SIGINT is left as it is.
 */
static int
ours(size_t i)
{
	return caught[i].sig != SIGINT || !ask_onint();
}

/* Catch caught[i].sig. */
static void
catchsig(size_t i)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = caught[i].restart ? SA_RESTART : 0;
	if (caught[i].sig == SIGCHLD)
		sa.sa_flags |= SA_NOCLDSTOP;
	sigaction(caught[i].sig, &sa, NULL);
}

/* Make the self-pipe and catch the signals.  Returns 0, or -1 after
 * saying why. */
int
loop_init(struct tw *t)
{
	size_t i;
	int k;

	if (pipe(selfpipe) != 0) {
		warnmsg("the signals' self-pipe:");
		return -1;
	}
	for (k = 0; k < 2; k++) {
		fcntl(selfpipe[k], F_SETFD, FD_CLOEXEC);
		fcntl(selfpipe[k], F_SETFL, fcntl(selfpipe[k], F_GETFL) |
		    O_NONBLOCK);
	}
	t->sigfd = selfpipe[0];
	for (i = 0; i < NCAUGHT; i++)
		if (ours(i))
			catchsig(i);
	/* A writer that dies is named (ring.c), so its pipes must not kill
	 * the master first; a -P command gets SIGPIPE back (volume.c). */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/*
 * Around a call that may block for good with no wait to put beside it
 * (open(2) of a FIFO that no one reads): on, the stop signals take their
 * default action, so that one that comes meanwhile ends dtapewr at
 * once, and one that came before is taken now (its number is returned:
 * the caller stops); off, they are caught again.
 */
int
loop_guard(void *tw, int on)
{
	size_t i;

	/* (the stops are the signals whose system calls are not restarted) */
	for (i = 0; i < NCAUGHT; i++) {
		if (caught[i].restart || !ours(i))
			continue;
		if (on)
			signal(caught[i].sig, SIG_DFL);
		else
			catchsig(i);
	}
	return on ? loop_stopped(tw) : 0;
}

/* In a child of the master: the master's signals and self-pipe go. */
void
loop_forget(void)
{
	size_t i;

	for (i = 0; i < NCAUGHT; i++)
		if (ours(i))
			signal(caught[i].sig, SIG_DFL);
	if (selfpipe[0] >= 0) {
		close(selfpipe[0]);
		close(selfpipe[1]);
		selfpipe[0] = selfpipe[1] = -1;
	}
}

double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A date as ctime(3) writes it, without the newline. */
const char *
showtime(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%a %b %e %H:%M:%S %Y", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
	return buf;
}

/* The progress line, as the BSD dumps print it. */
static void
progress(struct tw *t)
{
	double secs = now() - t->start, rate;
	int64_t est = t->in.chk.estimate, left;
	char date[64];

	t->lastnote = now();
	rate = secs > 0 ? t->written / secs : 0;
	if (est > t->written && rate > 0) {
		left = (int64_t)((est - t->written) / rate);
		dumpnote("%3.2f%% done, finished in %lld:%02lld at %s (volume "
		    "%d, %.0f KBytes/sec)", 100.0 * t->written / est,
		    (long long)(left / 3600), (long long)(left / 60 % 60),
		    showtime(time(NULL) + (time_t)left, date, sizeof(date)),
		    t->vol.volume, rate);
	} else
		dumpnote("%lld tape blocks written (volume %d, %.0f "
		    "KBytes/sec)", (long long)t->written, t->vol.volume, rate);
}

/* Milliseconds until the next -I progress line is due, for poll. */
static int
untilnote(const struct tw *t)
{
	double left;

	if (t->progress <= 0 || t->start == 0)
		return -1;
	left = t->lastnote + t->progress - now();
	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

/*
 * Read the self-pipe and act on each signal.  Returns 0, or -1 if the
 * dump must end: a stop (its number in t->stopsig), or a broken ring.
 */
static int
takesignals(struct tw *t)
{
	unsigned char sigs[64];
	ssize_t n, i;
	int broken = 0;

	while ((n = read(t->sigfd, sigs, sizeof(sigs))) > 0)
		for (i = 0; i < n; i++) {
			if (sigs[i] == SIGCHLD)
				broken |= ring_checkdead(&t->ring) != 0;
			else if (sigs[i] == SIGINT || sigs[i] == SIGTERM ||
			    sigs[i] == SIGHUP) {
				if (t->stopsig == 0)
					t->stopsig = sigs[i];
			} else if (t->start != 0)
				progress(t);
		}
	return t->stopsig != 0 || broken ? -1 : 0;
}

/* The status pipe is readable: take every report it holds. */
static int
takereports(struct tw *t)
{
	struct wstat ws;

	if (ring_readreports(&t->ring) != 0)
		return -1;
	while (ring_report(&t->ring, &ws))
		eom_account(t, &ws);
	return 0;
}

/*
 * Wait until fd is readable, or with fd -1 until the writers' reports
 * have come (they are taken, and what they say is accounted, whenever
 * they come).  Returns 0, or -1 if the dump must end: a stop signal
 * (t->stopsig), a broken ring (named), or a failed poll.
 */
int
loop_wait(struct tw *t, int fd)
{
	return loop_waitfor(t, fd, POLLIN);
}

/* loop_wait for fd to be ready for events (POLLIN, POLLOUT). */
int
loop_waitfor(struct tw *t, int fd, short events)
{
	struct pollfd p[3];
	int n, st, rc;

	if (fd < 0 && ring_handout(&t->ring) != 0)
		return -1;
	for (;;) {
		if (untilnote(t) == 0)
			progress(t);
		n = 0;
		p[n].fd = t->sigfd;
		p[n++].events = POLLIN;
		st = ring_statusfd(&t->ring);
		if (st >= 0) {
			p[n].fd = st;
			p[n++].events = POLLIN;
		} else if (fd < 0) {
			warnmsg("internal error: a wait for the reports of "
			    "writers that have ended");
			return -1;
		}
		if (fd >= 0) {
			p[n].fd = fd;
			p[n++].events = events;
		}
		rc = poll(p, (nfds_t)n, untilnote(t));
		if (rc < 0 && errno != EINTR) {
			warnmsg("poll:");
			return -1;
		}
		if (rc <= 0)
			continue;
		if (p[0].revents != 0 && takesignals(t) != 0)
			return -1;
		if (st >= 0 && p[1].revents != 0) {
			if (takereports(t) != 0)
				return -1;
			if (fd < 0)
				return 0;
		}
		if (fd >= 0 && p[n - 1].revents != 0)
			return 0;
	}
}

/*
 * loop_wait for a module that reads (readwait_fn): 0 once fd is
 * readable, else the signal that stops the dump (-1 for another end).
 */
int
loop_readwait(void *tw, int fd)
{
	struct tw *t = tw;

	if (loop_wait(t, fd) == 0)
		return 0;
	return t->stopsig != 0 ? t->stopsig : -1;
}

/*
 * After a system call a signal cut short: take the signals that came.
 * Returns the signal that stops the dump, or 0.
 */
int
loop_stopped(struct tw *t)
{
	takesignals(t);
	return t->stopsig;
}

/* Wait until every block handed to the writers has been reported. */
int
loop_drain(struct tw *t)
{
	while (ring_held(&t->ring) > 0)
		if (ring_statusfd(&t->ring) < 0 || loop_wait(t, -1) != 0)
			return -1;
	return 0;
}

/*
 * Let the writers finish what they hold, taking their reports until
 * the last has gone, then reap them.  Returns 0, or -1 if the ring
 * broke (named) or a stop signal came.
 */
int
loop_stopring(struct tw *t)
{
	int bad;

	bad = ring_finish(&t->ring) != 0;
	while (!bad && ring_statusfd(&t->ring) >= 0)
		bad = loop_wait(t, -1) != 0;
	if (t->stopsig != 0)
		return -1;
	return ring_reap(&t->ring) != 0 || bad ? -1 : 0;
}
