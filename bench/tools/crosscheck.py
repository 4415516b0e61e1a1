#!/usr/bin/python3
"""Independent cross-check of the bench's expected answers with Debian's Python libraries
(icalendar + recurring_ical_events for time ranges, vobject for EMAIL), on a directory written by
bench/tools/export.ts. Prints the differences; exit status 1 when there are any.
Usage: /usr/bin/python3 bench/tools/crosscheck.py /tmp/bench-data
"""
import json
import os
import sys
from datetime import datetime, timezone

import icalendar
import recurring_ical_events
import vobject


def parse_utc(s):
    return datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)


def main(root):
    expected = json.load(open(os.path.join(root, "expected.json")))
    events = {}
    for name in sorted(os.listdir(os.path.join(root, "events"))):
        with open(os.path.join(root, "events", name), "rb") as f:
            events[name] = icalendar.Calendar.from_ical(f.read())
    bad = 0
    for label, r in expected["ranges"].items():
        start, end = parse_utc(r["start"]), parse_utc(r["end"])
        got = sorted(n for n, cal in events.items() if recurring_ical_events.of(cal).between(start, end))
        want = r["names"]
        missing = sorted(set(want) - set(got))
        extra = sorted(set(got) - set(want))
        print(f"{label}: model {len(want)}, recurring_ical_events {len(got)}; missing {missing[:5]}, extra {extra[:5]}")
        bad += len(missing) + len(extra)
    text = expected["email"]["text"].lower()
    got = []
    for name in sorted(os.listdir(os.path.join(root, "cards"))):
        with open(os.path.join(root, "cards", name), encoding="utf-8") as f:
            card = vobject.readOne(f.read())
        if any(text in e.value.lower() for e in card.contents.get("email", [])):
            got.append(name)
    want = expected["email"]["names"]
    print(f"email: model {len(want)}, vobject {len(got)}; differ {sorted(set(want) ^ set(got))[:5]}")
    bad += len(set(want) ^ set(got))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
