/*
 * test_tp_ctl_usage.c: turnpikectl usage on flushed usage records: used
 * and remaining per day across DAY, WEEK and MONTH quota periods, the
 * offset of the plan's first period, ranges that start inside a period.
 * turnpikectl's sources are compiled in; each run is a child process.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int tpctl_main(int argc, char **argv);

#define main tpctl_main
#include "ctl/tpctl_main.c"
#undef main
#include "ctl/tpctl_cache.c"
#include "ctl/tpctl_conf.c"
#include "ctl/tpctl_csv.c"
#include "ctl/tpctl_import.c"
#include "ctl/tpctl_invoke.c"
#include "ctl/tpctl_json.c"
#include "ctl/tpctl_keys.c"
#include "ctl/tpctl_list.c"
#include "ctl/tpctl_stats.c"
#include "ctl/tpctl_stats_out.c"
#include "ctl/tpctl_stats_rows.c"
#include "ctl/tpctl_usage.c"

#include "tp_hash.h"
#include "tp_period.h"
#include "tp_test_dir.h"

#define KEY_ID "testkey001"

static char dir[64], conf[128], data[128];

static const char conf_text[] =
    "server: { workers = 1; pid_file = \"%s/t.pid\"; error_log = "
    "\"%s/e.log\"; data_dir = \"%s\"; };\n"
    "listeners = ( { address = \"127.0.0.1:18080\"; } );\n"
    "apis = ( { id = \"demo\"; type = \"REST\";\n"
    "  routes = ( { route = \"ANY /{proxy+}\";\n"
    "    integration = { type = \"MOCK\"; }; } );\n"
    "  stages = ( { name = \"prod\"; }, { name = \"test\"; },\n"
    "    { name = \"beta\"; } ); } );\n"
    "usage_plans = (\n"
    "  { name = \"gold\"; stages = ( \"demo/prod\" );\n"
    "    quota = { limit = 1000; offset = 100; period = \"MONTH\"; }; },\n"
    "  { name = \"bronze\"; stages = ( \"demo/test\" );\n"
    "    quota = { limit = 50; period = \"WEEK\"; }; },\n"
    "  { name = \"daily\"; stages = ( \"demo/beta\" );\n"
    "    quota = { limit = 10; period = \"DAY\"; }; } );\n";

static int64_t
day(const char *date)
{
    int64_t d = 0;

    assert_int_equal(tp_parse_date(date, &d), TP_OK);
    return d;
}

/* Counts <n> requests of the test key in <plan> on <date>. */
static void
flush(struct tp_state *st, const char *plan, const char *date, uint64_t n)
{
    struct tp_quota_rec r = { tp_quota_id(tp_plan_hash(plan), KEY_ID), 0,
        0 };
    char err[256];

    if (tp_state_quota_get(st, r.id, &r) != TP_OK) {
        r.total = 0;
    }
    r.total += n;
    assert_int_equal(tp_state_quota_flush(st, &r, 1, day(date), err,
        sizeof(err)), TP_OK);
}

static int
setup(void **state)
{
    static const char *const plans[] = { "gold", "bronze", "daily" };
    struct tp_state *st;
    struct tp_key_full k;
    char err[256];
    int64_t seen;
    FILE *f;
    unsigned i;

    (void) state;
    assert_non_null(tp_test_dir_make(dir, sizeof(dir), "tp-ctl"));
    snprintf(conf, sizeof(conf), "%s/t.conf", dir);
    snprintf(data, sizeof(data), "%s/data", dir);
    f = fopen(conf, "w");
    assert_non_null(f);
    fprintf(f, conf_text, dir, dir, data);
    fclose(f);
    assert_int_equal(mkdir(data, 0700), 0);

    assert_int_equal(tp_state_open(&st, data, 1 << 20, 0, err, sizeof(err)),
        TP_OK);
    memset(&k, 0, sizeof(k));
    snprintf(k.name, sizeof(k.name), "k");
    snprintf(k.info.id, sizeof(k.info.id), KEY_ID);
    tp_apikey_hash("a-value-of-twenty-chars", 23, k.hash);
    k.info.enabled = true;
    for (i = 0; i < TP_NELEM(plans); i++) {
        snprintf(k.plan_names[i], sizeof(k.plan_names[i]), "%s", plans[i]);
        k.info.plans[i] = tp_plan_hash(plans[i]);
    }
    k.info.nplans = TP_NELEM(plans);
    assert_int_equal(tp_state_key_create(st, &k, err, sizeof(err)), TP_OK);
    /* gold was first seen in February 2024: its offset applies then. */
    assert_int_equal(tp_state_plan_seen(st, "gold", day("2024-02-10")
        * 86400 + 3600, &seen, err, sizeof(err)), TP_OK);

    flush(st, "gold", "2024-01-31", 30);
    flush(st, "gold", "2024-02-01", 100);
    flush(st, "gold", "2024-02-02", 850);
    flush(st, "gold", "2024-03-01", 5);
    flush(st, "bronze", "2024-01-01", 20);        /* a Monday */
    flush(st, "bronze", "2024-01-02", 40);
    flush(st, "bronze", "2024-01-08", 1);
    flush(st, "daily", "2024-01-05", 4);
    flush(st, "daily", "2024-01-06", 12);
    tp_state_close(st);
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    tp_test_dir_remove(dir);
    return 0;
}

