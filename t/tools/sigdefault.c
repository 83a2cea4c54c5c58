/*
 * sigdefault COMMAND [ARG...]: run COMMAND with SIGINT, SIGQUIT, SIGTERM
 * and SIGHUP at their defaults.  A shell that is itself started in the
 * background (make check &, nohup, a CI runner) starts its children with
 * SIGINT and SIGQUIT ignored, and a shell cannot trap a signal that was
 * ignored when it began: the tests that send them need them back.
 * Portable (POSIX), unlike env --default-signal.  Test tool only.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

int
main(int argc, char *argv[])
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP };
	size_t i;

	if (argc < 2) {
		fprintf(stderr, "usage: sigdefault command [arg ...]\n");
		return 2;
	}
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	execvp(argv[1], argv + 1);
	fprintf(stderr, "sigdefault: %s: %s\n", argv[1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
