.POSIX:
# dump for UFS1/UFS2 as a pipeline of filters.  Works with GNU and BSD make.

PREFIX = /usr/local
BINDIR = $(PREFIX)/sbin
MANDIR = $(PREFIX)/share/man
DESTDIR =

CC = cc
CFLAGS = -O2 -g -std=c99 -Wall -Wextra -Werror
# POSIX.1-2008 everywhere; 64-bit off_t on 32-bit glibc (elsewhere off_t
# is 64-bit already).  The few files that use a system's own interfaces
# where it has them (SIGINFO, MAP_ANON) include lib/feature.h first.
CPPFLAGS = -D_POSIX_C_SOURCE=200809L -D_FILE_OFFSET_BITS=64 -Ilib
LDFLAGS =
LDLIBS =
AR = ar

LIBHDR = lib/ask.h lib/bitmap.h lib/bmap.h lib/bytes.h lib/dir.h lib/dumpdates.h lib/esc.h \
	lib/feature.h lib/handoff.h lib/msg.h lib/num.h lib/spcl.h lib/str.h lib/stream.h lib/ufs.h lib/xio.h
LIBOBJ = lib/ask.o lib/bmap.o lib/dir.o lib/ddupdate.o lib/dumpdates.o lib/esc.o lib/handoff.o lib/msg.o lib/num.o lib/spcl.o \
	lib/stream.o lib/ufs.o lib/xio.o
SCANOBJ = scan/dirahead.o scan/dscan.o scan/filter.o scan/mapdirs.o scan/names.o scan/pass.o \
	scan/summary.o scan/tree.o
BLKOBJ = blkread/dblkread.o blkread/obuf.o blkread/readahead.o
TAPEOBJ = tapewr/dtapewr.o tapewr/eom.o tapewr/input.o tapewr/loop.o \
	tapewr/relay.o tapewr/ring.o tapewr/rmt.o \
	tapewr/volume.o
DDATEOBJ = ddate/ddate.o
PROGS = bin/dscan bin/dblkread bin/dtapewr bin/ddate
MAN1 = scan/dscan.1 blkread/dblkread.1 tapewr/dtapewr.1
MAN5 = scan/dscan.5 lib/dumptape.5
MAN8 = ddate/ddate.8 bin/dump.8

all: $(PROGS)

.SUFFIXES: .c .o
.c.o:
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBOBJ) $(SCANOBJ) $(BLKOBJ) $(TAPEOBJ) $(DDATEOBJ): $(LIBHDR)
$(SCANOBJ): scan/dscan.h
$(BLKOBJ): blkread/obuf.h blkread/readahead.h
$(TAPEOBJ): tapewr/dtapewr.h tapewr/rmt.h

lib/libdump.a: $(LIBOBJ)
	rm -f $@
	$(AR) -rc $@ $(LIBOBJ)

bin/dscan: $(SCANOBJ) lib/libdump.a
	$(CC) $(LDFLAGS) -o $@ $(SCANOBJ) lib/libdump.a $(LDLIBS)

bin/dblkread: $(BLKOBJ) lib/libdump.a
	$(CC) $(LDFLAGS) -o $@ $(BLKOBJ) lib/libdump.a $(LDLIBS)

bin/dtapewr: $(TAPEOBJ) lib/libdump.a
	$(CC) $(LDFLAGS) -o $@ $(TAPEOBJ) lib/libdump.a $(LDLIBS)

bin/ddate: $(DDATEOBJ) lib/libdump.a
	$(CC) $(LDFLAGS) -o $@ $(DDATEOBJ) lib/libdump.a $(LDLIBS)

# Test tools: built by "make check", never installed.
TOOLS = t/tools/bin/fsdesc t/tools/bin/dumpinfo t/tools/bin/ufsedit \
	t/tools/bin/eomshim.so t/tools/bin/sectorshim.so t/tools/bin/tapeshim.so \
	t/tools/bin/badfs t/tools/bin/benchtree t/tools/bin/holdlock \
	t/tools/bin/sigdefault t/tools/bin/pipefill
UEDIT = t/tools/ufsedit/alloc.c t/tools/ufsedit/check.c \
	t/tools/ufsedit/cmd.c t/tools/ufsedit/dev.c t/tools/ufsedit/dir.c \
	t/tools/ufsedit/inode.c t/tools/ufsedit/main.c
tools: $(TOOLS)

t/tools/bin/ufsedit: $(UEDIT) t/tools/ufsedit/ufsedit.h lib/libdump.a
	mkdir -p t/tools/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(UEDIT) lib/libdump.a

t/tools/bin/fsdesc: t/tools/fsdesc.c lib/libdump.a
	mkdir -p t/tools/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/tools/fsdesc.c lib/libdump.a

