"""Tier 05: the README's quick start, the bundled demo as `make run` starts it.

etc/turnpike.conf with scripts/demo-backend, both on free ports instead of
8080/9000 (the only change made to the config), started as scripts/run-demo
does (foreground, -p prefix): the URLs the README and run-demo print answer.
"""

import os
import subprocess
import sys

import pytest
import requests

from conftest import TURNPIKE_BIN, run_turnpike
from helpers import free_port, wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def demo(workdir):
    gw_port, be_port = free_port(), free_port()
    with open(os.path.join(ROOT, "etc", "turnpike.conf")) as f:
        text = f.read()
    assert '"*:8080"' in text and "http://127.0.0.1:9000" in text
    text = text.replace('"*:8080"', '"127.0.0.1:%d"' % gw_port)
    text = text.replace("http://127.0.0.1:9000", "http://127.0.0.1:%d" % be_port)
    conf = os.path.join(workdir, "turnpike.conf")
    with open(conf, "w") as f:
        f.write(text)
    be = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "demo-backend"),
                           str(be_port)], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    log = open(os.path.join(workdir, "turnpike.stderr"), "w")
    gw = subprocess.Popen([TURNPIKE_BIN, "-f", "-c", conf, "-p", workdir],
                          stdout=log, stderr=subprocess.STDOUT, cwd="/")
    url = "http://127.0.0.1:%d" % gw_port

    def up():
        try:
            requests.get(url + "/prod/pets/1", timeout=2)
            requests.get("http://127.0.0.1:%d/pets" % be_port, timeout=2)
            return True
        except requests.ConnectionError:
            return False
    try:
        assert wait_until(up, timeout=15), "the demo gateway or backend did not start"
        yield url
    finally:
        gw.terminate()
        be.terminate()
        gw.wait(timeout=20)
        be.wait(timeout=20)
        log.close()


def test_quick_start_urls_answer(demo):
    r = requests.get(demo + "/prod/pets", timeout=10)
    assert r.status_code == 200, r.text
    assert isinstance(r.json(), list) and r.json()
    r = requests.get(demo + "/prod/pets/1", timeout=10)
    assert r.status_code == 200, r.text
    assert "x-amzn-RequestId" in r.headers


def test_demo_config_passes_t(workdir):
    rc, out = run_turnpike("-t", "-c", os.path.join(ROOT, "etc", "turnpike.conf"),
                           "-p", workdir)
    assert rc == 0, out
    assert "syntax ok" in out
