"""Tier 90: turnpikectl, the API key and usage command line (no daemon).

Contract (turnpikectl(8)): every command prints one JSON document on stdout
and exits 0; errors print "turnpikectl: message" on stderr and exit 1;
usage errors print the message and a usage line and exit 2.  Keys created
here live in data_dir/state (LMDB); their values are shown once, at
creation, and stored only as SHA-256 hashes.

The binary is $TURNPIKECTL_BIN (default objs/turnpikectl).  Usage numbers
need turnpike to count requests; here usage is zero and only the shapes and
the quota arithmetic without requests are checked.
"""

import csv
import datetime
import hashlib
import io
import json
import os
import re
import subprocess
import time

import pytest

from conftest import REPO, run_turnpike
from test_87_config_errors import config_text as api_config_text

pytestmark = pytest.mark.cli

TURNPIKECTL_BIN = os.environ.get("TURNPIKECTL_BIN",
                                 os.path.join(REPO, "objs", "turnpikectl"))

CFG_VALUE = "config-key-value-0123456789"


PLANS_AND_KEYS = """
usage_plans = (
  { name = "gold";
    stages = ( "demo/prod" );
    quota = { limit = 1000; offset = 100; period = "MONTH"; };
  },
  { name = "silver";
    stages = ( "demo/prod" );
  },
  { name = "bronze";
    stages = ( "demo/test" );
    quota = { limit = 50; period = "WEEK"; };
  },
  { name = "daily";
    stages = ( "demo/beta" );
    quota = { limit = 10; period = "DAY"; };
  }
);

api_keys = (
  { name = "cfgkey";
    value = "%s";
    plans = ( "gold" );
  }
);
""" % CFG_VALUE


def config_text(workdir, data_dir=True):
    """test_87's config with three stages and plans: gold (demo/prod, MONTH
    quota 1000 offset 100), silver (demo/prod, no quota), bronze (demo/test,
    WEEK quota 50), daily (demo/beta, DAY quota 10); one config key,
    "cfgkey", in gold."""
    text = api_config_text(workdir, extra=PLANS_AND_KEYS, stage='{ name = "prod"; }, '
                           '{ name = "test"; }, { name = "beta"; }')
    if not data_dir:
        text = "\n".join(l for l in text.splitlines() if "data_dir" not in l)
    return text


class Ctl:
    """turnpikectl on one config in a work directory."""

    def __init__(self, workdir, make_data_dir=True, **kw):
        self.workdir = workdir
        self.conf = os.path.join(workdir, "t.conf")
        self.data_dir = os.path.join(workdir, "data")
        self.text = config_text(workdir, **kw)
        with open(self.conf, "w") as f:
            f.write(self.text)
        if make_data_dir:
            os.makedirs(self.data_dir, exist_ok=True)

    def run(self, *args, conf=True, timeout=60):
        if not os.path.exists(TURNPIKECTL_BIN):
            pytest.fail("turnpikectl binary %s does not exist: build it with `make`"
                        % TURNPIKECTL_BIN, pytrace=False)
        argv = [TURNPIKECTL_BIN] + (["-c", self.conf] if conf else []) + list(args)
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, cwd=self.workdir)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def ok(self, *args):
        rc, out, err = self.run(*args)
        assert rc == 0, "turnpikectl %s: exit %d\nstderr: %s" % (" ".join(args), rc, err)
        assert err == "", err
        return json.loads(out) if out else None

    def fail(self, *args, rc=1, message=None):
        got, out, err = self.run(*args)
        assert got == rc, "turnpikectl %s: exit %d, expected %d\nstdout: %s\nstderr: %s" % (
            " ".join(args), got, rc, out, err)
        assert err.startswith("turnpikectl: "), err
        if message is not None:
            first = err.splitlines()[0]
            assert first == "turnpikectl: " + message, \
                "expected %r, got %r" % (message, first)
        if rc == 2:
            assert "usage: turnpikectl" in err, err
        else:
            assert "usage:" not in err, err
        assert out == "", out
        return err

    def names(self):
        return [k["name"] for k in self.ok("keys", "list")["items"]]

    def key(self, name):
        for k in self.ok("keys", "list")["items"]:
            if k["name"] == name:
                return k
        raise AssertionError("no key %r in the list" % name)

    def conf_line(self, needle):
        for i, line in enumerate(self.text.splitlines(), 1):
            if needle in line:
                return i
        raise AssertionError(needle)

    def state_file(self):
        return os.path.join(self.data_dir, "state", "data.mdb")


