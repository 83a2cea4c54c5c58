/*
 * dump's query(): a yes-or-no question to the operator on /dev/tty.
 */
#ifndef ASK_H
#define ASK_H

int	ask_open(void);
int	ask(int tty, const char *question);
int	ask_onint(void);

#endif
