/*
 * demo: `chorus demo`, the daemon against the Slack and Discord
 * simulators in one process, through a short scripted campaign.
 */
#ifndef CHORUS_DEMO_H
#define CHORUS_DEMO_H

struct daemon_options;

/* The process exit status. */
int demo_run(const struct daemon_options *opt);

#endif