@pytest.fixture
def ctl(workdir):
    return Ctl(workdir)


def value(n, tag="v"):
    """A valid key value of 40 characters, distinct per <n>."""
    return ("%s-%08d-" % (tag, n)).ljust(40, "x")


def today():
    return datetime.datetime.now(datetime.timezone.utc).date()


def days(start, end):
    return (end - start).days + 1


# -- the command line --------------------------------------------------------------------

def test_help_lists_every_command(ctl):
    rc, out, err = ctl.run("-h", conf=False)
    assert rc == 0 and err == ""
    for words in ("keys create --name NAME --plan PLAN", "keys list", "keys enable NAME",
                  "keys disable NAME", "keys delete NAME", "keys import --file",
                  "usage --plan PLAN"):
        assert words in out, out
    rc, out, err = ctl.run("-v", conf=False)
    assert rc == 0 and out.startswith("turnpikectl "), out


@pytest.mark.parametrize("args,message", [
    ((), "no command given"),
    (("bogus",), 'unknown command "bogus"'),
    (("keys",), "keys needs a command"),
    (("keys", "rename"), 'unknown command "keys rename"'),
    (("keys", "list", "extra"), 'unexpected argument "extra"'),
    (("keys", "list", "--all"), 'unknown option "--all"'),
    (("keys", "create", "--plan", "gold"), "--name is required"),
    (("keys", "create", "--name", "x"), "--plan is required"),
    (("keys", "create", "--name"), "--name needs a value"),
    (("keys", "create", "--name", "x", "--plan", "gold", "--bogus"),
     'unknown option "--bogus"'),
    (("keys", "enable"), "the key's NAME is missing"),
    (("keys", "delete", "a", "b"), 'unexpected argument "b"'),
    (("keys", "import"), "--file is required"),
    (("usage",), "--plan is required"),
    (("usage", "--plan", "gold", "--start"), "--start needs a value"),
])
def test_usage_errors(ctl, args, message):
    ctl.fail(*args, rc=2, message=message)


def test_unknown_global_option(ctl):
    rc, out, err = ctl.run("-x", "keys", "list", conf=False)
    assert rc == 2 and 'unknown option "-x"' in err and "usage:" in err


def test_default_config_is_turnpikes(ctl):
    """Without -c, turnpikectl reads the default config of turnpike -h."""
    rc, out = run_turnpike("-h")
    m = re.search(r"\(default (\S+)\)", out)
    assert m, out
    default = m.group(1)
    if os.path.exists(default):
        pytest.skip("%s exists on this machine" % default)
    rc, out, err = ctl.run("keys", "list", conf=False)
    assert rc == 1
    assert err.startswith("turnpikectl: %s: cannot open" % default), err


def test_config_errors_name_file_and_line(workdir):
    c = Ctl(workdir)
    with open(c.conf, "a") as f:
        f.write("bogus_section = 1;\n")
    err = c.fail("keys", "list")
    assert "%s:%d:" % (c.conf, len(c.text.splitlines()) + 1) in err, err


def test_missing_data_dir(workdir):
    c = Ctl(workdir, make_data_dir=False)
    message = "data_dir %s does not exist (it is created when turnpike starts)" % c.data_dir
    for args in (("keys", "list"), ("usage", "--plan", "gold"),
                 ("keys", "create", "--name", "a", "--plan", "gold"),
                 ("keys", "disable", "a")):
        c.fail(*args, message=message)
    assert not os.path.exists(c.data_dir)


