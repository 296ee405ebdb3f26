#include "seed.h"

#include <stddef.h>

const char *const seed_lines[] = {
    "admin: /campaign new holiday-glow brand:Glowly agency:Northlight "
    "title:\"Holiday Glow\" to:+30d need:2",
    "admin: /campaign add holiday-glow carol role:coordinator "
    "tz:Europe/London",
    "admin: /campaign add holiday-glow brenda role:brand "
    "tz:America/Los_Angeles",
    "admin: /campaign add holiday-glow bob role:creator tz:Europe/Berlin",
    "admin: /campaign add holiday-glow dana role:creator "
    "tz:America/New_York",
    "admin: /campaign add holiday-glow erin role:creator tier:flex "
    "tz:Asia/Kolkata",
    "admin: /campaign brief holiday-glow set story Evenings get long; "
    "Glowly's night serum is the ten-minute ritual that makes them yours",
    "admin: /campaign brief holiday-glow set audience women 25-40 who "
    "follow skincare creators",
    "admin: /campaign brief holiday-glow set core_message Ten minutes, one "
    "serum, skin that glows by morning",
    "admin: /campaign brief holiday-glow set visual_style warm lamp light, "
    "no filters, product in hand",
    "admin: /campaign brief holiday-glow set must_include the bottle on "
    "screen in the first 3 seconds; the phrase \"glow by morning\"",
    "admin: /campaign brief holiday-glow set must_avoid medical claims; "
    "competitor brands",
    "admin: /campaign kickoff holiday-glow",
    "admin: /campaign deliverable holiday-glow bob \"Night routine reel\" "
    "on:tiktok draft:+7d publish:+14d fee:500EUR",
    "admin: /campaign deliverable holiday-glow dana \"Serum review\" "
    "on:youtube draft:+9d publish:+16d fee:800USD",
    NULL,
};

const char seed_intro[] =
    "chorus console: a demo workspace is loaded.\n"
    "  campaign holiday-glow (brand Glowly), coordinator carol, brand lead "
    "brenda,\n"
    "  creators bob, dana and erin (flex); you are admin.\n"
    "Type lines as <speaker>: <text>, or <speaker> in #campaign: <text>. "
    "Try:\n"
    "  carol: /campaign status holiday-glow\n"
    "  bob in #holiday-glow: /campaign submit #1 https://example.com/reel "
    "first cut\n"
    "  admin: /campaign help\n"
    "Ctrl-D quits.";
