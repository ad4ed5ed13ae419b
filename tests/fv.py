#!/usr/bin/python3
"""fv.py FEEDFILE [BASE_URL]: run the W3C feed validator on a local file.

The validator's source tree is found in $FEEDVALIDATOR (default
/tmp/fv/src); it is imported, never copied into this repository.  The file
is validated as if it had been fetched from BASE_URL, so that a self link
pointing there matches.  Every event is printed with its line, column,
level and class name (the validator's "Valid..." success notes only
with FV_VERBOSE=1).  Exit status: 0 clean (Info events only), 1 any
error or warning, 2 usage, 77 the validator is not available.
"""
import os
import sys


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write("usage: fv.py FEEDFILE [BASE_URL]\n")
        return 2
    path = argv[1]
    base = argv[2] if len(argv) == 3 else ""
    src = os.environ.get("FEEDVALIDATOR", "/tmp/fv/src")
    sys.path.insert(0, src)
    try:
        import feedvalidator
        from feedvalidator.logging import Error, Warning
        from feedvalidator.formatter.text_plain import Formatter
    except Exception as e:  # missing tree or missing dependency
        sys.stderr.write("fv.py: feedvalidator not available: %s\n" % e)
        return 77
    try:
        with open(path, "rb") as f:
            res = feedvalidator.validateStream(f, firstOccurrenceOnly=0,
                                               base=base)
    except feedvalidator.logging.ValidationFailure as vf:
        res = {"feedType": None, "loggedEvents": [vf.event]}
    except OSError as e:
        sys.stderr.write("fv.py: %s: %s\n" % (path, e))
        return 2
    events = res["loggedEvents"]
    fmt = Formatter(events)
    bad = 0
    for ev in events:
        if isinstance(ev, Error):
            level = "error"
            bad += 1
        elif isinstance(ev, Warning):
            level = "warning"
            bad += 1
        else:
            level = "info"
            if (ev.__class__.__name__.startswith("Valid") and
                    os.environ.get("FV_VERBOSE") != "1"):
                continue
        print("%s:%s:%s: %s: %s [%s]" % (path, ev.params.get("line", 0),
              ev.params.get("column", 0), level, fmt.format(ev).strip(),
              ev.__class__.__name__))
    print("%s: feed type %s, %d events, %d errors or warnings"
          % (path, res.get("feedType"), len(events), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