def test_prefix_gives_the_data_dir(workdir):
    c = Ctl(workdir, data_dir=False, make_data_dir=False)
    run_dir = os.path.join(workdir, "run")
    os.makedirs(os.path.join(run_dir, "data"))
    rc, out, err = c.run("-p", run_dir, "keys", "create", "--name", "p", "--plan", "gold")
    assert rc == 0, err
    assert os.path.exists(os.path.join(run_dir, "data", "state", "data.mdb"))


# -- keys ---------------------------------------------------------------------------------

def test_list_without_state_shows_config_keys(ctl):
    out = ctl.ok("keys", "list")
    assert out == {"items": [{
        "id": out["items"][0]["id"], "name": "cfgkey", "enabled": True,
        "createdDate": None, "lastUpdatedDate": None, "usagePlanIds": ["gold"],
        "source": "config"}]}
    assert re.fullmatch(r"[a-z0-9]{10}", out["items"][0]["id"])
    assert not os.path.exists(os.path.join(ctl.data_dir, "state")), \
        "a read-only command created the state database"


def test_create_prints_the_key_once(ctl):
    before = time.time()
    k = ctl.ok("keys", "create", "--name", "partner", "--plan", "gold", "--plan", "bronze")
    assert set(k) == {"id", "name", "value", "enabled", "createdDate", "lastUpdatedDate",
                      "usagePlanIds"}
    assert re.fullmatch(r"[a-z0-9]{10}", k["id"])
    assert k["name"] == "partner" and k["enabled"] is True
    assert k["usagePlanIds"] == ["gold", "bronze"]
    assert re.fullmatch(r"[A-Za-z0-9]{40}", k["value"])
    created = datetime.datetime.strptime(k["createdDate"], "%Y-%m-%dT%H:%M:%SZ")
    created = created.replace(tzinfo=datetime.timezone.utc).timestamp()
    assert before - 2 <= created <= time.time() + 1
    assert k["lastUpdatedDate"] == k["createdDate"]

    listed = ctl.key("partner")
    assert listed == {"id": k["id"], "name": "partner", "enabled": True,
                      "createdDate": k["createdDate"], "lastUpdatedDate": k["createdDate"],
                      "usagePlanIds": ["gold", "bronze"], "source": "turnpikectl"}
    rc, out, err = ctl.run("keys", "list")
    assert k["value"] not in out

    # Stored as its SHA-256 only.
    with open(ctl.state_file(), "rb") as f:
        data = f.read()
    assert k["value"].encode() not in data
    assert hashlib.sha256(k["value"].encode()).digest() in data


def test_create_with_value_disabled(ctl):
    k = ctl.ok("keys", "create", "--name=given", "--plan=silver", "--value=" + value(1),
               "--disabled")
    assert k["value"] == value(1) and k["enabled"] is False
    assert ctl.key("given")["enabled"] is False


def test_list_is_sorted_by_name_across_sources(ctl):
    for name in ("zeta", "alpha", "mid", "Upper", "d-key"):
        ctl.ok("keys", "create", "--name", name, "--plan", "silver")
    out = ctl.ok("keys", "list")
    names = [k["name"] for k in out["items"]]
    assert names == ["Upper", "alpha", "cfgkey", "d-key", "mid", "zeta"]
    assert [k["source"] for k in out["items"]].count("config") == 1
    assert all("value" not in k for k in out["items"])


def test_names_are_json_escaped(ctl):
    name = 'we "quote" \\ back\tslash'
    ctl.ok("keys", "create", "--name", name, "--plan", "silver")
    assert name in ctl.names()


