"""Long steps say how far they got: a plain line every few seconds where output is not a terminal."""

import io

from click.testing import CliRunner

from wto_assist.cli import main
from wto_assist.progress import Progress, Steps, duration


class Clock:
    """A clock the test moves: the lines depend on elapsed time, never on how fast the machine is."""

    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_log_gets_a_line_every_interval_with_what_is_left_and_a_last_line():
    stream, clock = io.StringIO(), Clock()
    with Progress(29273, "Embedding new windows", "embedded", "windows", stream=stream, terminal=False, interval=5, clock=clock) as progress:
        for done in range(1000, 29273, 1000):
            clock.now += 6.0  # 1,000 windows every 6 seconds
            progress.update(done)
            if done == 12000:
                assert stream.getvalue().splitlines()[-1] == "embedded 12,000 of 29,273 windows, 2 min left"
        clock.now += 2.0
        progress.update(29273)  # less than the interval after the last line: nothing until the end
    lines = stream.getvalue().splitlines()
    assert len(lines) == 29 + 1 and lines[0] == "embedded 1,000 of 29,273 windows, 3 min left"
    assert lines[-1] == "embedded 29,273 of 29,273 windows in 3 min"


def test_lines_come_no_more_often_than_the_interval():
    stream, clock = io.StringIO(), Clock()
    with Progress(100, "Ingesting", "read", "files", stream=stream, terminal=False, interval=5, clock=clock) as progress:
        for _ in range(100):
            clock.now += 0.5
            progress.advance()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10 + 1  # 50 s in steps of at least 5 s, then the last line
    assert lines[-1] == "read 100 of 100 files in 50 s"


def test_steps_close_one_progress_before_the_next_begins():
    stream, clock = io.StringIO(), Clock()
    labels = {"checked": ("Checking", "checked", "files"), "stored": ("Storing", "stored", "cases")}
    with Steps(labels, stream=stream, terminal=False, interval=5, clock=clock) as steps:
        assert steps.line() is None
        for done in range(1, 4):
            clock.now += 3.0
            steps("checked", done, 3)
        assert steps.line() == "checked 3 of 3 files"
        clock.now += 1.0
        steps("stored", 1, 2)
        assert steps.line() == "stored 1 of 2 cases"  # no estimate before any time has passed
    assert stream.getvalue().splitlines() == ["checked 3 of 3 files", "checked 3 of 3 files in 7 s", "stored 1 of 2 cases in 0 s"]


def test_durations_read_as_estimates():
    assert [duration(s) for s in (0, 40, 89, 180, 3899)] == ["0 s", "40 s", "1 min", "3 min", "1 h 5 min"]


def test_load_disputes_in_a_log_says_how_far_it_got(shared, tmp_path, monkeypatch):
    monkeypatch.setattr("wto_assist.progress.INTERVAL", 0.0)  # every row, so that the test needs no slow run
    result = CliRunner().invoke(main, ["load-disputes", str(shared / "data" / "disputes-ds1-624.jsonl"), "--db", str(tmp_path / "c.sqlite")])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("read ")]
    assert lines[0].startswith("read 1 of 624 lines") and lines[-1].startswith("read 624 of 624 lines in ")
    assert "\r" not in result.stderr  # no bar redrawn in a log