# No sanitizer in the preloaded library: it goes into any program.
t/tools/bin/eomshim.so: t/tools/eomshim.c
	mkdir -p t/tools/bin
	$(CC) -O2 -g -std=c99 -Wall -Wextra -Werror -shared -fPIC -o $@ \
	    t/tools/eomshim.c -ldl

t/tools/bin/sectorshim.so: t/tools/sectorshim.c
	mkdir -p t/tools/bin
	$(CC) -O2 -g -std=c99 -Wall -Wextra -Werror -shared -fPIC -o $@ \
	    t/tools/sectorshim.c -ldl

# A FUSE file system with bad sectors (t/badsector.bats): Linux and
# libfuse3 only, so built only where pkg-config finds fuse3, and with the
# system's cc, whose C library libfuse3 was built for (CC may be musl-gcc).
t/tools/bin/badfs: t/tools/badfs.c
	mkdir -p t/tools/bin
	if pkg-config --exists fuse3 2>/dev/null; then \
		cc -O2 -g -std=c99 -Wall -Wextra -Werror \
		    $$(pkg-config --cflags fuse3) -o $@ t/tools/badfs.c \
		    $$(pkg-config --libs fuse3); \
	else \
		echo "badfs: pkg-config finds no fuse3; t/badsector.bats will skip"; \
	fi

t/tools/bin/tapeshim.so: t/tools/tapeshim.c
	mkdir -p t/tools/bin
	$(CC) -O2 -g -std=c99 -Wall -Wextra -Werror -shared -fPIC -o $@ \
	    t/tools/tapeshim.c -ldl

t/tools/bin/benchtree: t/tools/benchtree.c
	mkdir -p t/tools/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/tools/benchtree.c

t/tools/bin/holdlock: t/tools/holdlock.c
	mkdir -p t/tools/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/tools/holdlock.c

t/tools/bin/sigdefault: t/tools/sigdefault.c
	mkdir -p t/tools/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/tools/sigdefault.c

t/tools/bin/pipefill: t/tools/pipefill.c lib/libdump.a
	mkdir -p t/tools/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/tools/pipefill.c lib/libdump.a

t/tools/bin/dumpinfo: t/tools/dumpinfo.c lib/libdump.a
	mkdir -p t/tools/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/tools/dumpinfo.c lib/libdump.a

# The benchmark of speed and memory against Linux dump and cat (README).
bench: all tools
	t/bench

# Fuzzing: a harness per parser of outside input, in t/fuzz/.  "make
# fuzz" builds them with clang and libFuzzer and runs each for FUZZTIME
# seconds on its corpus (new inputs go to FUZZWORK, crashes to
# t/fuzz/crashes/); "make fuzzcheck" builds them with $(CC) and a plain
# driver that runs them over the corpus as regression tests.
FUZZCC = clang
FUZZFLAGS = -g -O1 -std=c99 -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZTIME = 60
FUZZWORK = /tmp/dump-fuzz
FUZZOPTS = -timeout=10 -close_fd_mask=2 -print_final_stats=1
# harness:max_len
FUZZRUNS = superblock:327680 inode:327680 dir:4101 lines:16384 \
	stream:65537 dumpdates:8192 handoff:4096
FUZZSRC = $(LIBOBJ:.o=.c)
FUZZDEP = t/fuzz/fuzz.h $(FUZZSRC) $(LIBHDR)
FUZZBIN = t/fuzz/bin/superblock t/fuzz/bin/inode t/fuzz/bin/dir \
	t/fuzz/bin/lines t/fuzz/bin/stream t/fuzz/bin/dumpdates \
	t/fuzz/bin/handoff
FUZZCHECK = t/fuzz/bin/superblock-check t/fuzz/bin/inode-check \
	t/fuzz/bin/dir-check t/fuzz/bin/lines-check \
	t/fuzz/bin/stream-check t/fuzz/bin/dumpdates-check \
	t/fuzz/bin/handoff-check
FUZZCHECKDEP = t/fuzz/driver.c t/fuzz/fuzz.h lib/libdump.a

