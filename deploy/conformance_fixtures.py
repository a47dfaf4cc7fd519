#!/usr/bin/env python3
"""Puts partnerships at several stages of their lifecycle, a dismissal, a webhook and a call in front of a conformance run.

The demo data has organizations and projects but no partnerships, so without these every
partnership operation would only ever see ids that name nothing. Through the public API, as an
admin, it proposes partnerships between the NGO's open projects, the given businesses and the
akimat, and moves them on: one stays proposed, one goes under review, one is approved and one
is active. A triple that is still open from an earlier call is left as it is (409), so calling it
before each run tops up what the previous run withdrew, rejected or cancelled; a party that an
earlier run deactivated is refused too, and is only counted.

Usage: conformance_fixtures.py BASE_URL ADMIN_TOKEN NGO_ID AKIMAT_ID BUSINESS_ID [BUSINESS_ID...]
"""
import json
import sys
import urllib.error
import urllib.request


def call(base, token, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    base, token, ngo, akimat, *businesses = sys.argv[1:]
    status, page = call(base, token, "GET", f"/v1/projects?organization_id={ngo}&status=open&limit=100")
    if status != 200:
        sys.exit(f"listing the NGO's projects answered {status}: {page}")
    projects = [item["id"] for item in page["items"]]
    if not projects:
        sys.exit("the NGO has no open project")
    # A webhook of the NGO's, so that the partnerships below queue deliveries for the delivery
    # operations to meet (the service runs with ASAR_WEBHOOKS_SEND=0: nothing is sent). An
    # earlier run may have filled the NGO's ten (422) or be the one whose webhook this is.
    hook, _ = call(base, token, "POST", f"/v1/organizations/{ngo}/webhooks", {"url": "http://127.0.0.1:9/conformance"})
    if hook not in (201, 409, 422):
        sys.exit(f"registering a webhook for the NGO answered {hook}")
    # (project, business, moves after proposing)
    plans = [
        (projects[0], businesses[0], []),
        (projects[1 % len(projects)], businesses[0], ["consent"]),
        (projects[2 % len(projects)], businesses[0], ["consent", "approve", "activate"]),
        (projects[0], businesses[-1], ["consent", "approve"]),
    ]
    made, refused, interrupted = 0, 0, 0
    for project, business, moves in plans:
        status, body = call(base, token, "POST", "/v1/partnerships", {
            "project_id": project, "business_id": business, "government_body_id": akimat,
            "pledge_kzt": 500_000, "in_kind": ["conformance fixture"],
        })
        if status in (409, 422):
            # Still open from an earlier call (409), or a party an earlier run deactivated or
            # suspended (409, 422): a run may deactivate its own organization.
            refused += 1
            continue
        if status != 201:
            sys.exit(f"proposing a partnership answered {status}: {body}")
        partnership = body["id"]
        for move in moves:
            status, body = call(base, token, "POST", f"/v1/partnerships/{partnership}/{move}")
            if status in (409, 422):
                # The other lane's run moved, withdrew or deactivated it meanwhile: a documented answer.
                interrupted += 1
                break
            if status != 200:
                sys.exit(f"{move} answered {status}: {body}")
        made += 1
    # A dismissal for the NGO, so that listing and undoing dismissals meet one (PUT is idempotent,
    # so topping it up before each run is safe; a run may have undone it). The second business is
    # dismissed: the partnerships above do not depend on the NGO's match lists.
    status, body = call(base, token, "PUT", f"/v1/organizations/{ngo}/dismissals/{businesses[-1]}",
                        {"reason": "conformance fixture"})
    if status not in (200, 201):
        sys.exit(f"dismissing a business for the NGO answered {status}: {body}")
    # A published call of the akimat's, open until 2099, with the business's pledge to it, so the
    # call, pledge and application operations meet one that takes them.
    _, body = call(base, token, "GET", f"/v1/organizations/{akimat}")
    territory = body.get("jurisdiction") if isinstance(body, dict) else None
    call_status, made_call = call(base, token, "POST", "/v1/calls", {
        "government_body_id": akimat, "title": {"en": "Conformance call"}, "territory": territory,
        "state_budget_kzt": 10_000_000, "min_grant_kzt": 100_000, "max_grant_kzt": 5_000_000, "pass_mark": 50,
        "opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z",
        "reviews_due_at": "2099-02-01T00:00:00Z", "results_at": "2099-03-01T00:00:00Z",
        "questions": [{"text": {"en": "Who benefits?"}}], "criteria": [{"name": {"en": "Need"}, "weight": 1, "scale_max": 5}],
    })
    if call_status != 201:
        sys.exit(f"creating a call answered {call_status}: {made_call}")
    published, _ = call(base, token, "POST", f"/v1/calls/{made_call['id']}/publish")
    pledged, _ = call(base, token, "POST", f"/v1/calls/{made_call['id']}/pledges",
                      {"amount_kzt": 100_000, "business_id": businesses[0]})
    if published != 200 or pledged not in (201, 403, 422):
        sys.exit(f"publishing the call answered {published}, pledging to it {pledged}")
    print(f"fixtures: {made} partnerships made, {refused} refused (still open, or a party deactivated),"
          f" {interrupted} moved on by another run; a dismissal ({status}); a webhook ({hook}); a call (pledge {pledged})")


if __name__ == "__main__":
    main()
