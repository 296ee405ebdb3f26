/*
 * bench_voice: how much chorus says to each person unprompted.
 *
 * Plays bench/voice/voice.chat -- two working weeks of three campaigns,
 * a coordinator in London on all three, a brand lead in Paris on two,
 * creators in Kolkata, Berlin and Los Angeles -- through the real
 * `chorus console` on the simulated clock, then reads its database and
 * prints, per person, the direct messages chorus sent them that were not
 * replies to their own commands (outbox rows of kind 'dm'), how many
 * messages those were once digests are counted as one, and the average
 * per working day.  Target (issue 15): about one unprompted message per
 * working day for the coordinator and the brand lead.  It also checks
 * that nothing actionable was lost: every row delivered, every
 * escalation's reach and every reminder in some message to its person.
 * Prints figures; asserts nothing.
 *
 * usage: bench_voice [scenario.chat [scenario.conf]]   (CHORUS_BIN: the
 * binary; default next to this one)
 */
#include <limits.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FROM_MS  INT64_C(1796601600000)   /* Mon 7 Dec 2026 00:00 UTC */
#define UNTIL_MS INT64_C(1797638400000)   /* Sat 19 Dec 2026 00:00 UTC */
#define WORKDAYS 10

static void
die(const char *what)
{
    fprintf(stderr, "bench_voice: %s\n", what);
    exit(1);
}

static int64_t
one(sqlite3 *db, const char *sql, int64_t person)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        die(sqlite3_errmsg(db));
    sqlite3_bind_int64(s, 1, person);
    sqlite3_bind_int64(s, 2, FROM_MS);
    sqlite3_bind_int64(s, 3, UNTIL_MS);
    int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0)
                                              : -1;
    sqlite3_finalize(s);
    return v;
}

/* The DM rows a person was sent in the window. */
#define DMS " FROM outbox WHERE kind = 'dm' AND person_id = ?1" \
            " AND created_at >= ?2 AND created_at < ?3"

int
main(int argc, char **argv)
{
    const char *chat = argc > 1 ? argv[1]
                                : CHORUS_SOURCE_DIR "/bench/voice/voice.chat";
    const char *conf = argc > 2 ? argv[2]
                                : CHORUS_SOURCE_DIR "/bench/voice/voice.conf";
    char bin[PATH_MAX];
    const char *env = getenv("CHORUS_BIN");
    if (env && *env) {
        snprintf(bin, sizeof(bin), "%s", env);
    } else {
        char self[PATH_MAX - 16];
        ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (len <= 0)
            die("cannot find myself");
        self[len] = '\0';
        *strrchr(self, '/') = '\0';
        snprintf(bin, sizeof(bin), "%s/../chorus", self);
    }
    if (access(bin, X_OK) != 0)
        die("no chorus binary (set CHORUS_BIN)");
    char dir[] = "/tmp/bench_voice.XXXXXX";
    if (!mkdtemp(dir))
        die("mkdtemp");
    char dbpath[PATH_MAX], cmd[4 * PATH_MAX];
    snprintf(dbpath, sizeof(dbpath), "%s/voice.db", dir);
    snprintf(cmd, sizeof(cmd),
             "'%s' console --db '%s' --config '%s' --empty "
             "--now 2026-12-04T09:00Z < '%s' > '%s/voice.out' 2>&1",
             bin, dbpath, conf, chat, dir);
    if (system(cmd) != 0)
        die("the scenario did not run cleanly (see the .out next to the "
            "database)");

    sqlite3 *db;
    if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die("cannot open the scenario's database");
    printf("bench_voice: %s, Mon 7 - Fri 18 Dec 2026 (%d working days)\n",
           chat, WORKDAYS);
    printf("%-8s %-30s %5s %8s %9s %8s %7s\n", "person", "roles", "rows",
           "dropped", "messages", "digests", "per day");
    sqlite3_stmt *ps;
    if (sqlite3_prepare_v2(
            db, "SELECT p.id, p.name, ifnull((SELECT group_concat(x, ', ')"
                " FROM (SELECT pa.role || ' x' || count(*) AS x"
                " FROM participants pa WHERE pa.person_id = p.id"
                " GROUP BY pa.role)), '-') FROM people p ORDER BY p.id",
            -1, &ps, NULL) != SQLITE_OK)
        die(sqlite3_errmsg(db));
    int64_t lost = 0;
    while (sqlite3_step(ps) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(ps, 0);
        const char *name = (const char *)sqlite3_column_text(ps, 1);
        const char *roles = (const char *)sqlite3_column_text(ps, 2);
        int64_t rows = one(db, "SELECT count(*)" DMS, id);
        /* A row that went out inside another's message points at it
         * (digest_of); a row dropped as stale went out in none. */
        int64_t msgs = one(db, "SELECT count(*)" DMS " AND digest_of IS NULL"
                               " AND ifnull(last_error, '') NOT LIKE"
                               " 'dropped%'", id);
        int64_t digests = one(db, "SELECT count(*)" DMS " AND EXISTS (SELECT"
                                  " 1 FROM outbox i WHERE i.digest_of ="
                                  " outbox.id)", id);
        int64_t dropped = one(db, "SELECT count(*)" DMS " AND last_error LIKE"
                                  " 'dropped%'", id);
        if (rows == 0)
            continue;
        printf("%-8s %-30.30s %5lld %8lld %9lld %8lld %7.1f\n", name,
               roles, (long long)rows, (long long)dropped, (long long)msgs,
               (long long)digests, (double)msgs / WORKDAYS);
        /* Nothing actionable lost: each escalation that reached them and
         * each reminder they were sent is in a message to them. */
        lost += one(db, "SELECT count(*) FROM escalation_reached r"
                        " WHERE r.person_id = ?1 AND r.at >= ?2 AND r.at < ?3"
                        " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE"
                        " o.kind = 'dm' AND o.person_id = ?1 AND o.state ="
                        " 'sent' AND ifnull(o.last_error, '') NOT LIKE"
                        " 'dropped%' AND instr(o.text, 'E' ||"
                        " r.escalation_id))",
                    id);
        lost += one(db, "SELECT count(*) FROM nudges n JOIN deliverables d"
                        " ON d.id = n.deliverable_id JOIN campaigns c"
                        " ON c.id = d.campaign_id WHERE n.person_id = ?1"
                        " AND n.sent_at >= ?2 AND n.sent_at < ?3"
                        " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE"
                        " o.kind = 'dm' AND o.person_id = ?1 AND o.state ="
                        " 'sent' AND ifnull(o.last_error, '') NOT LIKE"
                        " 'dropped%' AND instr(o.text, c.slug || '#' ||"
                        " d.number))", id);
    }
    sqlite3_finalize(ps);
    /* Rows held past the end of the scenario are not lost: they wait for
     * their reader's next working moment. */
    int64_t unsent = one(db, "SELECT count(*) FROM outbox WHERE state !="
                             " 'sent' AND not_before < ?3 AND ?1 = ?1"
                             " AND ?2 = ?2", 0);
    printf("undelivered rows: %lld; escalations or reminders missing from "
           "every message to their person: %lld\n",
           (long long)unsent, (long long)lost);
    printf("target: the coordinator and the brand leads at most about 1 "
           "unprompted message per working day\n");
    sqlite3_close(db);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_voice: could not remove %s\n", dir);
    return 0;
}