fuzz: $(FUZZBIN)
	@mkdir -p t/fuzz/crashes; failed=; \
	for run in $(FUZZRUNS); do \
		h=$${run%%:*}; len=$${run#*:}; \
		mkdir -p $(FUZZWORK)/$$h; \
		echo "fuzz: $$h for $(FUZZTIME) s, -max_len=$$len"; \
		nice t/fuzz/bin/$$h -max_total_time=$(FUZZTIME) \
		    -max_len=$$len $(FUZZOPTS) \
		    -artifact_prefix=t/fuzz/crashes/$$h- \
		    $(FUZZWORK)/$$h t/fuzz/corpus/$$h || failed="$$failed $$h"; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "fuzz: found trouble in:$$failed (see t/fuzz/crashes/)"; \
		exit 1; \
	fi

fuzzcheck: $(FUZZCHECK)

t/fuzz/bin/superblock: t/fuzz/fuzz_superblock.c $(FUZZDEP)
	mkdir -p t/fuzz/bin
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ t/fuzz/fuzz_superblock.c \
	    $(FUZZSRC)

t/fuzz/bin/inode: t/fuzz/fuzz_inode.c $(FUZZDEP)
	mkdir -p t/fuzz/bin
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ t/fuzz/fuzz_inode.c $(FUZZSRC)

t/fuzz/bin/dir: t/fuzz/fuzz_dir.c $(FUZZDEP)
	mkdir -p t/fuzz/bin
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ t/fuzz/fuzz_dir.c $(FUZZSRC)

t/fuzz/bin/lines: t/fuzz/fuzz_lines.c $(FUZZDEP)
	mkdir -p t/fuzz/bin
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ t/fuzz/fuzz_lines.c \
	    $(FUZZSRC)

t/fuzz/bin/stream: t/fuzz/fuzz_stream.c $(FUZZDEP)
	mkdir -p t/fuzz/bin
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ t/fuzz/fuzz_stream.c \
	    $(FUZZSRC)

t/fuzz/bin/dumpdates: t/fuzz/fuzz_dumpdates.c $(FUZZDEP)
	mkdir -p t/fuzz/bin
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ t/fuzz/fuzz_dumpdates.c \
	    $(FUZZSRC)

t/fuzz/bin/handoff: t/fuzz/fuzz_handoff.c $(FUZZDEP)
	mkdir -p t/fuzz/bin
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ t/fuzz/fuzz_handoff.c \
	    $(FUZZSRC)

t/fuzz/bin/superblock-check: t/fuzz/fuzz_superblock.c $(FUZZCHECKDEP)
	mkdir -p t/fuzz/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/fuzz/fuzz_superblock.c \
	    t/fuzz/driver.c lib/libdump.a $(LDLIBS)

t/fuzz/bin/inode-check: t/fuzz/fuzz_inode.c $(FUZZCHECKDEP)
	mkdir -p t/fuzz/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/fuzz/fuzz_inode.c \
	    t/fuzz/driver.c lib/libdump.a $(LDLIBS)

t/fuzz/bin/dir-check: t/fuzz/fuzz_dir.c $(FUZZCHECKDEP)
	mkdir -p t/fuzz/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/fuzz/fuzz_dir.c \
	    t/fuzz/driver.c lib/libdump.a $(LDLIBS)

t/fuzz/bin/lines-check: t/fuzz/fuzz_lines.c $(FUZZCHECKDEP)
	mkdir -p t/fuzz/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/fuzz/fuzz_lines.c \
	    t/fuzz/driver.c lib/libdump.a $(LDLIBS)

t/fuzz/bin/stream-check: t/fuzz/fuzz_stream.c $(FUZZCHECKDEP)
	mkdir -p t/fuzz/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/fuzz/fuzz_stream.c \
	    t/fuzz/driver.c lib/libdump.a $(LDLIBS)

t/fuzz/bin/dumpdates-check: t/fuzz/fuzz_dumpdates.c $(FUZZCHECKDEP)
	mkdir -p t/fuzz/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/fuzz/fuzz_dumpdates.c \
	    t/fuzz/driver.c lib/libdump.a $(LDLIBS)

t/fuzz/bin/handoff-check: t/fuzz/fuzz_handoff.c $(FUZZCHECKDEP)
	mkdir -p t/fuzz/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/fuzz/fuzz_handoff.c \
	    t/fuzz/driver.c lib/libdump.a $(LDLIBS)

.PHONY: fuzz fuzzcheck

# The test suite: bats files under t/, run by t/check (installs what it
# can with apt-get and says what is missing otherwise).
check: all tools
	sh t/check

# Build a small image from a built-in tree, dump it, list it back.
demo: all
	sh t/demo

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	cp $(PROGS) bin/dump $(DESTDIR)$(BINDIR)/
	cp $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	cp $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	cp $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	# rdump: dump by its remote name, as the BSDs install it
	rm -f $(DESTDIR)$(BINDIR)/rdump $(DESTDIR)$(MANDIR)/man8/rdump.8
	ln $(DESTDIR)$(BINDIR)/dump $(DESTDIR)$(BINDIR)/rdump
	ln $(DESTDIR)$(MANDIR)/man8/dump.8 $(DESTDIR)$(MANDIR)/man8/rdump.8

clean:
	rm -f $(PROGS) lib/libdump.a $(LIBOBJ) $(SCANOBJ) $(BLKOBJ) \
	    $(TAPEOBJ) $(DDATEOBJ)
	rm -rf t/tools/bin
	rm -rf t/fuzz/bin

.PHONY: all bench check demo install clean tools
