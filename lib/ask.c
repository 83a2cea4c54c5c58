#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ask.h"

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
 * Ask until the answer is "yes" or "no".  Returns 1 for yes, 0 for no,
 * -1 if no one can answer (no terminal, or its end).
 */
int
ask(int tty, const char *question)
{
	char line[64], prompt[256];
	size_t n;
	ssize_t r;
	char c;

	if (tty < 0)
		return -1;
	snprintf(prompt, sizeof(prompt), "  DUMP: %s (\"yes\" or \"no\") ",
	    question);
	for (;;) {
		if (write(tty, prompt, strlen(prompt)) < 0)
			return -1;
		n = 0;
		while ((r = read(tty, &c, 1)) == 1 && c != '\n')
			if (n < sizeof(line) - 1)
				line[n++] = c;
		if (r != 1 && n == 0)
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