def test_create_errors(ctl):
    ctl.ok("keys", "create", "--name", "taken", "--plan", "gold", "--value", value(1))
    line = ctl.conf_line('name = "cfgkey"')
    cases = [
        (("--name", "x", "--plan", "platinum"),
         'usage plan "platinum" is not defined in %s' % ctl.conf),
        (("--name", "cfgkey", "--plan", "gold"),
         'an API key named "cfgkey" already exists (%s:%d)' % (ctl.conf, line)),
        (("--name", "taken", "--plan", "gold"),
         'an API key named "taken" already exists'),
        (("--name", "x", "--plan", "gold", "--value", "short"),
         "an API key value needs at least 20 characters"),
        (("--name", "x", "--plan", "gold", "--value", "has a space in it 0123456789"),
         "an API key value is printable ASCII without spaces"),
        (("--name", "x", "--plan", "gold", "--value", "v" * 129),
         "an API key value has at most 128 characters"),
        (("--name", "x", "--plan", "gold", "--value", CFG_VALUE),
         'API key "x": its value is already the value of API key "cfgkey" (%s:%d)'
         % (ctl.conf, line)),
        (("--name", "x", "--plan", "gold", "--value", value(1)),
         'API key "x": its value is already the value of API key "taken"'),
        (("--name", "x", "--plan", "gold", "--plan", "silver"),
         'usage plans "gold" and "silver" both serve stage "demo/prod" '
         "(a key is in one plan per stage)"),
        (("--name", "x", "--plan", "gold", "--plan", "gold"),
         'usage plan "gold" is named twice'),
        (("--name", "x") + sum((("--plan", "p%d" % i) for i in range(11)), ()),
         "an API key is in at most 10 usage plans, not 11"),
        (("--name", "", "--plan", "gold"), "an API key name has 1 to 1024 characters"),
    ]
    for args, message in cases:
        ctl.fail("keys", "create", *args, message=message)
    assert ctl.names() == ["cfgkey", "taken"]


def test_enable_disable_delete(ctl):
    k = ctl.ok("keys", "create", "--name", "k", "--plan", "bronze")
    time.sleep(1.1)
    d = ctl.ok("keys", "disable", "k")
    assert d["enabled"] is False and d["id"] == k["id"] and d["source"] == "turnpikectl"
    assert d["createdDate"] == k["createdDate"]
    assert d["lastUpdatedDate"] > k["createdDate"]
    assert ctl.key("k")["enabled"] is False
    assert ctl.ok("keys", "enable", "k")["enabled"] is True
    assert ctl.key("k")["enabled"] is True
    rc, out, err = ctl.run("keys", "delete", "k")
    assert rc == 0 and out == "" and err == ""
    assert ctl.names() == ["cfgkey"]
    ctl.fail("keys", "delete", "k", message='no API key named "k"')
    # The name can be used again.
    ctl.ok("keys", "create", "--name", "k", "--plan", "bronze")


def test_enable_errors(ctl):
    line = ctl.conf_line('name = "cfgkey"')
    for verb in ("enable", "disable", "delete"):
        ctl.fail("keys", verb, "cfgkey",
                 message='API key "cfgkey" is defined in %s:%d; change it there'
                 % (ctl.conf, line))
        ctl.fail("keys", verb, "nope", message='no API key named "nope"')
    # Without a state database nothing is created.
    assert not os.path.exists(os.path.join(ctl.data_dir, "state"))
    ctl.ok("keys", "create", "--name", "-dash", "--plan", "gold")
    assert ctl.ok("keys", "disable", "--", "-dash")["enabled"] is False
    ctl.fail("keys", "disable", "-dash", rc=2, message='unknown option "-dash"')


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
def test_root_gives_the_state_to_the_data_dir_owner(ctl):
    os.chown(ctl.data_dir, 65534, 65534)
    ctl.ok("keys", "create", "--name", "k", "--plan", "gold")
    for p in ("state", "state/data.mdb", "state/lock.mdb"):
        st = os.stat(os.path.join(ctl.data_dir, p))
        assert (st.st_uid, st.st_gid) == (65534, 65534), p
    assert os.stat(os.path.join(ctl.data_dir, "state")).st_mode & 0o777 == 0o700


