/*
 * The schema, as a list of migrations.  Migration N takes a database at
 * user_version N-1 to N inside one transaction; an empty database runs
 * them all.  Never edit a migration that has shipped: add the next one.
 */
#include <sqlite3.h>
#include <stdio.h>

#include "log.h"
#include "store.h"

static const char *const migrations[] = {
    /* 1: the foundation (issue 3). */
    "CREATE TABLE people ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  tz TEXT," /* IANA zone; NULL: workspace default */
    "  tz_source TEXT CHECK (tz_source IN ('platform','self','coordinator')),"
    "  work_start INTEGER NOT NULL DEFAULT 540," /* minutes after midnight */
    "  work_end INTEGER NOT NULL DEFAULT 1080,"
    "  work_days INTEGER NOT NULL DEFAULT 31," /* bit 0 = Monday */
    "  preferred_platform TEXT,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX people_name ON people(name COLLATE NOCASE);"

    "CREATE TABLE identities ("
    "  platform TEXT NOT NULL,"
    "  user_id TEXT NOT NULL,"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  handle TEXT,"
    "  PRIMARY KEY (platform, user_id)) WITHOUT ROWID;"
    "CREATE INDEX identities_person ON identities(person_id);"
    "CREATE INDEX identities_handle ON identities(handle COLLATE NOCASE);"

    "CREATE TABLE brands ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  category TEXT,"
    "  exclusive TEXT," /* categories excluded, ';'-separated */
    "  created_at INTEGER NOT NULL);"

    "CREATE TABLE agencies ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  created_at INTEGER NOT NULL);"

    "CREATE TABLE campaigns ("
    "  id INTEGER PRIMARY KEY,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  title TEXT,"
    "  brand_id INTEGER NOT NULL REFERENCES brands(id),"
    "  agency_id INTEGER REFERENCES agencies(id),"
    "  state TEXT NOT NULL DEFAULT 'draft'"
    "    CHECK (state IN ('draft','active','wrapped','closed')),"
    "  starts_at INTEGER,"
    "  ends_at INTEGER,"
    "  need INTEGER CHECK (need IS NULL OR need > 0),"
    "  review_mode TEXT NOT NULL DEFAULT 'two_stage'"
    "    CHECK (review_mode IN ('two_stage','brand_only')),"
    "  brief_version INTEGER NOT NULL DEFAULT 1,"
    "  kicked_off_at INTEGER,"
    "  created_by INTEGER REFERENCES people(id),"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX campaigns_brand ON campaigns(brand_id);"

    /* Every change to a brief is a new row; campaigns.brief_version names
     * the current one.  List fields hold items separated by newlines. */
    "CREATE TABLE brief_versions ("
    "  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    "  version INTEGER NOT NULL,"
    "  story TEXT, audience TEXT, core_message TEXT, visual_style TEXT,"
    "  must_include TEXT, must_avoid TEXT, flexible TEXT, disclosure TEXT,"
    "  success_metrics TEXT, timeline_notes TEXT,"
    "  changed_field TEXT,"
    "  changed_by INTEGER REFERENCES people(id),"
    "  created_at INTEGER NOT NULL,"
    "  locked_at INTEGER,"
    "  PRIMARY KEY (campaign_id, version));"

    "CREATE TABLE participants ("
    "  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  role TEXT NOT NULL"
    "    CHECK (role IN ('brand','agency','coordinator','creator')),"
    "  tier TEXT CHECK (tier IN ('core','flex')),"
    "  added_at INTEGER NOT NULL,"
    "  removed_at INTEGER,"
    "  PRIMARY KEY (campaign_id, person_id));"
    "CREATE INDEX participants_person ON participants(person_id);"

    "CREATE TABLE deliverables ("
    "  id INTEGER PRIMARY KEY,"
    "  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    "  number INTEGER NOT NULL,"
    "  creator_id INTEGER NOT NULL REFERENCES people(id),"
    "  title TEXT NOT NULL,"
    "  platform TEXT,"
    "  draft_due INTEGER NOT NULL,"
    "  publish_at INTEGER NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'planned'"
    "    CHECK (state IN ('planned','submitted','changes_requested',"
    "      'approved','published','rejected','missed','cancelled')),"
    "  review_stage TEXT CHECK (review_stage IN ('review','brand')),"
    "  fee_cents INTEGER,"
    "  currency TEXT,"
    "  rounds INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  UNIQUE (campaign_id, number));"
    "CREATE INDEX deliverables_creator ON deliverables(creator_id);"

    "CREATE TABLE submissions ("
    "  id INTEGER PRIMARY KEY,"
    "  deliverable_id INTEGER NOT NULL REFERENCES deliverables(id),"
    "  round INTEGER NOT NULL,"
    "  link TEXT NOT NULL,"
    "  body TEXT,"
    "  submitted_by INTEGER NOT NULL REFERENCES people(id),"
    "  submitted_at INTEGER NOT NULL,"
    "  UNIQUE (deliverable_id, round));"

    /* The rubric: 1 pass, 0 fail, per point. */
    "CREATE TABLE reviews ("
    "  id INTEGER PRIMARY KEY,"
    "  deliverable_id INTEGER NOT NULL REFERENCES deliverables(id),"
    "  submission_id INTEGER NOT NULL REFERENCES submissions(id),"
    "  reviewer_id INTEGER NOT NULL REFERENCES people(id),"
    "  stage TEXT NOT NULL CHECK (stage IN ('review','brand')),"
    "  decision TEXT NOT NULL CHECK (decision IN "
    "('approve','changes','reject')),"
    "  visible INTEGER NOT NULL CHECK (visible IN (0,1)),"
    "  message INTEGER NOT NULL CHECK (message IN (0,1)),"
    "  engagement INTEGER NOT NULL CHECK (engagement IN (0,1)),"
    "  reason TEXT,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX reviews_deliverable ON reviews(deliverable_id);"

    "CREATE TABLE escalations ("
    "  id INTEGER PRIMARY KEY,"
    "  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    "  deliverable_id INTEGER REFERENCES deliverables(id),"
    "  reason TEXT NOT NULL,"
    "  opened_by INTEGER REFERENCES people(id)," /* NULL: chorus itself */
    "  opened_at INTEGER NOT NULL,"
    "  level INTEGER NOT NULL DEFAULT 0,"
    "  level_since INTEGER NOT NULL,"
    "  cycle INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT NOT NULL DEFAULT 'open'"
    "    CHECK (state IN ('open','acknowledged','resolved')),"
    "  acked_by INTEGER REFERENCES people(id),"
    "  acked_at INTEGER,"
    "  ack_note TEXT,"
    "  resolved_by INTEGER REFERENCES people(id),"
    "  resolved_at INTEGER,"
    "  resolution TEXT);"
    "CREATE INDEX escalations_campaign ON escalations(campaign_id, state);"

    /* Append-only: the triggers refuse any change to a written line. */
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  actor_id INTEGER REFERENCES people(id),"
    "  actor_ref TEXT," /* platform:user id, or 'chorus' */
    "  campaign_id INTEGER REFERENCES campaigns(id),"
    "  subject TEXT,"
    "  action TEXT NOT NULL,"
    "  detail TEXT);"
    "CREATE INDEX audit_campaign ON audit(campaign_id, id);"
    "CREATE INDEX audit_subject ON audit(subject, id);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"

    /* Inbound events by platform id, so a redelivery is not applied twice. */
    "CREATE TABLE inbound ("
    "  platform TEXT NOT NULL,"
    "  event_id TEXT NOT NULL,"
    "  received_at INTEGER NOT NULL,"
    "  PRIMARY KEY (platform, event_id)) WITHOUT ROWID;"

    /* Everything the core says, written in the transaction that caused it
     * and drained by the adapters. */
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  platform TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('reply','post','dm','update',"
    "    'create_channel','invite','pin','topic','lookup')),"
    "  campaign_id INTEGER REFERENCES campaigns(id),"
    "  person_id INTEGER REFERENCES people(id),"
    "  channel_ref TEXT,"
    "  user_ref TEXT,"
    "  ref_id INTEGER REFERENCES outbox(id),"
    "  text TEXT,"
    "  buttons TEXT,"
    "  state TEXT NOT NULL DEFAULT 'pending'"
    "    CHECK (state IN ('pending','sent','failed')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  not_before INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  sent_at INTEGER,"
    "  platform_ref TEXT,"
    "  last_error TEXT);"
    "CREATE INDEX outbox_pending ON outbox(platform, id) WHERE state = "
    "'pending';"
    "CREATE INDEX outbox_platform_ref ON outbox(platform, platform_ref)"
    "  WHERE platform_ref IS NOT NULL;"

    /* A campaign's channel on each platform; channel_id is NULL until the
     * adapter has created it. */
    "CREATE TABLE channels ("
    "  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    "  platform TEXT NOT NULL,"
    "  channel_id TEXT,"
    "  name TEXT NOT NULL,"
    "  brief_msg INTEGER REFERENCES outbox(id),"
    "  status_msg INTEGER REFERENCES outbox(id),"
    "  PRIMARY KEY (campaign_id, platform));"
    "CREATE UNIQUE INDEX channels_by_id ON channels(platform, channel_id);"

    /* The scheduler's jobs, stored in due-time order (the primary key is
     * (due_at, id) and there is no rowid): the loop arms one timer for
     * the first row, and firing takes rows from the front of the B-tree,
     * so a fired job touches the same few pages however many are
     * pending.  Ids come from the counters table. */
    "CREATE TABLE jobs ("
    "  due_at INTEGER NOT NULL,"
    "  id INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  campaign_id INTEGER REFERENCES campaigns(id),"
    "  deliverable_id INTEGER REFERENCES deliverables(id),"
    "  person_id INTEGER REFERENCES people(id),"
    "  escalation_id INTEGER REFERENCES escalations(id),"
    "  question_id INTEGER,"
    "  rank INTEGER NOT NULL DEFAULT 0," /* urgency among due jobs */
    "  arg TEXT,"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (due_at, id)) WITHOUT ROWID;"
    "CREATE INDEX jobs_person ON jobs(person_id, due_at)"
    "  WHERE person_id IS NOT NULL;"
    "CREATE INDEX jobs_deliverable ON jobs(deliverable_id)"
    "  WHERE deliverable_id IS NOT NULL;"
    "CREATE INDEX jobs_escalation ON jobs(escalation_id)"
    "  WHERE escalation_id IS NOT NULL;"
    "CREATE INDEX jobs_question ON jobs(question_id)"
    "  WHERE question_id IS NOT NULL;"
    "CREATE TABLE counters ("
    "  name TEXT PRIMARY KEY,"
    "  value INTEGER NOT NULL) WITHOUT ROWID;"
    "INSERT INTO counters VALUES ('job', 0);",

    /* 2: time (issue 6): time off, nudges sent, tracked questions,
     * per-campaign schedule settings, publishing. */
    "CREATE TABLE time_off ("
    "  id INTEGER PRIMARY KEY,"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  starts_at INTEGER NOT NULL,"
    "  ends_at INTEGER NOT NULL,"
    "  note TEXT,"
    "  set_by INTEGER REFERENCES people(id),"
    "  created_at INTEGER NOT NULL,"
    "  CHECK (ends_at > starts_at));"
    "CREATE INDEX time_off_person ON time_off(person_id, ends_at);"

    /* One row per nudge sent: the daily cap counts them by the person's
     * local day, and the metrics read them. */
    "CREATE TABLE nudges ("
    "  id INTEGER PRIMARY KEY,"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  campaign_id INTEGER REFERENCES campaigns(id),"
    "  deliverable_id INTEGER REFERENCES deliverables(id),"
    "  question_id INTEGER,"
    "  kind TEXT NOT NULL,"
    "  offset_ms INTEGER NOT NULL DEFAULT 0,"
    "  due_at INTEGER NOT NULL,"
    "  sent_at INTEGER NOT NULL,"
    "  local_day TEXT NOT NULL);"
    "CREATE INDEX nudges_person_day ON nudges(person_id, local_day);"
    "CREATE INDEX nudges_deliverable ON nudges(deliverable_id);"

    "CREATE TABLE questions ("
    "  id INTEGER PRIMARY KEY,"
    "  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    "  asked_by INTEGER NOT NULL REFERENCES people(id),"
    "  text TEXT NOT NULL,"
    "  asked_at INTEGER NOT NULL,"
    "  answered_by INTEGER REFERENCES people(id),"
    "  answered_at INTEGER,"
    "  answer TEXT,"
    "  reminded_at INTEGER);"
    "CREATE INDEX questions_campaign ON questions(campaign_id, answered_at);"

    /* NULL: the workspace default from the configuration. */
    "CREATE TABLE campaign_settings ("
    "  campaign_id INTEGER PRIMARY KEY REFERENCES campaigns(id),"
    "  nudge_before TEXT,"
    "  nudge_after TEXT,"
    "  nudge_daily_cap INTEGER,"
    "  approval_guard INTEGER,"
    "  fix_window INTEGER,"
    "  question_target INTEGER,"
    "  lead_time INTEGER);"

    "ALTER TABLE deliverables ADD COLUMN published_at INTEGER;"
    "ALTER TABLE deliverables ADD COLUMN live_link TEXT;"
    "ALTER TABLE people ADD COLUMN hours_set INTEGER NOT NULL DEFAULT 0;",

    /* v3: when the next retry is due, without reading every pending row
     * (core_next_due runs after every flush).  Only rows given a retry
     * time are in it, so sending a message costs no extra index work. */
    "CREATE INDEX outbox_retry ON outbox(not_before)"
    "  WHERE state = 'pending' AND not_before > 0;",

    /* v4: the CHECKs of the two tables written for every message (outbox)
     * and every time-zone change (people) as OR chains.  SQLite evaluates
     * "x IN (three or more constants)" by building a scratch B-tree on
     * every INSERT or UPDATE that touches x; an OR chain is a few
     * comparisons.  A new table with the same columns in the same order,
     * the rows copied with their ids, the old one dropped: SQLite's
     * documented way to change a constraint (store_schema_migrate turns foreign
     * keys off around it and checks them before committing). */
    "CREATE TABLE people_v4 ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  tz TEXT,"
    "  tz_source TEXT CHECK (tz_source = 'platform' OR tz_source = 'self'"
    "    OR tz_source = 'coordinator'),"
    "  work_start INTEGER NOT NULL DEFAULT 540,"
    "  work_end INTEGER NOT NULL DEFAULT 1080,"
    "  work_days INTEGER NOT NULL DEFAULT 31,"
    "  preferred_platform TEXT,"
    "  created_at INTEGER NOT NULL,"
    "  hours_set INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO people_v4 SELECT * FROM people;"
    "DROP TABLE people;"
    "ALTER TABLE people_v4 RENAME TO people;"
    "CREATE INDEX people_name ON people(name COLLATE NOCASE);"

    "CREATE TABLE outbox_v4 ("
    "  id INTEGER PRIMARY KEY,"
    "  platform TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind = 'reply' OR kind = 'post'"
    "    OR kind = 'dm' OR kind = 'update' OR kind = 'create_channel'"
    "    OR kind = 'invite' OR kind = 'pin' OR kind = 'topic'"
    "    OR kind = 'lookup'),"
    "  campaign_id INTEGER REFERENCES campaigns(id),"
    "  person_id INTEGER REFERENCES people(id),"
    "  channel_ref TEXT,"
    "  user_ref TEXT,"
    "  ref_id INTEGER REFERENCES outbox(id),"
    "  text TEXT,"
    "  buttons TEXT,"
    "  state TEXT NOT NULL DEFAULT 'pending'"
    "    CHECK (state = 'pending' OR state = 'sent' OR state = 'failed'),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  not_before INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  sent_at INTEGER,"
    "  platform_ref TEXT,"
    "  last_error TEXT);"
    "INSERT INTO outbox_v4 SELECT * FROM outbox;"
    "DROP TABLE outbox;"
    "ALTER TABLE outbox_v4 RENAME TO outbox;"
    "CREATE INDEX outbox_pending ON outbox(platform, id) WHERE state = "
    "'pending';"
    "CREATE INDEX outbox_platform_ref ON outbox(platform, platform_ref)"
    "  WHERE platform_ref IS NOT NULL;"
    "CREATE INDEX outbox_retry ON outbox(not_before)"
    "  WHERE state = 'pending' AND not_before > 0;",

    /* v5: escalations that follow their facts, the quality gate, brief
     * proposals, and retried commands (issue 14). */
    /* An escalation's cause ('manual', 'overdue_draft', 'overdue_publish',
     * 'guard', ...) and the ladder it started with ("role:ms,..." and its
     * repeats), so a config change does not move one already climbing.
     * One open automatic escalation per subject and cause. */
    "ALTER TABLE escalations ADD COLUMN cause TEXT NOT NULL DEFAULT 'manual';"
    "ALTER TABLE escalations ADD COLUMN ladder TEXT;"
    "ALTER TABLE escalations ADD COLUMN repeats INTEGER;"
    "CREATE UNIQUE INDEX escalations_one_open ON escalations(campaign_id,"
    "  IFNULL(deliverable_id, 0), cause)"
    "  WHERE state != 'resolved' AND cause != 'manual';"
    "CREATE INDEX escalations_deliverable ON escalations(deliverable_id)"
    "  WHERE deliverable_id IS NOT NULL;"
    /* Everyone an escalation reached (they are told how it ends, and may
     * still resolve it after it climbed past them). */
    "CREATE TABLE escalation_reached ("
    "  escalation_id INTEGER NOT NULL REFERENCES escalations(id),"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  level INTEGER NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  PRIMARY KEY (escalation_id, person_id)) WITHOUT ROWID;"
    "ALTER TABLE campaign_settings ADD COLUMN ladder TEXT;"
    "ALTER TABLE campaign_settings ADD COLUMN ladder_repeats INTEGER;"
    "ALTER TABLE campaign_settings ADD COLUMN ack_reminder INTEGER;"
    "ALTER TABLE campaign_settings ADD COLUMN approval_latency INTEGER;"
    /* The quality gate: an approval over a failed rubric point names why;
     * a submission keeps the deadline it was measured against, how late
     * it was (<= 0: on time), what the disclosure check found (NULL: fine)
     * and when its approval latency was alerted. */
    "ALTER TABLE reviews ADD COLUMN override TEXT;"
    "ALTER TABLE submissions ADD COLUMN due_at INTEGER;"
    "ALTER TABLE submissions ADD COLUMN late_ms INTEGER;"
    "ALTER TABLE submissions ADD COLUMN disclosure TEXT;"
    "ALTER TABLE submissions ADD COLUMN latency_alerted_at INTEGER;"
    /* A brief change after kickoff, proposed and then decided by the
     * brand. */
    "CREATE TABLE brief_proposals ("
    "  id INTEGER PRIMARY KEY,"
    "  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    "  field TEXT NOT NULL,"
    "  op TEXT NOT NULL CHECK (op = 'set' OR op = 'add'),"
    "  value TEXT NOT NULL,"
    "  proposed_by INTEGER NOT NULL REFERENCES people(id),"
    "  proposed_at INTEGER NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'open' CHECK (state = 'open'"
    "    OR state = 'approved' OR state = 'declined'"
    "    OR state = 'superseded'),"
    "  decided_by INTEGER REFERENCES people(id),"
    "  decided_at INTEGER,"
    "  note TEXT);"
    "CREATE INDEX brief_proposals_campaign ON brief_proposals(campaign_id,"
    "  state);"
    /* State-changing commands lately applied, so the same command retried
     * by the same person after chorus died between its commit and its
     * answer says "already done" instead of applying it again. */
    "CREATE TABLE commands_recent ("
    "  platform TEXT NOT NULL,"
    "  user_id TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  reply_id INTEGER,"
    "  answered INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (platform, user_id, text, at)) WITHOUT ROWID;"
    "CREATE INDEX commands_recent_at ON commands_recent(at);"
    /* buttons: who acted on a message's buttons and when, so a second
     * press (a double click, a click after a restart) answers "already
     * done by"; a recent command found by its reply when the reply is
     * seen (core.c). */
    "ALTER TABLE outbox ADD COLUMN acted_by INTEGER REFERENCES people(id);"
    "ALTER TABLE outbox ADD COLUMN acted_at INTEGER;"
    "CREATE INDEX commands_recent_reply ON commands_recent(reply_id);"
    /* remind: a campaign's grace before an overdue deliverable
     * escalates. */
    "ALTER TABLE campaign_settings ADD COLUMN overdue_grace INTEGER;"
    /* text: a campaign's window is calendar dates ("2026-12-01") in the
     * campaign's zone, the same days for every reader; starts_at and
     * ends_at stay only for campaigns made before, whose zone is their
     * creator's (store_campaign.c reads their dates back there; UTC when
     * the creator had none). */
    "ALTER TABLE campaigns ADD COLUMN window_from TEXT;"
    "ALTER TABLE campaigns ADD COLUMN window_to TEXT;"
    "ALTER TABLE campaigns ADD COLUMN zone TEXT;"
    "UPDATE campaigns SET zone = (SELECT tz FROM people"
    "  WHERE people.id = campaigns.created_by);"
    /* deliver: direct messages held to their reader's hours and
     * combined into digests (issue 15).  A DM row names the campaign it
     * is about and, when it carries buttons, its subject with the
     * subject's state when written ("d12:submitted/review/1", "e3:open"):
     * one whose subject moved on before it went out is dropped.  Rows
     * that went out inside another's message point at it (digest_of).
     * A person may take urgent messages at any time, and may have news
     * wait for a morning digest (NULL: only if a coordinator). */
    "ALTER TABLE outbox ADD COLUMN about INTEGER REFERENCES campaigns(id);"
    "ALTER TABLE outbox ADD COLUMN subject TEXT;"
    "ALTER TABLE outbox ADD COLUMN digest_of INTEGER REFERENCES outbox(id);"
    "CREATE INDEX outbox_dm_person ON outbox(person_id, platform)"
    "  WHERE state = 'pending' AND kind = 'dm';"
    "ALTER TABLE people ADD COLUMN urgent_anytime INTEGER NOT NULL"
    "  DEFAULT 0;"
    "ALTER TABLE people ADD COLUMN news_digest INTEGER;",
    /* 6: standups (issue 16).  A campaign's schedule: weekdays (bit 0 =
     * Monday) at a local time in each creator's own zone, every `weeks`
     * weeks counted from the Monday `anchor` (days since 1970-01-01).  A
     * round is one scheduled day (or one `standup now`); each creator of
     * it has a prompt, due at her local time, that goes out (in one
     * message with her other prompts due then), is answered,
     * or finds her away (time off, a holiday, a day off: `away` says
     * which).  Answers are kept, never overwritten: the latest per
     * prompt and deliverable counts, the earlier ones are history. */
    "CREATE TABLE standups ("
    "  campaign_id INTEGER PRIMARY KEY REFERENCES campaigns(id),"
    "  days INTEGER NOT NULL CHECK (days > 0 AND days < 128),"
    "  at_min INTEGER NOT NULL CHECK (at_min >= 0 AND at_min < 1440),"
    "  window_ms INTEGER NOT NULL CHECK (window_ms > 0),"
    "  weeks INTEGER NOT NULL DEFAULT 1 CHECK (weeks >= 1),"
    "  anchor INTEGER NOT NULL,"
    "  enabled INTEGER NOT NULL DEFAULT 1,"
    "  set_by INTEGER REFERENCES people(id),"
    "  set_at INTEGER NOT NULL);"
    "CREATE TABLE standup_rounds ("
    "  id INTEGER PRIMARY KEY,"
    "  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    "  day INTEGER NOT NULL,"
    "  adhoc INTEGER NOT NULL DEFAULT 0,"
    "  opens_at INTEGER NOT NULL,"
    "  closes_at INTEGER NOT NULL,"
    "  closed_at INTEGER,"
    "  started_by INTEGER REFERENCES people(id));"
    "CREATE UNIQUE INDEX standup_rounds_day ON standup_rounds(campaign_id,"
    "  day) WHERE adhoc = 0;"
    "CREATE INDEX standup_rounds_open ON standup_rounds(campaign_id,"
    "  closed_at);"
    "CREATE TABLE standup_prompts ("
    "  id INTEGER PRIMARY KEY,"
    "  round_id INTEGER NOT NULL REFERENCES standup_rounds(id),"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  due_at INTEGER NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'due' CHECK (state = 'due'"
    "    OR state = 'sent' OR state = 'answered' OR state = 'away'),"
    "  away TEXT,"
    "  sent_at INTEGER,"
    "  reminded_at INTEGER,"
    "  answered_at INTEGER,"
    "  UNIQUE (round_id, person_id));"
    "CREATE INDEX standup_prompts_person ON standup_prompts(person_id,"
    "  state, due_at);"
    "CREATE TABLE standup_answers ("
    "  id INTEGER PRIMARY KEY,"
    "  prompt_id INTEGER NOT NULL REFERENCES standup_prompts(id),"
    "  deliverable_id INTEGER NOT NULL REFERENCES deliverables(id),"
    "  colour TEXT NOT NULL CHECK (colour = 'green' OR colour = 'yellow'"
    "    OR colour = 'red'),"
    "  note TEXT,"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX standup_answers_prompt ON standup_answers(prompt_id,"
    "  deliverable_id, id);"
    "CREATE INDEX standup_answers_deliverable ON standup_answers("
    "  deliverable_id, id);"
    /* 6, rhythm: a campaign's weekly rhythm (issue 16).  Days are
     * weekdays, 0 = Monday .. 6 = Sunday (NULL: that step is not part of
     * the rhythm; drafts always is); at_min is the time of day of its
     * deadlines in each person's own zone (NULL: the end of their
     * working day).  job_due and job_id are the key of the campaign's
     * one feedback-day job, so a change moves it without a scan.  A
     * reviewer is looked at once per feedback day: `day` is that date
     * in their own zone (days since 1970-01-01), `waiting` how many
     * submissions the reminder listed (0: none waited, none was sent). */
    "CREATE TABLE rhythms ("
    "  campaign_id INTEGER PRIMARY KEY REFERENCES campaigns(id),"
    "  brief INTEGER CHECK (brief BETWEEN 0 AND 6),"
    "  questions INTEGER CHECK (questions BETWEEN 0 AND 6),"
    "  drafts INTEGER NOT NULL CHECK (drafts BETWEEN 0 AND 6),"
    "  feedback INTEGER CHECK (feedback BETWEEN 0 AND 6),"
    "  revisions INTEGER CHECK (revisions BETWEEN 0 AND 6),"
    "  at_min INTEGER CHECK (at_min BETWEEN 0 AND 1439),"
    "  job_due INTEGER,"
    "  job_id INTEGER,"
    "  set_by INTEGER REFERENCES people(id),"
    "  set_at INTEGER NOT NULL);"
    "CREATE TABLE rhythm_reminders ("
    "  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  day INTEGER NOT NULL,"
    "  waiting INTEGER NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  PRIMARY KEY (campaign_id, person_id, day)) WITHOUT ROWID;"
    /* 6, conflicts: alerts for a brand (issue 17).  A conflict is one
     * fact found between two campaigns (a creative clash, the same
     * audience told different things, a creator booked by brands that
     * exclude each other), two deliverables (published too close
     * together) or two submissions (near duplicates); its key names the
     * fact, so finding it again changes nothing, and sig what it looked
     * like, so a change updates it.  Open and dismissed ones are unique
     * per key; a closed one stays as history.  Whom it was told to hear
     * how it ends (conflict_told).  The texts compared for near
     * duplicates are indexed by a sketch, the smallest of their
     * word-shingle hashes, per deliverable (its latest submission), by
     * brand and hash.  A brand's category
     * and exclusivity set in chat (set_at) win over the configuration,
     * whose values stay the defaults. */
    "ALTER TABLE brands ADD COLUMN set_by INTEGER REFERENCES people(id);"
    "ALTER TABLE brands ADD COLUMN set_at INTEGER;"
    "CREATE TABLE conflicts ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('creative','audience','booking',"
    "    'collision','duplicate')),"
    "  key TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open',"
    "    'dismissed','closed')),"
    "  brand_id INTEGER NOT NULL REFERENCES brands(id),"
    "  campaign_a INTEGER NOT NULL REFERENCES campaigns(id),"
    "  campaign_b INTEGER NOT NULL REFERENCES campaigns(id),"
    "  deliverable_a INTEGER REFERENCES deliverables(id),"
    "  deliverable_b INTEGER REFERENCES deliverables(id),"
    "  person_id INTEGER REFERENCES people(id),"
    "  side_a TEXT NOT NULL,"
    "  side_b TEXT NOT NULL,"
    "  note TEXT,"
    "  sig TEXT NOT NULL,"
    "  opened_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  closed_at INTEGER,"
    "  closed_why TEXT,"
    "  dismissed_by INTEGER REFERENCES people(id),"
    "  dismissed_at INTEGER,"
    "  dismiss_reason TEXT);"
    "CREATE UNIQUE INDEX conflicts_key ON conflicts(key)"
    "  WHERE state != 'closed';"
    "CREATE INDEX conflicts_campaign_a ON conflicts(campaign_a)"
    "  WHERE state != 'closed';"
    "CREATE INDEX conflicts_campaign_b ON conflicts(campaign_b)"
    "  WHERE state != 'closed';"
    "CREATE INDEX conflicts_deliverable_a ON conflicts(deliverable_a)"
    "  WHERE state != 'closed';"
    "CREATE INDEX conflicts_deliverable_b ON conflicts(deliverable_b)"
    "  WHERE state != 'closed';"
    "CREATE INDEX conflicts_person ON conflicts(person_id)"
    "  WHERE state != 'closed';"
    "CREATE TABLE conflict_told ("
    "  conflict_id INTEGER NOT NULL REFERENCES conflicts(id),"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  at INTEGER NOT NULL,"
    "  PRIMARY KEY (conflict_id, person_id)) WITHOUT ROWID;"
    "CREATE TABLE conflict_texts ("
    "  deliverable_id INTEGER PRIMARY KEY REFERENCES deliverables(id),"
    "  submission_id INTEGER NOT NULL REFERENCES submissions(id),"
    "  brand_id INTEGER NOT NULL REFERENCES brands(id),"
    "  shingles INTEGER NOT NULL);"
    "CREATE TABLE conflict_shingles ("
    "  brand_id INTEGER NOT NULL,"
    "  hash INTEGER NOT NULL,"
    "  deliverable_id INTEGER NOT NULL REFERENCES deliverables(id),"
    "  PRIMARY KEY (brand_id, hash, deliverable_id)) WITHOUT ROWID;"
    "CREATE INDEX conflict_shingles_deliverable ON conflict_shingles("
    "  deliverable_id);"
    "CREATE INDEX deliverables_publish ON deliverables(campaign_id,"
    "  platform, publish_at);"
    /* 6, link: one person across platforms (issue 18).  `link` hands an
     * identity a one-time code (8 letters of a 32-letter alphabet, 40
     * random bits) that lives 10 minutes and works once; typed by an
     * identity of another platform it joins the two people.  A used code
     * stays, with who used it, so a second try is told it was used.  The
     * code is kept as typed, not hashed: 40 bits are found from any hash
     * in hours, so what protects it is its life and its single use.  The
     * person who typed it is merged into the one who asked for it: every
     * row that names her is re-pointed, except the audit log, which is
     * never rewritten; her row stays, merged_into the survivor, so the
     * old lines still name someone (and she is no longer found by
     * name). */
    "CREATE TABLE link_codes ("
    "  code TEXT PRIMARY KEY,"
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  platform TEXT NOT NULL,"
    "  user_id TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  used_at INTEGER,"
    "  used_platform TEXT,"
    "  used_user TEXT) WITHOUT ROWID;"
    "CREATE INDEX link_codes_identity ON link_codes(platform, user_id);"
    "ALTER TABLE people ADD COLUMN merged_into INTEGER REFERENCES people(id);"
    /* 6, lifecycle: a campaign wraps at the end of its window (a
     * 'campaign.wrap' job) or by `wrap`, and is closed by `close`; when
     * each happened.  The outbox learns the kind 'archive' (the channel
     * archived or made read-only), so it is rebuilt with the new CHECK.
     * Active campaigns made before this version get a 'campaign.plan'
     * job, due at once, that schedules their wrap (the CHECK is written
     * without IN, which would build a scratch table on every write). */
    "ALTER TABLE campaigns ADD COLUMN wrapped_at INTEGER;"
    "ALTER TABLE campaigns ADD COLUMN closed_at INTEGER;"
    "CREATE TABLE outbox_v6 ("
    "  id INTEGER PRIMARY KEY,"
    "  platform TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind = 'reply' OR kind = 'post'"
    "    OR kind = 'dm' OR kind = 'update' OR kind = 'create_channel'"
    "    OR kind = 'invite' OR kind = 'pin' OR kind = 'topic'"
    "    OR kind = 'lookup' OR kind = 'archive'),"
    "  campaign_id INTEGER REFERENCES campaigns(id),"
    "  person_id INTEGER REFERENCES people(id),"
    "  channel_ref TEXT,"
    "  user_ref TEXT,"
    "  ref_id INTEGER REFERENCES outbox(id),"
    "  text TEXT,"
    "  buttons TEXT,"
    "  state TEXT NOT NULL DEFAULT 'pending'"
    "    CHECK (state = 'pending' OR state = 'sent' OR state = 'failed'),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  not_before INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  sent_at INTEGER,"
    "  platform_ref TEXT,"
    "  last_error TEXT,"
    "  acted_by INTEGER REFERENCES people(id),"
    "  acted_at INTEGER,"
    "  about INTEGER REFERENCES campaigns(id),"
    "  subject TEXT,"
    "  digest_of INTEGER REFERENCES outbox(id));"
    "INSERT INTO outbox_v6 SELECT * FROM outbox;"
    "DROP TABLE outbox;"
    "ALTER TABLE outbox_v6 RENAME TO outbox;"
    "CREATE INDEX outbox_pending ON outbox(platform, id) WHERE state = "
    "'pending';"
    "CREATE INDEX outbox_platform_ref ON outbox(platform, platform_ref)"
    "  WHERE platform_ref IS NOT NULL;"
    "CREATE INDEX outbox_retry ON outbox(not_before)"
    "  WHERE state = 'pending' AND not_before > 0;"
    "CREATE INDEX outbox_dm_person ON outbox(person_id, platform)"
    "  WHERE state = 'pending' AND kind = 'dm';"
    "CREATE INDEX jobs_campaign ON jobs(campaign_id)"
    "  WHERE campaign_id IS NOT NULL;"
    "INSERT INTO jobs (due_at, id, kind, campaign_id, created_at)"
    "  SELECT 0, (SELECT value FROM counters WHERE name = 'job') + id,"
    "  'campaign.plan', id, 0 FROM campaigns WHERE state = 'active';"
    "UPDATE counters SET value = value +"
    "  (SELECT IFNULL(MAX(id), 0) FROM campaigns) WHERE name = 'job';"
    /* 6, lifecycle: the late rule (payout.h): the percentage of the fee
     * paid when the publish or fix window is missed, per deliverable
     * (NULL: the campaign's) and per campaign (NULL: none). */
    "ALTER TABLE deliverables ADD COLUMN late_pct INTEGER"
    "  CHECK (late_pct BETWEEN 0 AND 100);"
    "ALTER TABLE campaign_settings ADD COLUMN late_pct INTEGER"
    "  CHECK (late_pct BETWEEN 0 AND 100);"
    /* 6, lifecycle: the feedback layer.  What creators and agencies said
     * about a campaign (person_id NULL: left anonymously, and not even
     * kept), and kudos from one person to another, across campaigns. */
    "CREATE TABLE feedback ("
    "  id INTEGER PRIMARY KEY,"
    "  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
    "  person_id INTEGER REFERENCES people(id),"
    "  role TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX feedback_campaign ON feedback(campaign_id, id);"
    "CREATE TABLE kudos ("
    "  id INTEGER PRIMARY KEY,"
    "  from_id INTEGER NOT NULL REFERENCES people(id),"
    "  to_id INTEGER NOT NULL REFERENCES people(id),"
    "  reason TEXT NOT NULL,"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX kudos_to ON kudos(to_id, at);"
    /* 6, web: a person's secret tokens for the web server (issue 18),
     * one per kind ('calendar': her iCalendar feed).  Only the SHA-256
     * of the token is kept; asking again replaces it, which revokes the
     * old link. */
    "CREATE TABLE web_tokens ("
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('calendar')),"
    "  hash TEXT NOT NULL UNIQUE,"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (person_id, kind)) WITHOUT ROWID;",
    /* 7, dashboard: a person's secret dashboard link is a web token of
     * its own kind ('dashboard'), beside her calendar's: the CHECK of
     * migration 6 allowed 'calendar' only, so the table is rebuilt. */
    "CREATE TABLE web_tokens_v7 ("
    "  person_id INTEGER NOT NULL REFERENCES people(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('calendar', 'dashboard')),"
    "  hash TEXT NOT NULL UNIQUE,"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (person_id, kind)) WITHOUT ROWID;"
    "INSERT INTO web_tokens_v7 SELECT person_id, kind, hash, created_at"
    "  FROM web_tokens;"
    "DROP TABLE web_tokens;"
    "ALTER TABLE web_tokens_v7 RENAME TO web_tokens;",
};

