"""How fast one replica sees what another did, measured against a running `make cluster` (scripts/bench-cluster.sh
runs it): a ticket created through replica A until similar-ticket search on replica B finds it, and a promotion
made through A until triage on B answers with the new champion. Prints one JSON object.

usage: cluster-propagation.py URL_A URL_B KEY VERSION VERSION [ROUNDS]   (two registered router versions)
"""
import json
import sys
import time
import urllib.parse
import urllib.request


def call(url, key, method="GET", body=None):
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def until(check, limit=30.0):
    """Seconds until check() is true (polled every 10 ms), or None after `limit`."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if check():
            return time.monotonic() - started
        time.sleep(0.01)
    return None


def main():
    a, b, key, versions = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:6]
    rounds = int(sys.argv[6]) if len(sys.argv) > 6 else 5
    stamp = int(time.time())
    ticket_seconds = []
    # Words no demo ticket has; found on B only through the vector B's index refresher embedded.
    texts = ["Our office parrot keeps reading the quarterly invoice totals out loud in Portuguese",
             "A hedgehog nested inside the server rack and chewed the fibre cable to the printer",
             "The espresso machine in reception now prints our shipping labels instead of coffee",
             "My cat walked across the keyboard and deleted the whole project folder",
             "Our warehouse forklift drove into the server room and cut the power"]
    queries = ["talking bird recites sums aloud", "small spiny animal damaged network wiring",
               "coffee maker outputs postage stickers", "pet feline stepped on keys and erased all files",
               "lifting truck crashed into the data centre causing a blackout"]
    for i in range(rounds):
        external = f"CLUSTER-{stamp}-{i}"
        call(a + "/v1/tickets", key, "POST", {"externalID": external, "subject": "Odd", "status": "resolved",
                                              "body": texts[i % len(texts)]})
        query = urllib.parse.quote(queries[i % len(queries)])
        ticket_seconds.append(until(lambda: external in json.dumps(call(f"{b}/v1/similar?k=5&q={query}", key))))

    text = "Since this morning nobody in our company can sign in through Okta, error ORB-SSO-01"
    def answering(url):
        return call(url + "/v1/triage", key, "POST", {"text": text})["modelVersion"]
    promotion_seconds = []
    for i in range(rounds):
        current = answering(b)
        other = next(v for v in versions if v != current)
        call(a + "/v1/models/promote", key, "POST", {"version": other, "force": True,
                                                       "reason": "cluster benchmark: propagation of a promotion"})
        promotion_seconds.append(until(lambda: answering(b) == other))

    def summary(values):
        found = [v for v in values if v is not None]
        return {"n": len(values), "missed": len(values) - len(found),
                "max_s": round(max(found), 3) if found else None,
                "median_s": round(sorted(found)[len(found) // 2], 3) if found else None,
                "each_s": [None if v is None else round(v, 3) for v in values]}
    print(json.dumps({"ticketOnAFoundBySimilarOnB": summary(ticket_seconds),
                      "promotionOnAAnsweredOnB": summary(promotion_seconds)}))


if __name__ == "__main__":
    main()
