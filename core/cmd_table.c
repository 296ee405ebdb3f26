/*
 * THE command table: one entry per form, sorted by name.
 * Nothing else lives here.  Help, parsing, permissions and platform
 * registration all come from these entries; a unit test checks that the
 * table compiles, is sorted, and that every example parses.
 */
#include "commands.h"

const struct cmd_spec cmd_table[] = {
    { .name = "ack", .pattern = "E<N> [<note...>]",
      .summary = "acknowledge an escalation: it stops climbing the ladder",
      .example = "ack E4 on it, calling the creator now",
      .actions = ACTS(ACT_HANDLE_ESCALATION), .run = cmd_escalate_ack },
    { .name = "add",
      .pattern = "<slug> <person> role:<brand|agency|coordinator|creator> "
                 "[tier:<core|flex>] [tz:<zone>]",
      .summary = "add someone to a campaign with a role, or change theirs",
      .example = "add spring-launch @bob role:creator tier:core "
                 "tz:Europe/Berlin",
      /* The brand's side may add brand leads (cmd_campaign.c). */
      .actions = ACTS(ACT_MANAGE) | ACTS(ACT_GRANT_BRAND),
      .run = cmd_campaign_add },
    { .name = "answer", .pattern = "Q<N> <text...>",
      .summary = "answer a tracked question",
      .example = "answer Q3 yes, the blue can is fine",
      .actions = ACTS(ACT_ANSWER), .run = cmd_question_answer },
    { .name = "approve",
      .pattern = "<ref> [fail:<visible,message,engagement>] "
                 "[override:\"<reason>\"] [<note...>]",
      .summary = "approve a submission at your stage (review, or the "
                 "brand's final approval); a failed point needs override:",
      .example = "approve spring-launch#3 fail:engagement "
                 "override:\"launch date is fixed\" great hook otherwise",
      .actions = ACTS(ACT_REVIEW) | ACTS(ACT_FINAL_APPROVAL),
      .run = cmd_review_approve },
    { .name = "ask", .pattern = "[<slug>] <question...>",
      .summary = "ask a question the coordinators must answer; answers "
                 "with its Q<N>",
      .example = "ask spring-launch can we show the blue can too?",
      .actions = ACTS(ACT_ASK), .run = cmd_question_ask },
    { .name = "audit", .pattern = "<slug|ref|E<N>>",
      .summary = "show the audit log of a campaign, deliverable or "
                 "escalation",
      .example = "audit spring-launch#3",
      .actions = ACTS(ACT_AUDIT), .run = cmd_report_audit,
      .read_only = true },
    { .name = "back", .pattern = "[<person>]",
      .summary = "end your time off now (or a creator's, as coordinator)",
      .example = "back",
      .actions = ACTS(ACT_SELF), .run = cmd_avail_back },
    { .name = "brand", .pattern = "<brand>",
      .summary = "show a brand's category and exclusivity",
      .example = "brand Fizz",
      .actions = ACTS(ACT_VIEW), .run = cmd_conflict_brand,
      .read_only = true },
    { .name = "brand",
      .pattern = "<brand> category:<category> [exclusive:<categories>]",
      .summary = "set a brand's category and the categories its creators "
                 "may not work for meanwhile (none clears them)",
      .example = "brand Fizz category:\"soft drinks\" "
                 "exclusive:\"energy drinks;soft drinks\"",
      .actions = ACTS(ACT_BRAND), .run = cmd_conflict_brand_set },
    { .name = "brief", .pattern = "<slug>",
      .summary = "show a campaign's brief",
      .example = "brief spring-launch",
      .actions = ACTS(ACT_VIEW), .run = cmd_brief_show, .read_only = true },
    { .name = "brief", .pattern = "<slug> add <field> <item...>",
      .summary = "add an item to a list field of the brief",
      .example = "brief spring-launch add must_avoid competitor names",
      .actions = ACTS(ACT_MANAGE) | ACTS(ACT_BRIEF_LOCKED),
      .run = cmd_brief_add },
    { .name = "brief", .pattern = "<slug> approve <id>",
      .summary = "approve a proposed change to the brief (the brand)",
      .example = "brief spring-launch approve P3",
      .actions = ACTS(ACT_BRIEF_LOCKED), .run = cmd_brief_approve },
    { .name = "brief", .pattern = "<slug> decline <id> <reason...>",
      .summary = "decline a proposed change to the brief, with a reason",
      .example = "brief spring-launch decline P3 the audience stays as "
                 "briefed",
      .actions = ACTS(ACT_BRIEF_LOCKED), .run = cmd_brief_decline },
    { .name = "brief", .pattern = "<slug> proposals",
      .summary = "list the open proposals to change the brief",
      .example = "brief spring-launch proposals",
      .actions = ACTS(ACT_VIEW), .run = cmd_brief_proposals },
    { .name = "brief", .pattern = "<slug> propose <field> <text...>",
      .summary = "propose a change to the brief after kickoff; the brand "
                 "approves or declines it (answers with its P<N>)",
      .example = "brief spring-launch propose audience urban runners, 18-35",
      .actions = ACTS(ACT_MANAGE), .run = cmd_brief_propose },
    { .name = "brief", .pattern = "<slug> propose add <field> <item...>",
      .summary = "propose an item for a list field of the brief",
      .example = "brief spring-launch propose add must_avoid energy claims",
      .actions = ACTS(ACT_MANAGE), .run = cmd_brief_propose },
    { .name = "brief", .pattern = "<slug> set <field> <text...>",
      .summary = "set a brief field (list fields take items separated "
                 "by ;)",
      .example = "brief spring-launch set audience urban runners, 18-30",
      .actions = ACTS(ACT_MANAGE) | ACTS(ACT_BRIEF_LOCKED),
      .run = cmd_brief_set },
    { .name = "calendar", .pattern = "",
      .summary = "your secret link to a calendar of your deadlines (asking "
                 "again replaces it)",
      .example = "calendar",
      .actions = ACTS(ACT_SELF), .run = cmd_feed_calendar },
    { .name = "changes",
      .pattern = "<ref> [fail:<visible,message,engagement>] <reason...>",
      .summary = "request changes to a submission, with a reason",
      .example = "changes spring-launch#3 fail:visible the can is not "
                 "visible in the first 3 seconds",
      .actions = ACTS(ACT_REVIEW) | ACTS(ACT_FINAL_APPROVAL),
      .run = cmd_review_changes },
    { .name = "close", .pattern = "<slug>",
      .summary = "close a wrapped campaign: nothing more is nudged or "
                 "escalated, its channel is archived",
      .example = "close spring-launch",
      .actions = ACTS(ACT_MANAGE), .run = cmd_campaign_close },
    { .name = "conflicts", .pattern = "[<brand>]",
      .summary = "list the open conflict alerts (of a brand): clashing "
                 "briefs, double bookings, publishing collisions, "
                 "near-duplicate captions",
      .example = "conflicts Fizz",
      .actions = ACTS(ACT_CONFLICTS), .run = cmd_conflict_list,
      .read_only = true },
    { .name = "conflicts", .pattern = "dismiss <id> <reason...>",
      .summary = "dismiss a conflict alert, with a reason: it stays quiet "
                 "while it holds",
      .example = "conflicts dismiss C3 the winter campaign ends first",
      .actions = ACTS(ACT_CONFLICTS), .run = cmd_conflict_dismiss },
    { .name = "dashboard", .pattern = "",
      .summary = "your secret link to a read-only web dashboard of your "
                 "campaigns (asking again replaces it)",
      .example = "dashboard",
      .actions = ACTS(ACT_SELF), .run = cmd_feed_dashboard },
    { .name = "deliverable", .pattern = "<ref> cancel <reason...>",
      .summary = "cancel a deliverable",
      .example = "deliverable spring-launch#2 cancel budget moved to TV",
      .actions = ACTS(ACT_MANAGE), .run = cmd_work_cancel },
    { .name = "deliverable",
      .pattern = "<ref> move [draft:<when>] [publish:<when>]",
      .summary = "move a deliverable's draft or publish time",
      .example = "deliverable spring-launch#2 move draft:\"fri 17:00\"",
      .actions = ACTS(ACT_MANAGE), .run = cmd_work_move },
    { .name = "deliverable", .pattern = "<ref> reopen <reason...>",
      .summary = "take a late fix of a piece marked missed: a new fix "
                 "window from now; the late rule applies to its fee",
      .example = "deliverable spring-launch#2 reopen fix agreed by phone",
      .actions = ACTS(ACT_MANAGE), .run = cmd_work_reopen },
    { .name = "deliverable",
      .pattern = "<slug> <creator> \"<title>\" [on:<platform>] "
                 "[week:<n>] [draft:<when>] [publish:<when>] [fee:<amount>] "
                 "[late:<percent>]",
      .summary = "add a deliverable for a creator (its dates, or "
                 "week:<n> of the campaign's rhythm; late: the share of the "
                 "fee paid if a window is missed); answers with its #N",
      .example = "deliverable spring-launch @bob \"Unboxing reel\" "
                 "on:tiktok draft:+7d publish:+14d fee:500",
      .actions = ACTS(ACT_MANAGE), .run = cmd_work_new },
    { .name = "escalate", .pattern = "<ref|slug> <reason...>",
      .summary = "escalate a problem; answers with its E<N>",
      .example = "escalate spring-launch#3 creator silent for 3 days",
      .actions = ACTS(ACT_ESCALATE), .run = cmd_escalate },
    { .name = "export", .pattern = "<slug|brand>",
      .summary = "links to CSV files of a campaign's (or a brand's "
                 "campaigns') deliverables, reviews and payouts",
      .example = "export spring-launch",
      .actions = ACTS(ACT_AUDIT), .run = cmd_export },
    { .name = "feedback",
      .pattern = "<slug> [anonymous:<yes|no>] <text...>",
      .summary = "tell the brand what worked and what did not, in the "
                 "campaign's report (anonymous:yes keeps no name)",
      .example = "feedback spring-launch anonymous:yes the brief came late",
      .actions = ACTS(ACT_FEEDBACK), .run = cmd_retro_feedback },
    { .name = "help", .pattern = "[<command>]",
      .summary = "list what you can do, or show one command",
      .example = "help deliverable",
      .actions = ACTS(ACT_HELP), .run = cmd_report_help,
      .read_only = true },
    { .name = "hours",
      .pattern = "<hours> [days:<days>] [for:<person>]",
      .summary = "set your working hours (reminders arrive inside them)",
      .example = "hours 10:00-19:00 days:mon-fri",
      .actions = ACTS(ACT_SELF), .run = cmd_avail_hours },
    { .name = "kickoff", .pattern = "<slug>",
      .summary = "lock the brief, post and pin it, tell every participant",
      .example = "kickoff spring-launch",
      .actions = ACTS(ACT_MANAGE), .run = cmd_campaign_kickoff },
    { .name = "kudos", .pattern = "<person> <reason...>",
      .summary = "thank someone you work with; they are told, and it "
                 "shows in the report",
      .example = "kudos @bob lent me his ring light",
      .actions = ACTS(ACT_SELF), .run = cmd_retro_kudos },
    { .name = "link", .pattern = "",
      .summary = "get a one-time code to join your identity on another "
                 "platform to this one (one person on both)",
      .example = "link",
      .actions = ACTS(ACT_SELF), .run = cmd_link_code },
    { .name = "link", .pattern = "<code>",
      .summary = "join this identity to the one that asked for the code "
                 "on another platform: zone, hours, time off and history "
                 "are kept",
      .example = "link K7QM2XWP",
      .actions = ACTS(ACT_SELF), .run = cmd_link_join },
    { .name = "new",
      .pattern = "<slug:new> brand:<name> [agency:<name>] "
                 "[title:\"<title>\"] [from:<when:start>] [to:<when:end>] "
                 "[need:<n>]",
      .summary = "create a campaign (you become its coordinator)",
      .example = "new spring-launch brand:Fizz agency:Loud "
                 "title:\"Spring Launch\" from:+1d to:+30d need:5",
      .actions = ACTS(ACT_CREATE), .run = cmd_campaign_new },
    { .name = "notify",
      .pattern = "[urgent:<anytime|working>] [digest:<on|off>] "
                 "[for:<person>]",
      .summary = "when direct messages reach you: urgent ones at any time "
                 "or in working hours; news in a morning digest or at once",
      .example = "notify urgent:anytime digest:off",
      .actions = ACTS(ACT_SELF), .run = cmd_avail_notify },
    { .name = "ooo", .pattern = "<from> <to> [for:<person>] [<note...>]",
      .summary = "record time off: no reminders until you are back",
      .example = "ooo 2026-12-24 2027-01-02 family holiday",
      .actions = ACTS(ACT_SELF), .run = cmd_avail_ooo },
    { .name = "published", .pattern = "<ref> <link>",
      .summary = "record that approved content is live",
      .example = "published spring-launch#3 https://tiktok.com/@bob/video/1",
      .actions = ACTS(ACT_SUBMIT), .run = cmd_work_published },
    { .name = "reject",
      .pattern = "<ref> [fail:<visible,message,engagement>] <reason...>",
      .summary = "reject a submission for good, with a reason (without "
                 "fail: all three points fail)",
      .example = "reject spring-launch#3 off-brief: competitor product shown",
      .actions = ACTS(ACT_REVIEW) | ACTS(ACT_FINAL_APPROVAL),
      .run = cmd_review_reject },
    { .name = "remove", .pattern = "<slug> <person> [reassign:<person>]",
      .summary = "remove someone from a campaign (their open work goes "
                 "to another creator)",
      .example = "remove spring-launch @bob reassign:@dave",
      .actions = ACTS(ACT_MANAGE), .run = cmd_campaign_remove },
    { .name = "remove", .pattern = "<slug> <person> cancel",
      .summary = "remove someone from a campaign and cancel their open "
                 "deliverables",
      .example = "remove spring-launch @bob cancel",
      .actions = ACTS(ACT_MANAGE), .run = cmd_campaign_remove },
    { .name = "report", .pattern = "<slug>",
      .summary = "the retrospective: delivered against need, lateness, "
                 "rounds, approval latency, escalations, conflicts, "
                 "payouts with the late rule, standup answers",
      .example = "report spring-launch",
      .actions = ACTS(ACT_AUDIT), .run = cmd_retro_report,
      .read_only = true },
    { .name = "resolve", .pattern = "E<N> <note...>",
      .summary = "close an escalation with a note",
      .example = "resolve E4 new draft date agreed with the creator",
      .actions = ACTS(ACT_HANDLE_ESCALATION), .run = cmd_escalate_resolve },
    { .name = "rhythm", .pattern = "<slug>",
      .summary = "show a campaign's weekly rhythm: the days briefs go out, "
                 "questions, drafts, feedback and revisions are due",
      .example = "rhythm spring-launch",
      .actions = ACTS(ACT_VIEW), .run = cmd_rhythm_show, .read_only = true },
    { .name = "rhythm",
      .pattern = "<slug> [brief:<day>] [questions:<day>] drafts:<day> "
                 "[feedback:<day>] [revisions:<day>] [at:<HH:MM>]",
      .summary = "declare the weekly rhythm (drafts: required, a step left "
                 "out is not part of it; deadlines at at:, else at the end "
                 "of each person's working day, in their own zone): "
                 "week:<n> deliverables, reviewers reminded on feedback "
                 "day, fix windows to the revisions day",
      .example = "rhythm spring-launch brief:mon questions:tue drafts:fri "
                 "feedback:sun revisions:wed",
      .actions = ACTS(ACT_MANAGE), .run = cmd_rhythm_set },
    { .name = "rhythm", .pattern = "<slug> off",
      .summary = "end a campaign's rhythm (planned dates stay as they are)",
      .example = "rhythm spring-launch off",
      .actions = ACTS(ACT_MANAGE), .run = cmd_rhythm_off },
    { .name = "scorecard", .pattern = "<person>",
      .summary = "a creator's record across campaigns: drafts, fixes and "
                 "publishes on time, revision rounds, approvals, standups, "
                 "escalations",
      .example = "scorecard @bob",
      .actions = ACTS(ACT_HELP), .run = cmd_view_scorecard,
      .read_only = true },
    { .name = "settings",
      .pattern = "<slug> [nudge_before:<durations>] "
                 "[nudge_after:<durations>] [cap:<n>] [guard:<duration>] "
                 "[fix_window:<duration>] [response:<duration>] "
                 "[lead_time:<duration>] [latency:<duration>] "
                 "[review:<two_stage|brand_only>] [ladder:<ladder>] "
                 "[repeats:<0|1|2|3|4|5>] [ack_reminder:<duration>] "
                 "[grace:<duration>] [late:<percent>]",
      .summary = "show or change a campaign's reminders, guard, windows, "
                 "review, escalation ladder and late rule",
      .example = "settings spring-launch nudge_before:72h,24h,2h cap:2 "
                 "ladder:coordinator:2h,brand:8h,admin:24h",
      .actions = ACTS(ACT_VIEW) | ACTS(ACT_MANAGE), .run = cmd_settings },
    { .name = "standup", .pattern = "<slug>",
      .summary = "show a campaign's standup schedule, the last round and "
                 "who answers",
      .example = "standup spring-launch",
      .actions = ACTS(ACT_VIEW), .run = cmd_standup_show,
      .read_only = true },
    { .name = "standup",
      .pattern = "<slug> every <days> <HH:MM> [window:<duration>] "
                 "[weeks:<n>]",
      .summary = "ask every creator green / yellow / red on these days at "
                 "this time in her own zone (weeks:2 every other week)",
      .example = "standup spring-launch every mon,thu 10:00 window:8h",
      .actions = ACTS(ACT_MANAGE), .run = cmd_standup_every },
    { .name = "standup", .pattern = "<slug> now",
      .summary = "ask every creator for a standup now",
      .example = "standup spring-launch now",
      .actions = ACTS(ACT_MANAGE), .run = cmd_standup_now },
    { .name = "standup", .pattern = "<slug> off",
      .summary = "stop a campaign's standups (a round under way still "
                 "closes)",
      .example = "standup spring-launch off",
      .actions = ACTS(ACT_MANAGE), .run = cmd_standup_off },
    { .name = "standup", .pattern = "reply <answer...>",
      .summary = "answer your standup (in a direct message just type it: "
                 "green, \"yellow - waiting for the product\", \"#2 red, #3 "
                 "green\")",
      .example = "standup reply yellow waiting for the product",
      .actions = ACTS(ACT_SELF), .run = cmd_standup_reply,
      .keeps_buttons = true },
    { .name = "status", .pattern = "[<slug>]",
      .summary = "deliverables, dates and escalations of a campaign, or "
                 "your campaigns",
      .example = "status spring-launch",
      .actions = ACTS(ACT_VIEW) | ACTS(ACT_HELP), .run = cmd_report_status,
      .read_only = true },
    { .name = "submit", .pattern = "<ref> <link> [<caption...>]",
      .summary = "submit a draft for review (a link, then caption or script)",
      .example = "submit spring-launch#3 https://drive.example.com/reel-v2 "
                 "Morning run, cold can, big smile #ad",
      .actions = ACTS(ACT_SUBMIT), .run = cmd_work_submit },
    { .name = "timeline", .pattern = "[<brand>]",
      .summary = "the publish dates of every active campaign you may see "
                 "(of a brand), a line per day, collisions marked",
      .example = "timeline Fizz",
      .actions = ACTS(ACT_HELP), .run = cmd_view_timeline,
      .read_only = true },
    { .name = "tz", .pattern = "<person> <zone>",
      .summary = "set someone else's time zone",
      .example = "tz @bob America/New_York",
      .actions = ACTS(ACT_FOR_OTHERS), .run = cmd_people_tz_other },
    { .name = "tz", .pattern = "<zone>",
      .summary = "set your time zone (IANA name)",
      .example = "tz Europe/Berlin",
      .actions = ACTS(ACT_SELF), .run = cmd_people_tz_self },
    { .name = "unlink", .pattern = "",
      .summary = "make this platform's identity a person of its own again "
                 "(the history stays with the other)",
      .example = "unlink",
      .actions = ACTS(ACT_SELF), .run = cmd_link_unlink },
    { .name = "wrap", .pattern = "<slug>",
      .summary = "wrap a campaign before its window ends: no new "
                 "deliverables, open ones still tracked",
      .example = "wrap spring-launch",
      .actions = ACTS(ACT_MANAGE), .run = cmd_campaign_wrap },
};

const size_t cmd_table_len = sizeof(cmd_table) / sizeof(cmd_table[0]);
