#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ask.h"
#include "xio.h"

/* The terminal to ask on, or -1 when there is none (cron, a pipe). */
int
ask_open(void)
{
	int fd = open("/dev/tty", O_RDWR);

	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

/*
 * dump -n: tell the logged-in members of group operator, through
 * wall(1), that the dump waits for an answer.  dump sets DUMP_NOTIFY in
 * the environment of its stages.  A missing wall must not kill the stage
 * with SIGPIPE, so the signal is ignored meanwhile.
 */
static void
notifyops(const char *question)
{
	void (*old)(int);
	FILE *fp;

	if (getenv("DUMP_NOTIFY") == NULL || *getenv("DUMP_NOTIFY") == '\0')
		return;
	old = signal(SIGPIPE, SIG_IGN);
	if ((fp = popen("wall -g operator >/dev/null 2>&1", "w")) != NULL) {
		fprintf(fp, "DUMP: NEEDS ATTENTION: %s\n", question);
		pclose(fp);
	}
	signal(SIGPIPE, old);
}

/*
 * One answer from the terminal into line, at most size - 1 bytes kept,
 * read once wait (if any) says the terminal is readable.  Returns its
 * length, or -1 at the terminal's end or when wait gives up.
 */
static ssize_t
answer(int tty, char *line, size_t size, readwait_fn wait, void *arg)
{
	size_t n = 0;
	char c;

	for (;;) {
		if (wait != NULL && wait(arg, tty) != 0)
			return -1;
		if (read(tty, &c, 1) != 1)
			return n > 0 ? (ssize_t)n : -1;
		if (c == '\n')
			return (ssize_t)n;
		if (n < size - 1)
			line[n++] = c;
	}
}

int
ask(int tty, const char *question)
{
	return askwait(tty, question, NULL, NULL);
}

/*
 * Ask until the answer is "yes" or "no", reading the terminal only once
 * wait (if any) says it is readable.  Returns 1 for yes, 0 for no, -1 if
 * no one can answer (no terminal, or its end) or wait gave up.
 */
int
askwait(int tty, const char *question, readwait_fn wait, void *arg)
{
	char line[64], prompt[256];
	ssize_t n;

	notifyops(question);
	if (tty < 0)
		return -1;
	snprintf(prompt, sizeof(prompt), "  DUMP: %s (\"yes\" or \"no\") ",
	    question);
	for (;;) {
		if (write(tty, prompt, strlen(prompt)) < 0)
			return -1;
		if ((n = answer(tty, line, sizeof(line), wait, arg)) < 0)
			return -1;
		while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
			n--;
		line[n] = '\0';
		if (strcmp(line, "yes") == 0)
			return 1;
		if (strcmp(line, "no") == 0)
			return 0;
		if (write(tty, "  DUMP: \"yes\" or \"no\"?\n", 24) < 0)
			return -1;
	}
}

/*
 * Does dump(8) ask the operator before stopping on SIGINT?  Then a stage
 * leaves SIGINT ignored (DUMP_ASKS_INT in its environment).
 */
int
ask_onint(void)
{
	const char *v = getenv("DUMP_ASKS_INT");

	return v != NULL && *v != '\0';
}
