#!/usr/bin/env python3
"""A seeded website day for visit attribution (README "Visit attribution"), with ground truth.

Writes website-day/: the Asterisk Master.csv of the day's calls (one row per call: the trunk
dials agent 201-204 straight, context from-trunk; outbound calls from the agents, context
from-internal), the visits the site's DNI script logged (visits.csv in UTC, visits-app.ndjson
with +03:00 offsets, as a second script in another zone writes them), costs.csv,
campaigns.yaml (the pool and a static radio number), and the ground truth:
expected-calls.ndjson (the attribution of each call under --touch first and --touch last) and
expected-report.json (every figure of report --view attribution --by utm_source).

The DNI script is simulated: a visit takes a number that no one holds (the one free longest),
or, when the pool is exhausted, the number whose holder arrived first (the overlap that makes
calls ambiguous). A visitor who calls dials the number they hold; some call back hours later
on the same number (repeat callers); a few people dial a pool number no one holds; others dial
the radio number. The ground truth is the simulation's state at each call (who holds the
number), computed here from the simulation, not by callscope's rules.

Run: python3 attribution-samples/generate.py [--seed N] (deterministic; standard library only).
"""
import argparse, csv, json, os, random
from datetime import datetime, timedelta, timezone

LONDON = timezone(timedelta(hours=1))  # 2026-06-10 is in BST
MOSCOW = timezone(timedelta(hours=3))
DAY = datetime(2026, 6, 10, tzinfo=LONDON)
POOL = ["+4420794605%02d" % i for i in range(8)]
RADIO = "+442079460900"
TTL = timedelta(minutes=30)
QUALIFIED_S = 60
VALUE = 50.0          # --value: a qualified visit call
RADIO_REVENUE = 80.0  # revenue_per_qualified of the radio campaign
SOURCES = [  # source, medium, campaigns, keywords, click id kind, weight
    ("google", "cpc", ["brand", "generic"], ["dentist london", "emergency dentist", "teeth whitening"], "gclid", 5),
    ("yandex", "cpc", ["ru-expats"], ["стоматолог лондон"], "yclid", 2),
    ("facebook", "paid_social", ["summer"], [None], "fbclid", 2),
    ("newsletter", "email", ["june"], [None], None, 1),
    ("direct", None, [None], [None], None, 2),
]
PAGES = ["https://example.com/", "https://example.com/whitening", "https://example.com/emergency?a=1,2"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "website-day"))
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)

    # Visits: more at lunch time, so the pool of 8 is too small around 12:00-13:00.
    visits = []
    t = DAY.replace(hour=8)
    while t < DAY.replace(hour=19):
        busy = DAY.replace(hour=12) <= t < DAY.replace(hour=13)
        t += timedelta(seconds=rnd.randint(120, 300) if busy else rnd.randint(300, 900))
        source = rnd.choices(SOURCES, weights=[s[5] for s in SOURCES])[0]
        visit = {
            "visitor_id": "v%03d" % len(visits), "assigned_at": t,
            "last_activity_at": t + timedelta(seconds=rnd.randint(30, 900)),
            "source": source[0], "medium": source[1], "campaign": rnd.choice(source[2]),
            "keyword": rnd.choice(source[3]), "landing_page": rnd.choice(PAGES),
            "click_kind": source[4], "click_id": ("%s-%06d" % (source[4], rnd.randint(0, 999999))) if source[4] else None,
        }
        if rnd.random() < 0.3:
            visit["released_at"] = visit["last_activity_at"] + timedelta(seconds=rnd.randint(0, 120))
        visit["end"] = visit.get("released_at") or visit["last_activity_at"] + TTL
        visits.append(visit)

    # The DNI script: a free number (free longest), else the one whose current holder came first.
    assignments = {n: [] for n in POOL}
    for visit in visits:
        at = visit["assigned_at"]
        free = [n for n in POOL if all(v["end"] < at for v in assignments[n])]
        if free:
            number = min(free, key=lambda n: (max([v["end"] for v in assignments[n]], default=DAY), POOL.index(n)))
        else:
            number = min(POOL, key=lambda n: max(v["assigned_at"] for v in assignments[n] if v["end"] >= at))
        visit["number"] = number
        assignments[number].append(visit)

    def holders(number, t):
        return sorted((v for v in assignments.get(number, []) if v["assigned_at"] <= t <= v["end"]), key=lambda v: v["assigned_at"])

    def own(number, t):
        if number == RADIO:
            return {"attribution": "static", "visitor_id": None, "utm_source": "radio", "utm_medium": None,
                    "utm_campaign": "Radio June", "keyword": None, "landing_page": None, "click_id": None, "ambiguous": False}
        held = holders(number, t)
        if not held:
            return {"attribution": "none", "visitor_id": None, "utm_source": None, "utm_medium": None, "utm_campaign": None,
                    "keyword": None, "landing_page": None, "click_id": None, "ambiguous": False}
        v = held[-1]
        return {"attribution": "pool", "visitor_id": v["visitor_id"], "utm_source": v["source"], "utm_medium": v["medium"],
                "utm_campaign": v["campaign"], "keyword": v["keyword"], "landing_page": v["landing_page"],
                "click_id": v["click_id"], "ambiguous": len(held) > 1}

    # Calls: a third of the visitors call while they hold their number; a fifth of those again later.
    calls = []
    phone = iter(range(100, 10000))
    for visit in visits:
        if rnd.random() < 0.4:
            caller = "+447700900%03d" % next(phone) if rnd.random() < 0.9 else "07700 900%03d" % next(phone)
            span = int((visit["end"] - visit["assigned_at"]).total_seconds())
            at = visit["assigned_at"] + timedelta(seconds=rnd.randint(0, max(0, span - 1)))
            calls.append({"caller": caller, "dialed": visit["number"], "start": at})
            if rnd.random() < 0.2:
                calls.append({"caller": caller, "dialed": visit["number"], "start": at + timedelta(seconds=rnd.randint(3600, 4 * 3600))})
    for _ in range(8):  # radio listeners
        calls.append({"caller": "+447700901%03d" % next(phone), "dialed": RADIO,
                      "start": DAY.replace(hour=9) + timedelta(seconds=rnd.randint(0, 9 * 3600))})
    pool_left = 0
    while pool_left < 3:  # someone dials a pool number no one holds
        number, at = rnd.choice(POOL), DAY.replace(hour=8) + timedelta(seconds=rnd.randint(0, 12 * 3600))
        if not holders(number, at):
            calls.append({"caller": "+447700902%03d" % next(phone), "dialed": number, "start": at})
            pool_left += 1
    for _ in range(3):  # agents calling out: neither attributed nor counted
        calls.append({"caller": "20%d" % rnd.randint(1, 4), "dialed": "0161496%04d" % next(phone), "start": DAY.replace(hour=15) + timedelta(seconds=rnd.randint(0, 7200)), "outbound": True})
    calls.sort(key=lambda c: c["start"])

    rows, expected = [], []
    first_touch, seen = {}, set()
    for i, call in enumerate(calls):
        uid = "1781%06d.%d" % (i * 37 + 1000, i)
        answered = rnd.random() < 0.8
        ring = rnd.randint(3, 20)
        talk = rnd.randint(10, 400) if answered else 0
        start = call["start"]
        answer = start + timedelta(seconds=ring) if answered else None
        end = (answer + timedelta(seconds=talk)) if answered else start + timedelta(seconds=20)
        outbound = call.get("outbound", False)
        agent = "20%d" % rnd.randint(1, 4)
        fmt = lambda d: d.astimezone(LONDON).strftime("%Y-%m-%d %H:%M:%S")
        rows.append(["", call["caller"], call["dialed"], "from-internal" if outbound else "from-trunk",
                     '"%s" <%s>' % (call["caller"], call["caller"]),
                     ("SIP/%s-%08x" % (call["caller"], i)) if outbound else "SIP/siptrunk-%08x" % i,
                     "SIP/siptrunk-%08x" % (i + 1000) if outbound else "SIP/%s-%08x" % (agent, i + 1000),
                     "Dial", "SIP/%s,,t" % agent, fmt(start), fmt(answer) if answer else "", fmt(end),
                     int((end - start).total_seconds()), talk, "ANSWERED" if answered else "NO ANSWER", "DOCUMENTATION",
                     uid, "", "", uid, 300 + i])
        key = call["caller"].replace(" ", "")
        if outbound:
            last = first = {"attribution": "none", "visitor_id": None, "utm_source": None, "utm_medium": None, "utm_campaign": None,
                            "keyword": None, "landing_page": None, "click_id": None, "ambiguous": False}
        else:
            last = own(call["dialed"], start)
            first = first_touch.get(key, last)
            if key not in first_touch and last["attribution"] != "none":
                first_touch[key] = last
        expected.append({"call_id": uid, "caller": call["caller"], "dialed": call["dialed"], "start": start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                         "outbound": outbound, "first_time": not outbound and key not in seen, "answered": answered,
                         "qualified": answered and talk >= QUALIFIED_S, "touch_first": first, "touch_last": last})
        if not outbound:
            seen.add(key)

    with open(os.path.join(args.out, "master.csv"), "w", newline="") as f:
        csv.writer(f, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(rows)

    # Visits: the first two thirds logged in UTC (CSV), the rest by a script on Moscow time (ndjson).
    split = len(visits) * 2 // 3
    def iso(d, zone):
        return d.astimezone(zone).isoformat(timespec="seconds").replace("+00:00", "Z")
    with open(os.path.join(args.out, "visits.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["number", "visitor_id", "assigned_at", "released_at", "last_activity_at", "utm_source", "utm_medium",
                    "utm_campaign", "utm_term", "landing_page", "gclid", "yclid", "fbclid"])
        for v in visits[:split]:
            clicks = [v["click_id"] if v["click_kind"] == k else "" for k in ("gclid", "yclid", "fbclid")]
            w.writerow([v["number"], v["visitor_id"], iso(v["assigned_at"], timezone.utc),
                        iso(v["released_at"], timezone.utc) if "released_at" in v else "", iso(v["last_activity_at"], timezone.utc),
                        v["source"], v["medium"] or "", v["campaign"] or "", v["keyword"] or "", v["landing_page"]] + clicks)
    with open(os.path.join(args.out, "visits-app.ndjson"), "w") as f:
        for v in visits[split:]:
            row = {"number": v["number"], "visitor_id": v["visitor_id"], "assigned_at": iso(v["assigned_at"], MOSCOW),
                   "last_activity_at": iso(v["last_activity_at"], MOSCOW), "source": v["source"], "medium": v["medium"],
                   "campaign": v["campaign"], "keyword": v["keyword"], "landing_page": v["landing_page"], "click_id": v["click_id"]}
            if "released_at" in v:
                row["released_at"] = iso(v["released_at"], MOSCOW)
            f.write(json.dumps({k: x for k, x in row.items() if x is not None}, ensure_ascii=False) + "\n")

    costs = [("2026-06-10", "google", "cpc", "", 120.0), ("2026-06-10", "google", "cpc", "brand", 30.0),
             ("2026-06-10", "yandex", "", "", 80.0), ("2026-06-10", "facebook", "paid_social", "summer", 60.0),
             ("2026-06-10", "radio", "", "", 300.0), ("2026-06-10", "", "", "", 25.0), ("2026-06-09", "google", "cpc", "", 999.0)]
    with open(os.path.join(args.out, "costs.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "source", "medium", "campaign", "cost"])
        w.writerows(costs)
    with open(os.path.join(args.out, "campaigns.yaml"), "w") as f:
        f.write("# The website's pool and the radio number (attribution-samples/generate.py).\n")
        f.write("campaigns:\n  - name: Radio June\n    numbers: [\"%s\"]\n    channel: radio\n    revenue_per_qualified: %g\n" % (RADIO, RADIO_REVENUE))
        f.write("pools:\n  - name: website\n    numbers: [%s]\n    ttl: 30m\n" % ", ".join('"%s"' % n for n in POOL))
    with open(os.path.join(args.out, "expected-calls.ndjson"), "w") as f:
        for e in expected:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")

    # report --view attribution --by utm_source --value 50 --costs costs.csv --from 2026-06-10 --to 2026-06-11
    groups = {}
    inbound = [e for e in expected if not e["outbound"]]
    for e in inbound:
        a = e["touch_first"]
        key = "(unattributed)" if a["attribution"] == "none" else (a["utm_source"] or "(none)")
        g = groups.setdefault(key, {"calls": 0, "first_time_callers": 0, "answered": 0, "qualified_calls": 0, "revenue": None})
        g["calls"] += 1; g["first_time_callers"] += e["first_time"]; g["answered"] += e["answered"]
        if e["qualified"]:
            g["qualified_calls"] += 1
            value = RADIO_REVENUE if a["attribution"] == "static" else (VALUE if a["attribution"] == "pool" else None)
            if a["attribution"] == "none":
                value = VALUE
            g["revenue"] = (g["revenue"] or 0) + value
    day_costs = [c for c in costs if c[0] == "2026-06-10"]
    def row(name, g, cost):
        calls = g["calls"]; q = g["qualified_calls"]
        roi = ((g["revenue"] or 0) - cost) / cost if cost and g["revenue"] is not None else None
        return {"utm_source": name, "calls": calls, "first_time_callers": g["first_time_callers"], "answered": g["answered"],
                "qualified_calls": q, "conversion": round(q / calls, 4) if calls else None, "cost": cost,
                "cost_per_call": round(cost / calls, 2) if cost is not None and calls else None,
                "cost_per_qualified": round(cost / q, 2) if cost is not None and q else None,
                "revenue": g["revenue"], "roi": round(roi, 4) if roi is not None else None,
                "share": round(calls / len(inbound), 4)}
    keys = sorted(k for k in groups if not k.startswith("("))
    rows_out = [row(k, groups[k], sum(c[4] for c in day_costs if c[1] == k)) for k in keys]
    if "(none)" in groups:
        rows_out.append(row("(none)", groups["(none)"], None))
    empty = {"calls": 0, "first_time_callers": 0, "answered": 0, "qualified_calls": 0, "revenue": None}
    rows_out.append(row("(unattributed)", groups.get("(unattributed)", empty), None))
    total = {k: sum(g[k] for g in groups.values()) for k in ("calls", "first_time_callers", "answered", "qualified_calls")}
    revenues = [g["revenue"] for g in groups.values() if g["revenue"] is not None]
    total["revenue"] = sum(revenues) if revenues else None
    rows_out.append(row("all", total, sum(c[4] for c in day_costs)))
    attributed = [e for e in inbound if e["touch_first"]["attribution"] != "none"]
    # Exhaustion: every pool number held (by the simulation's own holders).
    events = sorted([(v["assigned_at"], 0, v) for v in visits] + [(v["end"], 1, v) for v in visits], key=lambda x: (x[0], x[1]))
    held, active, peak, peak_at, intervals, opened = {}, 0, 0, None, [], None
    for when, kind, v in events:
        if kind == 0:
            active += 1
            if active > peak:
                peak, peak_at = active, when
            held[v["number"]] = held.get(v["number"], 0) + 1
            if len([n for n in held if held[n] > 0]) == len(POOL) and opened is None:
                opened = when
        else:
            active -= 1
            held[v["number"]] -= 1
            if held[v["number"]] == 0 and opened is not None:
                intervals.append((opened, when)); opened = None
    utc = lambda d: d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    report = {"by": "utm_source", "rows": rows_out,
              "attributed_share": round(len(attributed) / len(inbound), 4),
              "pool_calls": sum(e["touch_first"]["attribution"] == "pool" for e in inbound),
              "static_calls": sum(e["touch_first"]["attribution"] == "static" for e in inbound),
              "unattributed_pool_calls": sum(e["touch_first"]["attribution"] == "none" and e["dialed"] in POOL for e in inbound),
              "ambiguous_calls": sum(e["touch_first"]["ambiguous"] for e in inbound),
              "pool_exhaustion": [{"pool": "website", "size": len(POOL), "peak_concurrent": peak, "peak_at": utc(peak_at),
                                   "size_to_avoid": peak + 1 if intervals else None,
                                   "intervals": [{"from": utc(a), "to": utc(b)} for a, b in intervals]}]}
    with open(os.path.join(args.out, "expected-report.json"), "w") as f:
        json.dump(report, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("%d visits, %d calls (%d ambiguous, %d unattributed pool), %d exhaustion intervals, peak %d"
          % (len(visits), len(calls), report["ambiguous_calls"], report["unattributed_pool_calls"], len(intervals), peak))


if __name__ == "__main__":
    main()
