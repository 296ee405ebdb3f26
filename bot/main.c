/* chorus: campaign coordination in Slack and Discord. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "daemon.h"
#include "demo.h"
#include "version.h"

static void
usage(FILE *fp)
{
    fprintf(fp,
            "usage: chorus <command> [options]\n"
            "\n"
            "  console [--config FILE] [--db PATH] [--now TIME] [--empty]\n"
            "      chat with chorus on this terminal (or pipe a script in);\n"
            "      with no configuration it uses its embedded default and a\n"
            "      demo workspace.  --now starts a simulated clock (lines\n"
            "      \"~ +3h\" move it); --empty skips the demo workspace.\n"
            "  run [--config FILE] [--db PATH]\n"
            "      run the daemon on Slack and/or Discord\n"
            "  demo\n"
            "      the daemon against local Slack and Discord simulators,\n"
            "      with a short scripted campaign (no token needed)\n"
            "  check-config FILE\n"
            "      validate a configuration file and its secrets\n"
            "  help-config [--man]\n"
            "      list every configuration directive (--man: chorus.conf(5))\n"
            "  backup [--config FILE] [--db PATH] FILE\n"
            "      copy the database, live, to FILE (0600, checked)\n"
            "  version\n"
            "\n"
            "Options: -v / --verbose logs at debug level.\n"
            "\n"
            "Exit status: 0 stopped cleanly; 1 an error; 2 a usage error;\n"
            "77 a platform refused the token or a permission (EX_NOPERM);\n"
            "78 the configuration or a secret is wrong (EX_CONFIG).  The\n"
            "systemd unit does not restart on 77 or 78.\n");
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    /* SQLite allocates and frees ~100 KB for each small in-memory table it
     * builds (an IN list, a DISTINCT); at glibc's default trim threshold
     * (128 KB) every such free shrank the heap and the next statement grew
     * it again: a brk and fresh page faults per statement. */
    mallopt(M_TRIM_THRESHOLD, 1 << 20);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("chorus %s\n", version_string);
        return 0;
    }
    if (!strcmp(cmd, "help-config")) {
        if (argc == 3 && !strcmp(argv[2], "--man"))
            config_directive_man(stdout, version_string);
        else if (argc == 2)
            config_directive_help(stdout);
        else {
            fprintf(stderr, "usage: chorus help-config [--man]\n");
            return 2;
        }
        return 0;
    }
    if (!strcmp(cmd, "check-config")) {
        if (argc != 3) {
            fprintf(stderr, "usage: chorus check-config FILE\n");
            return 2;
        }
        return daemon_check_config(argv[2]);
    }
    struct daemon_options opt = { 0 };
    const char *backup_to = NULL;   /* backup's one operand */
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char **value = !strcmp(a, "--config") ? &opt.config_path
                             : !strcmp(a, "--db")   ? &opt.db_path
                             : !strcmp(a, "--now")  ? &opt.now
                                                    : NULL;
        if (value) {
            if (i + 1 == argc) {
                fprintf(stderr, "chorus: %s needs a value\n", a);
                return 2;
            }
            *value = argv[++i];
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            opt.verbose = true;
        } else if (!strcmp(a, "--empty")) {
            opt.empty = true;
        } else if (!strcmp(cmd, "backup") && a[0] != '-' && !backup_to) {
            backup_to = a;
        } else {
            fprintf(stderr, "chorus: unknown option %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (!strcmp(cmd, "console"))
        return daemon_console(&opt);
    if (!strcmp(cmd, "demo"))
        return demo_run(&opt);
    if (!strcmp(cmd, "backup")) {
        if (backup_to == NULL || opt.now || opt.empty) {
            fprintf(stderr, "usage: chorus backup [--config FILE] "
                    "[--db PATH] FILE\n");
            return 2;
        }
        return daemon_backup(&opt, backup_to);
    }
    if (!strcmp(cmd, "run")) {
        if (opt.now || opt.empty) {
            fprintf(stderr, "chorus: --now and --empty are for console\n");
            return 2;
        }
        return daemon_run(&opt);
    }
    fprintf(stderr, "chorus: unknown command \"%s\"\n", cmd);
    usage(stderr);
    return 2;
}
