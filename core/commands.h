/* The command handlers, one per form of cmd_table.c.  Each is a thin step
 * from parsed arguments to domain changes: it reads its arguments with
 * arg_get(), changes state through records.h, and says what happened with
 * reply()/post()/dm().  Errors go to c->err through ch_fail(). */
#ifndef CHORUS_COMMANDS_H
#define CHORUS_COMMANDS_H

#include "command.h"

cmd_fn cmd_ack, cmd_add, cmd_approve, cmd_audit, cmd_brief_show,
    cmd_brief_set, cmd_brief_add, cmd_changes, cmd_deliverable_new,
    cmd_deliverable_move, cmd_deliverable_cancel, cmd_escalate, cmd_help,
    cmd_kickoff, cmd_new, cmd_reject, cmd_remove, cmd_resolve, cmd_status,
    cmd_submit, cmd_tz_self, cmd_tz_other, cmd_ooo, cmd_back, cmd_hours,
    cmd_ask, cmd_answer, cmd_settings, cmd_published;

#endif
