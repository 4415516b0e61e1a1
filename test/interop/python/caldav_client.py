#!/usr/bin/python3
"""
Drive a Kalends server with python-caldav (Debian's python3-caldav 0.11) the way an
application does, and print one JSON object with what the library saw. The TypeScript test
(test/interop/caldav-python.test.ts) asserts on it; this script asserts nothing itself, so one
failing step does not hide the others: each step records its result or its error.

Environment: KALENDS_URL (the server's root URL), KALENDS_USER, KALENDS_PASSWORD.
"""
import json
import os
import sys
import traceback
from datetime import datetime, timezone

try:
    import caldav
    from caldav.elements import dav
    from caldav.lib import error as caldav_error
except ImportError as e:  # the TS test turns this into a skip (or a failure under CI)
    print(json.dumps({"import_error": str(e)}))
    sys.exit(3)

URL = os.environ["KALENDS_URL"]
USER = os.environ["KALENDS_USER"]
PASSWORD = os.environ["KALENDS_PASSWORD"]

out = {"steps": {}, "errors": {}, "requests": []}

PARIS_TZ = """BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""

# Weekly on Thursdays 10:00 Paris, 6 instances: Mar 14, 21, 28 (CET, 09:00Z), Apr 4, 11, 18
# (CEST, 08:00Z; DST starts Sun Mar 31). Mar 21 is an EXDATE; Apr 4 is moved to Fri Apr 5
# 14:00 Paris (12:00Z).
WEEKLY = (
    "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Kalends interop//python-caldav//EN\n"
    + PARIS_TZ
    + """BEGIN:VEVENT
UID:weekly-sync@kalends.test
DTSTAMP:20240301T000000Z
SUMMARY:Weekly sync
DTSTART;TZID=Europe/Paris:20240314T100000
DTEND;TZID=Europe/Paris:20240314T110000
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=Europe/Paris:20240321T100000
END:VEVENT
BEGIN:VEVENT
UID:weekly-sync@kalends.test
DTSTAMP:20240301T000000Z
RECURRENCE-ID;TZID=Europe/Paris:20240404T100000
SUMMARY:Weekly sync (moved)
DTSTART;TZID=Europe/Paris:20240405T140000
DTEND;TZID=Europe/Paris:20240405T150000
END:VEVENT
END:VCALENDAR
"""
)

# Mon Mar 25 2024 15:00-15:30 Paris (CET) = 14:00-14:30Z.
DENTIST = (
    "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Kalends interop//python-caldav//EN\n"
    + PARIS_TZ
    + """BEGIN:VEVENT
UID:dentist@kalends.test
DTSTAMP:20240301T000000Z
SUMMARY:Dentist
DTSTART;TZID=Europe/Paris:20240325T150000
DTEND;TZID=Europe/Paris:20240325T153000
END:VEVENT
END:VCALENDAR
"""
)

# Wed May 1 2024 12:00-13:00Z: outside every searched range.
LUNCH = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Kalends interop//python-caldav//EN
BEGIN:VEVENT
UID:lunch@kalends.test
DTSTAMP:20240301T000000Z
SUMMARY:Lunch
DTSTART:20240501T120000Z
DTEND:20240501T130000Z
END:VEVENT
END:VCALENDAR
"""

NEW_EVENT = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Kalends interop//python-caldav//EN
BEGIN:VEVENT
UID:added-later@kalends.test
DTSTAMP:20240301T000000Z
SUMMARY:Added later
DTSTART:20240601T080000Z
DTEND:20240601T090000Z
END:VEVENT
END:VCALENDAR
"""

TODO_MILK = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Kalends interop//python-caldav//EN
BEGIN:VTODO
UID:buy-milk@kalends.test
DTSTAMP:20240301T000000Z
SUMMARY:Buy milk
DUE:20240402T170000Z
STATUS:NEEDS-ACTION
END:VTODO
END:VCALENDAR
"""

TODO_TAXES = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Kalends interop//python-caldav//EN
BEGIN:VTODO
UID:file-taxes@kalends.test
DTSTAMP:20240301T000000Z
SUMMARY:File taxes
DUE:20240515T170000Z
END:VTODO
END:VCALENDAR
"""

JOURNAL = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Kalends interop//python-caldav//EN
BEGIN:VJOURNAL
UID:retro@kalends.test
DTSTAMP:20240301T000000Z
DTSTART;VALUE=DATE:20240401
SUMMARY:Sprint retro notes
DESCRIPTION:Went well: the tests.
END:VJOURNAL
END:VCALENDAR
"""


