"""Progress of a long command: one line updating in place on a terminal, nothing elsewhere.

Built on tqdm, which draws the line (count, rate, time left) and stays silent when the stream
it writes to is not a terminal: a command run by cron, a script or a test writes no progress
into the logs it leaves. The line goes to standard error, so standard output keeps only the
command's result::

    for row in progress(rows, total=count, desc="agreements", stream=self.stderr):
        ...

    with progress(total=size, desc="backup", unit="B", unit_scale=True, stream=self.stderr) as bar:
        for chunk in chunks:
            ...
            bar.update(len(chunk))
"""

import sys

from tqdm import tqdm


def raw_stream(stream=None):
    """The stream under a command's ``self.stderr``; standard error by default.

    Django's wrapper ends every write with a new line, which would break a line that is
    redrawn in place with a carriage return.
    """
    stream = sys.stderr if stream is None else stream
    return getattr(stream, "_out", stream)


def on_terminal(stream=None):
    stream = raw_stream(stream)
    return bool(getattr(stream, "isatty", None) and stream.isatty())


def progress(iterable=None, *, total=None, desc=None, unit="row", stream=None, **options):
    """A tqdm bar on ``stream`` (standard error by default), drawn only on a terminal.

    ``options`` go to tqdm as they are (``unit_scale``, ``bar_format``…).
    """
    options.setdefault("mininterval", 0.5)  # redrawn twice a second at most, however fast
    return tqdm(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        file=raw_stream(stream),
        disable=not on_terminal(stream),
        dynamic_ncols=True,
        **options,
    )


# For steps that report nothing until they are done (an import's transaction, a database dump):
# which step runs, and for how long.
STEP_LINE = "{desc} ({elapsed})"


class Steps:
    """A line naming the step a command is at, drawn as each step starts and, with the time
    the steps took, when they are done::

    with Steps(2, stream=self.stderr) as steps:
        steps.start("Reading the file")
        ...
        steps.start("Importing its rows")
        ...
    """

    def __init__(self, total, stream=None):
        self.line = progress(total=total, bar_format=STEP_LINE, stream=stream, mininterval=1)
        self.started = False

    def start(self, text):
        """The previous step is done; ``text`` names the one starting."""
        if self.started:
            self.line.update()
        self.started = True
        self.line.set_description_str(text)

    def __enter__(self):
        return self

    def __exit__(self, error_type, error, traceback):
        if self.started and error_type is None:
            self.line.update()
        self.line.close()
