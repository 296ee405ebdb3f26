/* The command handlers, one per form of cmd_table.c.  Each is a thin step
 * from parsed arguments to domain changes: it reads its arguments with
 * command_arg(), changes state through records.h, and says what happened with
 * ctx_reply()/ctx_post()/ctx_dm().  Errors go to c->err through ch_fail(). */
#ifndef CHORUS_COMMANDS_H
#define CHORUS_COMMANDS_H

#include "command.h"

cmd_fn cmd_escalate_ack, cmd_campaign_add, cmd_review_approve, cmd_report_audit,
    cmd_brief_show, cmd_brief_set, cmd_brief_add, cmd_review_changes,
    cmd_work_new, cmd_work_move, cmd_work_cancel, cmd_escalate, cmd_report_help,
    cmd_campaign_kickoff, cmd_campaign_new, cmd_review_reject,
    cmd_campaign_remove, cmd_escalate_resolve, cmd_report_status,
    cmd_work_submit, cmd_people_tz_self, cmd_people_tz_other, cmd_avail_ooo,
    cmd_avail_back, cmd_avail_hours, cmd_avail_notify, cmd_question_ask,
    cmd_question_answer,
    cmd_settings, cmd_work_published, cmd_brief_propose, cmd_brief_approve,
    cmd_brief_decline, cmd_brief_proposals, cmd_standup_show,
    cmd_standup_every, cmd_standup_now, cmd_standup_off, cmd_standup_reply,
    cmd_rhythm_show, cmd_rhythm_set, cmd_rhythm_off, cmd_conflict_list,
    cmd_conflict_dismiss, cmd_conflict_brand, cmd_conflict_brand_set,
    cmd_link_code, cmd_link_join, cmd_link_unlink,
    cmd_view_timeline, cmd_view_scorecard,
    cmd_campaign_wrap, cmd_campaign_close, cmd_retro_report,
    cmd_retro_feedback, cmd_retro_kudos,
    cmd_feed_calendar, cmd_work_reopen, cmd_export, cmd_feed_dashboard;

#endif