def utc(*a):
    return datetime(*a, tzinfo=timezone.utc)


def step(name):
    """Run the decorated function now; record its return value or its error under `name`."""

    def run(fn):
        try:
            out["steps"][name] = fn()
        except Exception as e:  # recorded, asserted on by the TS side
            out["errors"][name] = "%s: %s\n%s" % (type(e).__name__, e, traceback.format_exc())
        return fn

    return run


def path_of(url):
    return str(caldav.lib.url.URL.objectify(url).path)


def ical_text(value):
    return value.to_ical().decode() if hasattr(value, "to_ical") else str(value)


def components(obj, kind):
    """(RECURRENCE-ID, DTSTART, SUMMARY) of each `kind` component, as the raw iCalendar text
    with any TZID parameter: the test checks instances are in UTC, as RFC 4791 §9.6.5 asks."""
    cal = obj.icalendar_instance
    res = []
    for c in cal.walk(kind):
        def prop(name):
            if name not in c:
                return None
            v = c[name]
            tzid = v.params.get("TZID") if hasattr(v, "params") else None
            return (("TZID=%s:" % tzid) if tzid else "") + ical_text(v)

        res.append({"recurrence_id": prop("RECURRENCE-ID"), "dtstart": prop("DTSTART"), "summary": str(c.get("SUMMARY", ""))})
    res.sort(key=lambda x: (x["dtstart"] or "", x["recurrence_id"] or ""))
    return res


def has_recurrence_rules(obj):
    return any(k in c for c in obj.icalendar_instance.walk("VEVENT") for k in ("RRULE", "EXDATE", "RDATE"))


client = caldav.DAVClient(url=URL, username=USER, password=PASSWORD, timeout=20)

# Log every HTTP exchange (a requests response hook, so 401 challenges and refused writes are
# in it too): method, path, status, ETag, and the exact body bytes of PUTs, so the test can
# compare what was sent with what Git stored.
def log_exchange(r, *args, **kwargs):
    req = r.request
    entry = {"method": req.method, "path": path_of(req.url), "status": r.status_code, "etag": r.headers.get("ETag")}
    if req.method == "PUT":
        body = req.body if isinstance(req.body, bytes) else (req.body or "").encode("utf-8")
        entry["body"] = body.decode("utf-8")
        entry["if_match"] = req.headers.get("If-Match")
        entry["if_none_match"] = req.headers.get("If-None-Match")
    if r.status_code == 401:
        entry["www_authenticate"] = r.headers.get("WWW-Authenticate")
    elif r.status_code >= 400:
        entry["error_body"] = r.text[:2000]
    out["requests"].append(entry)


client.session.hooks["response"].append(log_exchange)

state = {}


@step("discovery")
def _():
    principal = client.principal()
    state["principal"] = principal
    cals = principal.calendars()
    return {
        "principal": path_of(principal.url),
        "calendar_home": path_of(principal.calendar_home_set.url),
        "calendars": sorted(path_of(c.url) for c in cals),
        "dav": client.check_dav_support(),
    }


@step("make_calendars")
def _():
    p = state["principal"]
    work = p.make_calendar(name="Work", cal_id="work")
    tasks = p.make_calendar(name="Tasks", cal_id="tasks", supported_calendar_component_set=["VTODO"])
    journal = p.make_calendar(name="Journal", cal_id="journal", supported_calendar_component_set=["VJOURNAL"])
    state.update(work=work, tasks=tasks, journal=journal)
    cals = p.calendars()
    return {
        "calendars": sorted(path_of(c.url) for c in cals),
        "names": sorted(c.get_display_name() for c in cals),
        "components": {
            "work": sorted(work.get_supported_components()),
            "tasks": sorted(tasks.get_supported_components()),
            "journal": sorted(journal.get_supported_components()),
        },
    }


@step("save_events")
def _():
    work = state["work"]
    saved = [work.save_event(t) for t in (WEEKLY, DENTIST, LUNCH)]
    return {"urls": [path_of(e.url) for e in saved]}


@step("event_by_uid")
def _():
    e = state["work"].event_by_uid("dentist@kalends.test")
    return {"url": path_of(e.url), "summary": str(e.icalendar_component["SUMMARY"])}


@step("event_by_uid_missing")
def _():
    try:
        state["work"].event_by_uid("nope@kalends.test")
        return {"raised": None}
    except caldav_error.NotFoundError:
        return {"raised": "NotFoundError"}


