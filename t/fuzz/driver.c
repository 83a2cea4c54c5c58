/*
 * Run a fuzz harness without libFuzzer: LLVMFuzzerTestOneInput once on
 * every file named, and on every file inside every directory named (not
 * recursively, in name order), so that the corpus and the crash
 * reproducers work as regression tests with any compiler.
 *
 *	harness-check [-v] [-t seconds] path ...
 *
 * -v names each input on stderr before it runs; -t gives each input that
 * many seconds, after which SIGALRM ends the run (a hang is a bug too).
 * Exits 0 when every input ran, 2 on bad usage or an unreadable input;
 * a harness that finds a bug aborts.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static int verbose;
static unsigned seconds;	/* per input; 0: no limit */

/* The whole of a file, in a buffer of exactly its size. */
static int
runfile(const char *path)
{
	struct stat st;
	unsigned char *buf;
	size_t done = 0;
	ssize_t n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL || fstat(fileno(fp), &st) != 0) {
		fprintf(stderr, "driver: %s: %s\n", path, strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	/* Exactly the size, so that a harness reading past it is caught. */
	if ((buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1)) == NULL) {
		fprintf(stderr, "driver: %s: out of memory\n", path);
		fclose(fp);
		return -1;
	}
	while (done < (size_t)st.st_size &&
	    (n = (ssize_t)fread(buf + done, 1, (size_t)st.st_size - done,
	    fp)) > 0)
		done += (size_t)n;
	if (ferror(fp) || done != (size_t)st.st_size) {
		fprintf(stderr, "driver: %s: cannot read it whole\n", path);
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	if (verbose)
		fprintf(stderr, "driver: %s (%zu bytes)\n", path, done);
	alarm(seconds);
	LLVMFuzzerTestOneInput(buf, done);
	alarm(0);
	free(buf);
	return 0;
}

static int
cmpname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file directly inside dir, in name order. */
static int
rundir(const char *dir)
{
	struct dirent *de;
	struct stat st;
	char **names = NULL, **p, *path;
	size_t n = 0, cap = 0, i, len;
	int bad = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "driver: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		len = strlen(dir) + strlen(de->d_name) + 2;
		if ((path = malloc(len)) == NULL)
			break;
		snprintf(path, len, "%s/%s", dir, de->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (n == cap) {
			cap = cap == 0 ? 64 : 2 * cap;
			if ((p = realloc(names, cap * sizeof(*p))) == NULL) {
				free(path);
				break;
			}
			names = p;
		}
		names[n++] = path;
	}
	if (de != NULL) {
		fprintf(stderr, "driver: %s: out of memory\n", dir);
		bad = -1;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmpname);
	for (i = 0; i < n; i++) {
		if (bad == 0 && runfile(names[i]) != 0)
			bad = -1;
		free(names[i]);
	}
	free(names);
	return bad;
}

static void
usage(void)
{
	fprintf(stderr, "usage: harness-check [-v] [-t seconds] path ...\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct stat st;
	char *end;
	unsigned long n;
	int c, i, bad = 0;

	while ((c = getopt(argc, argv, "t:v")) != -1) {
		switch (c) {
		case 't':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
			    errno != 0 || n < 1 || n > 86400) {
				fprintf(stderr, "driver: -t %s: seconds must "
				    "be from 1 to 86400\n", optarg);
				exit(2);
			}
			seconds = (unsigned)n;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	signal(SIGALRM, SIG_DFL);
	for (i = 0; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "driver: %s: %s\n", argv[i],
			    strerror(errno));
			bad = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (rundir(argv[i]) != 0)
				bad = 1;
		} else if (runfile(argv[i]) != 0)
			bad = 1;
	}
	return bad ? 2 : 0;
}