# -- import -------------------------------------------------------------------------------

def write_csv(ctl, text, name="keys.csv"):
    path = os.path.join(ctl.workdir, name)
    with open(path, "w", newline="") as f:
        f.write(text)
    return path


def test_import_thousands(ctl):
    n = 3000
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["usageplanIds", "Description", "KEY", "name", "Enabled"])
    for i in range(n):
        plans = ["gold", "bronze"] if i % 3 == 0 else ["silver"] if i % 3 == 1 else []
        w.writerow([",".join(plans), "row, %d" % i, value(i, "imp"), "user%05d" % i,
                    "false" if i % 7 == 0 else "TRUE"])
    path = write_csv(ctl, buf.getvalue())
    t = time.time()
    out = ctl.ok("keys", "import", "--file", path)
    assert time.time() - t < 30
    assert out["count"] == n and len(out["ids"]) == n and len(set(out["ids"])) == n
    items = ctl.ok("keys", "list")["items"]
    assert len(items) == n + 1
    by_name = {k["name"]: k for k in items}
    for i in (0, 1, 2, 7, n - 1):
        k = by_name["user%05d" % i]
        assert k["id"] == out["ids"][i]
        assert k["enabled"] is (i % 7 != 0)
        assert k["usagePlanIds"] == (["gold", "bronze"] if i % 3 == 0
                                     else ["silver"] if i % 3 == 1 else [])
    # Each imported value is taken now.
    ctl.fail("keys", "create", "--name", "x", "--plan", "gold", "--value", value(5, "imp"),
             message='API key "x": its value is already the value of API key "user00005"')


def test_import_csv_syntax(ctl):
    text = ('\ufeffName,Key,UsagePlanIds\n'
            '\n'
            '"multi\nline",%s,"gold , bronze"\n'
            '"say ""hi""",%s,\n'
            'last,%s,daily' % (value(1).ljust(30, "y"), value(2), value(3)))
    out = ctl.ok("keys", "import", "--file", write_csv(ctl, text))
    assert out["count"] == 3
    assert ctl.key("multi\nline")["usagePlanIds"] == ["gold", "bronze"]
    assert ctl.key('say "hi"')["usagePlanIds"] == []
    assert ctl.key("last")["usagePlanIds"] == ["daily"]


def test_import_only_header(ctl):
    assert ctl.ok("keys", "import", "--file", write_csv(ctl, "Name,Key\n")) == \
        {"count": 0, "ids": []}


GOOD = "Name,Key,Enabled,UsagePlanIds\nok1,%s,true,gold\nok2,%s,false,silver\n" % (
    value(1), value(2))