@step("events")
def _():
    return sorted(path_of(e.url) for e in state["work"].events())


def search_summary(objs):
    return sorted(
        [{"url": path_of(o.url), "rules": has_recurrence_rules(o), "vevents": components(o, "VEVENT")} for o in objs],
        key=lambda x: x["url"],
    )


@step("date_search")
def _():
    objs = state["work"].date_search(start=utc(2024, 3, 20), end=utc(2024, 4, 12), expand=False)
    return search_summary(objs)


@step("search_no_expand")
def _():
    objs = state["work"].search(start=utc(2024, 3, 20), end=utc(2024, 4, 12), event=True, expand=False)
    return search_summary(objs)


@step("search_expand")
def _():
    # The library expands on the client when the server leaves RRULE/EXDATE in the answer, so
    # this shows the application's view; "search_expand_raw" shows the server's own answer.
    objs = state["work"].search(start=utc(2024, 3, 20), end=utc(2024, 4, 12), event=True, expand=True)
    return search_summary(objs)


@step("search_expand_raw")
def _():
    work = state["work"]
    xml, comp_class = work.build_search_xml_query(start=utc(2024, 3, 20), end=utc(2024, 4, 12), event=True, expand=True)
    return search_summary(work.search(xml=xml, comp_class=comp_class))


@step("date_search_expand")
def _():
    # date_search with an end expands (expand="maybe"), without splitting instances.
    return search_summary(state["work"].date_search(start=utc(2024, 3, 20), end=utc(2024, 4, 12)))


@step("search_moved_out")
def _():
    # Apr 4 08:00Z was an instance, but the override moved it to Apr 5: nothing on Apr 4.
    return search_summary(state["work"].search(start=utc(2024, 4, 4), end=utc(2024, 4, 5), event=True))


@step("search_moved_in")
def _():
    work = state["work"]
    xml, comp_class = work.build_search_xml_query(start=utc(2024, 4, 5), end=utc(2024, 4, 6), event=True, expand=True)
    return search_summary(work.search(xml=xml, comp_class=comp_class))


@step("search_exdate")
def _():
    # Mar 21 09:00Z is excluded; nothing else falls on that day.
    return search_summary(state["work"].search(start=utc(2024, 3, 21), end=utc(2024, 3, 22), event=True))


@step("search_text")
def _():
    # summary= becomes a prop-filter/text-match with collation i;octet (0.11's default): a
    # case-sensitive substring match.
    work = state["work"]
    return {
        "Dent": sorted(path_of(o.url) for o in work.search(summary="Dent", event=True)),
        "dent": sorted(path_of(o.url) for o in work.search(summary="dent", event=True)),
        "sync": sorted(path_of(o.url) for o in work.search(summary="sync", event=True)),
    }


@step("object_by_uid_any_type")
def _():
    # No component type: the library's first query has the UID prop-filter at VCALENDAR level
    # (matches nothing per RFC 4791 §9.7.2), then it retries per component type.
    o = state["work"].object_by_uid("lunch@kalends.test")
    return {"url": path_of(o.url), "class": type(o).__name__}


@step("rename_calendar")
def _():
    work = state["work"]
    work.set_properties([dav.DisplayName("Work (renamed)")])
    found = state["principal"].calendar(name="Work (renamed)")
    return {"displayname": work.get_display_name(), "found": path_of(found.url)}


@step("multiget")
def _():
    work = state["work"]
    base = work.url
    urls = [base.join("dentist%40kalends.test.ics"), base.join("lunch%40kalends.test.ics"), base.join("missing.ics")]
    got = work.calendar_multiget(urls)
    return sorted(
        [{"url": path_of(e.url), "summary": (str(e.icalendar_component["SUMMARY"]) if e.data else None)} for e in got],
        key=lambda x: x["url"],
    )


@step("freebusy")
def _():
    fb = state["work"].freebusy_request(utc(2024, 3, 20), utc(2024, 4, 12))
    comp = fb.icalendar_instance.walk("VFREEBUSY")[0]
    periods = comp.get("FREEBUSY", [])
    if not isinstance(periods, list):
        periods = [periods]
    return sorted(ical_text(p) for p in periods)


@step("sync_initial")
def _():
    objs = state["work"].objects(load_objects=True)
    state["synced"] = objs
    state["token0"] = objs.sync_token
    return {"token": objs.sync_token, "urls": sorted(path_of(o.url) for o in objs)}