const int store_schema_version =
    (int)(sizeof(migrations) / sizeof(migrations[0]));

const char *
store_schema_sql(int version)
{
    if (version < 1 || version > store_schema_version)
        return NULL;
    return migrations[version - 1];
}

/* Whether a row breaks a foreign key; what says which, for the error. */
static bool
foreign_keys_broken(struct store *st, char *what, size_t size)
{
    sqlite3_stmt *s = NULL;
    bool broken = false;
    if (sqlite3_prepare_v2(store_db(st), "PRAGMA foreign_key_check", -1, &s,
                           NULL) != SQLITE_OK) {
        snprintf(what, size, "cannot check foreign keys: %s",
                 sqlite3_errmsg(store_db(st)));
        return true;
    }
    if (sqlite3_step(s) == SQLITE_ROW) {
        broken = true;
        snprintf(what, size, "%s row %lld refers to a missing %s row",
                 (const char *)sqlite3_column_text(s, 0),
                 (long long)sqlite3_column_int64(s, 1),
                 (const char *)sqlite3_column_text(s, 2));
    }
    sqlite3_finalize(s);
    return broken;
}

static enum ch_status
migrate_from(struct store *st, int have, struct ch_error *err)
{
    for (int v = have + 1; v <= store_schema_version; v++) {
        enum ch_status s = store_begin(st);
        if (s != CH_OK)
            return ch_fail(err, s, "cannot start migration to version %d", v);
        char *msg = NULL;
        int rc = sqlite3_exec(store_db(st), migrations[v - 1], NULL, NULL,
                              &msg);
        if (rc == SQLITE_OK) {
            char pragma[64];
            snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", v);
            rc = sqlite3_exec(store_db(st), pragma, NULL, NULL, &msg);
        }
        char broken[256];
        if (rc == SQLITE_OK && foreign_keys_broken(st, broken, sizeof(broken)))
            msg = sqlite3_mprintf("%s", broken);
        if (msg || rc != SQLITE_OK) {
            ch_fail(err, CH_INTERNAL,
                    "schema migration to version %d failed: %s", v,
                    msg ? msg : "unknown error");
            sqlite3_free(msg);
            store_rollback(st);
            return CH_INTERNAL;
        }
        s = store_commit(st);
        if (s != CH_OK)
            return ch_fail(err, s, "cannot commit migration to version %d", v);
        log_info("store", "schema migrated to version %d", v);
    }
    return CH_OK;
}

enum ch_status store_schema_migrate(struct store *st, struct ch_error *err);

enum ch_status
store_schema_migrate(struct store *st, struct ch_error *err)
{
    int have = store_version(st);
    if (have < 0)
        return ch_fail(err, CH_IO, "cannot read the schema version");
    if (have > store_schema_version)
        return ch_fail(err, CH_CONFLICT,
                       "the database has schema version %d, newer than this "
                       "chorus knows (%d): use a newer chorus",
                       have, store_schema_version);
    /* A migration may rebuild a table others refer to; foreign keys are
     * checked as a whole before each commit instead (PRAGMA foreign_keys
     * cannot change inside a transaction). */
    if (have < store_schema_version)
        sqlite3_exec(store_db(st), "PRAGMA foreign_keys=OFF", NULL, NULL, NULL);
    enum ch_status s = migrate_from(st, have, err);
    sqlite3_exec(store_db(st), "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    return s;
}