/* turnpikectl -c CONF usage --plan PLAN --key k --start S --end E. */
static char *
usage(const char *plan, const char *start, const char *end)
{
    char *argv[] = { "turnpikectl", "-c", conf, "usage", "--plan",
        (char *) plan, "--key", "k", "--start", (char *) start, "--end",
        (char *) end, NULL };
    static char out[8192];
    char path[160];
    int status, fd;
    ssize_t n;
    pid_t pid;

    snprintf(path, sizeof(path), "%s/out", dir);
    fflush(stdout);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
            _exit(99);
        }
        _exit(tpctl_main((int) TP_NELEM(argv) - 1, argv));
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    n = read(fd, out, sizeof(out) - 1);
    close(fd);
    assert_true(n > 0);
    out[n] = '\0';
    return out;
}

/* The expected document: <pairs> is "[u,r],[u,r],...". */
static void
expect(const char *got, const char *plan, const char *start,
    const char *end, const char *pairs)
{
    char want[8192];

    snprintf(want, sizeof(want), "{\"usagePlanId\":\"%s\",\"startDate\":"
        "\"%s\",\"endDate\":\"%s\",\"items\":{\n\"" KEY_ID "\":[%s]\n}}\n",
        plan, start, end, pairs);
    assert_string_equal(got, want);
}

static void
test_server__ctl__usage_month_offset(void **state)
{
    char pairs[4096];
    size_t n;
    int i;

    (void) state;
    /* January is not the first period (1000); February is (900), and
     * 950 requests leave nothing; March starts again at 1000. */
    n = (size_t) snprintf(pairs, sizeof(pairs), "[30,970],[100,800],[850,0]");
    for (i = 3; i <= 29; i++) {
        n += (size_t) snprintf(pairs + n, sizeof(pairs) - n, ",[0,0]");
    }
    snprintf(pairs + n, sizeof(pairs) - n, ",[5,995]");
    expect(usage("gold", "2024-01-31", "2024-03-01"), "gold", "2024-01-31",
        "2024-03-01", pairs);

    /* A range starting inside a period still counts its earlier days. */
    expect(usage("gold", "2024-02-02", "2024-02-03"), "gold", "2024-02-02",
        "2024-02-03", "[850,0],[0,0]");
}

static void
test_server__ctl__usage_week(void **state)
{
    (void) state;
    /* Monday 1st to Monday 8th: 20 + 40 exhaust 50 until the new week. */
    expect(usage("bronze", "2024-01-01", "2024-01-08"), "bronze",
        "2024-01-01", "2024-01-08", "[20,30],[40,0],[0,0],[0,0],[0,0],"
        "[0,0],[0,0],[1,49]");
    expect(usage("bronze", "2024-01-03", "2024-01-03"), "bronze",
        "2024-01-03", "2024-01-03", "[0,0]");
}

static void
test_server__ctl__usage_day(void **state)
{
    (void) state;
    expect(usage("daily", "2024-01-04", "2024-01-07"), "daily", "2024-01-04",
        "2024-01-07", "[0,10],[4,6],[12,0],[0,10]");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__ctl__usage_month_offset),
        cmocka_unit_test(test_server__ctl__usage_week),
        cmocka_unit_test(test_server__ctl__usage_day),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