@pytest.mark.parametrize("text,line,message", [
    ("Name,Bogus\n", 1, 'unknown column "Bogus" (the columns are Name, Key, Description, '
     "Enabled and UsagePlanIds)"),
    ("Name,Description\n", 1, "the header needs the columns Name and Key"),
    ("Name,Key,name\n", 1, "column Name appears twice"),
    (GOOD + "bad,short,true,gold\n", 4,
     'API key "bad": an imported key value has 30 to 128 characters, not 5'),
    (GOOD + "bad,%s,maybe,gold\n" % value(3), 4,
     'API key "bad": Enabled is "maybe"; use true or false'),
    (GOOD + "bad,%s,true,platinum\n" % value(3), 4,
     'usage plan "platinum" is not defined in {conf}'),
    (GOOD + 'bad,%s,true,"gold,silver"\n' % value(3), 4,
     'usage plans "gold" and "silver" both serve stage "demo/prod" '
     "(a key is in one plan per stage)"),
    (GOOD + "ok1,%s,true,gold\n" % value(3), 4, 'an API key named "ok1" already exists'),
    (GOOD + "bad,%s,true,gold\n" % value(1), 4,
     'API key "bad": its value is already the value of API key "ok1"'),
    (GOOD + "cfgkey,%s,true,gold\n" % value(3), 4,
     'an API key named "cfgkey" already exists ({conf}:{line})'),
    (GOOD + "bad,%s\n" % value(3), 4, "2 fields; the header has 4"),
    (GOOD + 'bad,%s,"true,gold\n' % value(3), 4, "a quoted field is not closed"),
    (GOOD + 'bad,%s,tr"ue,gold\n' % value(3), 4,
     "a quote inside an unquoted field (quote the whole field and double its quotes)"),
    (GOOD + 'bad,%s,"true"x,gold\n' % value(3), 4, "text after the closing quote of a field"),
    (GOOD + "bad,%s,true,gold\rx\n" % value(3), 4, "a carriage return without a line feed"),
])
def test_import_errors_name_the_line(ctl, text, line, message):
    ctl.ok("keys", "create", "--name", "existing", "--plan", "gold")
    path = write_csv(ctl, text)
    err = ctl.fail("keys", "import", "--file", path)
    first = err.splitlines()[0]
    assert first.startswith("turnpikectl: %s:%d: " % (path, line)), first
    if message is not None:
        message = message.format(conf=ctl.conf, line=ctl.conf_line('name = "cfgkey"'))
        assert first == "turnpikectl: %s:%d: %s; nothing was imported" % (
            path, line, message), first
    # All or nothing: the good lines before were not imported either.
    assert ctl.names() == ["cfgkey", "existing"]


NUL = "a NUL byte (the file must be UTF-8 text, not UTF-16 or binary)"


@pytest.mark.parametrize("data,line", [
    (b"Name,K\0ey\n", 1),
    (b"\xef\xbb\xbf\0Name,Key\n", 1),
    (GOOD.encode() + b"bad,%s\0,true,gold\n" % value(3).encode(), 4),
    # in a quoted field over lines: the NUL's own line, not the record's
    (GOOD.encode() + b'"multi\nline\0",%s,true,gold\n' % value(3).encode(), 5),
    (GOOD.encode() + b'bad,%s,"true"\0,gold\n' % value(3).encode(), 4),
    (GOOD.encode() + b"\0", 4),
    # a spreadsheet's "Unicode text": UTF-16LE with its byte order mark
    (("Name,Key\r\nu,%s\r\n" % value(3)).encode("utf-16"), 1),
])
def test_import_rejects_a_nul_byte(ctl, data, line):
    path = os.path.join(ctl.workdir, "nul.csv")
    with open(path, "wb") as f:
        f.write(data)
    ctl.fail("keys", "import", "--file", path,
             message="%s:%d: %s; nothing was imported" % (path, line, NUL))
    assert ctl.names() == ["cfgkey"]


def test_import_file_errors(ctl):
    missing = os.path.join(ctl.workdir, "missing.csv")
    ctl.fail("keys", "import", "--file", missing,
             message="cannot open %s: No such file or directory" % missing)
    empty = write_csv(ctl, "", "empty.csv")
    ctl.fail("keys", "import", "--file", empty,
             message="%s: the file is empty (its first line names the columns: "
             "Name,Key,Description,Enabled,UsagePlanIds)" % empty)


# -- usage --------------------------------------------------------------------------------

def test_usage_defaults_to_the_current_period(ctl):
    k = ctl.ok("keys", "create", "--name", "k", "--plan", "gold")
    ctl.ok("keys", "create", "--name", "other", "--plan", "bronze")
    cfg_id = ctl.key("cfgkey")["id"]
    out = ctl.ok("usage", "--plan", "gold")
    end = today()
    start = end.replace(day=1)
    assert out["usagePlanId"] == "gold"
    assert out["startDate"] == start.isoformat() and out["endDate"] == end.isoformat()
    assert set(out["items"]) == {k["id"], cfg_id}
    # The plan was never seen by turnpike: this month is its first period,
    # so the offset (100) is taken off the limit (1000).
    for pairs in out["items"].values():
        assert pairs == [[0, 900]] * days(start, end)


