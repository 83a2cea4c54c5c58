/*
 * holdlock FILE: take a write lock on the whole of FILE with fcntl(2),
 * as ddate does, say "locked" on stdout, and hold it until standard input
 * ends.  Lets a test stop a dumpdates update at its lock, for as long as
 * it needs, with no timing.  Test tool only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct flock fl;
	char buf[512];
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: holdlock file\n");
		return 1;
	}
	if ((fd = open(argv[1], O_RDWR)) < 0) {
		fprintf(stderr, "holdlock: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	while (fcntl(fd, F_SETLKW, &fl) != 0) {
		if (errno != EINTR) {
			fprintf(stderr, "holdlock: %s: %s\n", argv[1],
			    strerror(errno));
			return 1;
		}
	}
	printf("locked\n");
	fflush(stdout);
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		continue;
	return 0;
}