@step("edit_event")
def _():
    # The application flow: fetch, change a property, save (a plain PUT: the library sends no If-Match).
    e = state["work"].event_by_uid("dentist@kalends.test")
    e.icalendar_component["SUMMARY"] = "Dentist (rescheduled)"
    e.save()
    again = state["work"].event_by_uid("dentist@kalends.test")
    return {"summary": str(again.icalendar_component["SUMMARY"])}


@step("add_and_delete")
def _():
    work = state["work"]
    added = work.save_event(NEW_EVENT)
    work.event_by_uid("lunch@kalends.test").delete()
    try:
        work.event_by_uid("lunch@kalends.test")
        gone = False
    except caldav_error.NotFoundError:
        gone = True
    return {"added": path_of(added.url), "lunch_gone": gone}


@step("sync_delta")
def _():
    delta = state["work"].objects_by_sync_token(state["token0"])
    return {"token": delta.sync_token, "urls": sorted(path_of(o.url) for o in delta)}


@step("sync_collection_object")
def _():
    updated, deleted = state["synced"].sync()
    after = state["work"].objects_by_sync_token(state["synced"].sync_token)
    return {
        "updated": sorted(path_of(o.url) for o in updated),
        "deleted": sorted(path_of(o.url) for o in deleted),
        "now": sorted(path_of(u) for u in state["synced"].objects_by_url().keys()),
        "empty_delta": sorted(path_of(o.url) for o in after),
    }


@step("if_match")
def _():
    # What an application does to avoid lost updates: PUT with the ETag it read (the
    # library's own save() sends none), then the same stale ETag again.
    work = state["work"]
    e = work.event_by_uid("dentist@kalends.test")
    e.load()
    etag = e.props[dav.GetEtag.tag]
    headers = {"Content-Type": 'text/calendar; charset="utf-8"'}
    body = e.data.replace("SUMMARY:Dentist (rescheduled)\n", "SUMMARY:Dentist (room 2)\n", 1)
    ok = client.put(e.url, body, dict(headers, **{"If-Match": etag}))
    stale = client.put(e.url, body.replace("(room 2)", "(room 3)"), dict(headers, **{"If-Match": etag}))
    create_existing = client.put(e.url, body, dict(headers, **{"If-None-Match": "*"}))
    e.load()
    return {
        "etag_before": etag,
        "ok": ok.status,
        "etag_after": ok.headers.get("ETag"),
        "stale": stale.status,
        "if_none_match_existing": create_existing.status,
        "summary": str(e.icalendar_component["SUMMARY"]),
        "etag_loaded": e.props[dav.GetEtag.tag],
    }


@step("todos")
def _():
    tasks = state["tasks"]
    milk = tasks.save_todo(TODO_MILK)
    tasks.save_todo(TODO_TAXES)
    pending = sorted(str(t.icalendar_component["SUMMARY"]) for t in tasks.todos())
    milk = tasks.todo_by_uid("buy-milk@kalends.test")
    milk.complete(completion_timestamp=utc(2024, 4, 1, 18, 30))
    after = sorted(str(t.icalendar_component["SUMMARY"]) for t in tasks.todos())
    every = sorted(str(t.icalendar_component["SUMMARY"]) for t in tasks.todos(include_completed=True))
    done = tasks.todo_by_uid("buy-milk@kalends.test").icalendar_component
    return {
        "pending": pending,
        "pending_after_complete": after,
        "all": every,
        "status": str(done["STATUS"]),
        "completed": ical_text(done["COMPLETED"]),
    }


@step("event_in_tasks_calendar")
def _():
    try:
        state["tasks"].save_event(NEW_EVENT.replace("added-later", "wrong-calendar"))
        return {"raised": None}
    except (caldav_error.PutError, caldav_error.AuthorizationError) as e:
        # 0.11 turns every 403 into AuthorizationError; the request log holds the status.
        return {"raised": type(e).__name__}


@step("journals")
def _():
    journal = state["journal"]
    journal.save_journal(JOURNAL)
    js = journal.journals()
    return {"summaries": [str(j.icalendar_component["SUMMARY"]) for j in js], "urls": [path_of(j.url) for j in js]}


@step("delete_calendar")
def _():
    p = state["principal"]
    extra = p.make_calendar(name="Scratch", cal_id="scratch")
    extra.delete()
    return sorted(path_of(c.url) for c in p.calendars())


print(json.dumps(out, indent=1))