def test_usage_week_and_day_periods(ctl):
    k = ctl.ok("keys", "create", "--name", "k", "--plan", "bronze", "--plan", "daily")
    out = ctl.ok("usage", "--plan", "bronze")
    end = today()
    start = end - datetime.timedelta(days=end.weekday())       # ISO week: Monday
    assert out["startDate"] == start.isoformat()
    assert out["items"] == {k["id"]: [[0, 50]] * days(start, end)}
    out = ctl.ok("usage", "--plan", "daily")
    assert out["startDate"] == out["endDate"] == end.isoformat()
    assert out["items"] == {k["id"]: [[0, 10]]}


def test_usage_without_quota_is_null(ctl):
    k = ctl.ok("keys", "create", "--name", "k", "--plan", "silver")
    out = ctl.ok("usage", "--plan", "silver", "--start", "2024-02-27", "--end", "2024-03-02")
    assert out == {"usagePlanId": "silver", "startDate": "2024-02-27",
                   "endDate": "2024-03-02", "items": {k["id"]: [[0, None]] * 5}}


def test_usage_range_and_key(ctl):
    k = ctl.ok("keys", "create", "--name", "k", "--plan", "gold")
    cfg_id = ctl.key("cfgkey")["id"]
    # A past month is not the plan's first period: the whole limit.
    out = ctl.ok("usage", "--plan", "gold", "--key", "k", "--start", "2024-01-30",
                 "--end", "2024-02-02")
    assert out == {"usagePlanId": "gold", "startDate": "2024-01-30", "endDate": "2024-02-02",
                   "items": {k["id"]: [[0, 1000]] * 4}}
    out = ctl.ok("usage", "--plan", "gold", "--key", "cfgkey", "--end", "2024-02-10")
    assert out["startDate"] == "2024-02-01"
    assert out["items"] == {cfg_id: [[0, 1000]] * 10}
    out = ctl.ok("usage", "--plan", "gold", "--start", "2024-01-01", "--end", "2024-03-30")
    assert len(out["items"][cfg_id]) == 90


def test_usage_without_state(ctl):
    out = ctl.ok("usage", "--plan", "gold", "--start", "2024-01-01", "--end", "2024-01-02")
    assert out["items"] == {ctl.key("cfgkey")["id"]: [[0, 1000], [0, 1000]]}
    out = ctl.ok("usage", "--plan", "bronze")
    assert out["items"] == {}
    assert not os.path.exists(os.path.join(ctl.data_dir, "state"))


def test_usage_errors(ctl):
    ctl.ok("keys", "create", "--name", "k", "--plan", "bronze")
    ctl.fail("usage", "--plan", "platinum",
             message='usage plan "platinum" is not defined in %s' % ctl.conf)
    ctl.fail("usage", "--plan", "gold", "--key", "nope", message='no API key named "nope"')
    ctl.fail("usage", "--plan", "gold", "--key", "k",
             message='API key "k" is not in usage plan "gold"')
    ctl.fail("usage", "--plan", "bronze", "--key", "cfgkey",
             message='API key "cfgkey" is not in usage plan "bronze"')
    for bad in ("2024-02-30", "2024-1-01", "yesterday", "2024-01-011"):
        ctl.fail("usage", "--plan", "gold", "--start", bad, rc=2,
                 message='--start "%s" is not a date (YYYY-MM-DD)' % bad)
    ctl.fail("usage", "--plan", "gold", "--end", "2024-13-01", rc=2,
             message='--end "2024-13-01" is not a date (YYYY-MM-DD)')
    ctl.fail("usage", "--plan", "gold", "--start", "2024-03-02", "--end", "2024-03-01", rc=2,
             message="the start date 2024-03-02 is after the end date 2024-03-01")
    ctl.fail("usage", "--plan", "gold", "--start", "2024-01-01", "--end", "2024-03-31",
             rc=2, message="91 days from start to end; at most 90")
