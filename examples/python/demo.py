"""Demo: token -> customer -> register for its events -> add a favorite over the bridge -> its CloudEvent -> list.

Env: SERVICE_URL (http://localhost:8000), BRIDGE_HOST (127.0.0.1), BRIDGE_PORT (7000), API_TOKEN (default: the
file .run/api-token that `make run` writes), PRODUCT_ID (a product of the catalog).
"""
import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bridge import Bridge  # noqa: E402

SERVICE_URL = os.environ.get("SERVICE_URL", "http://localhost:8000")
BRIDGE_HOST = os.environ.get("BRIDGE_HOST", "127.0.0.1")
BRIDGE_PORT = int(os.environ.get("BRIDGE_PORT", "7000"))
PRODUCT_ID = os.environ.get("PRODUCT_ID", "db510669-a6b8-46b4-80d5-d015da6e0eb5")
EVENT_TIMEOUT_SECONDS = 15


def api_token():
    token = os.environ.get("API_TOKEN")
    if token:
        return token
    with open(".run/api-token", encoding="utf-8") as f:
        return f.read().strip()


def post(path, body, jwt=None):
    headers = {"content-type": "application/json"}
    if jwt:
        headers["authorization"] = f"Bearer {jwt}"
    req = urllib.request.Request(SERVICE_URL + path, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"POST {path}: {e.code} {e.read().decode()}") from None


def main():
    key = api_token()
    admin = post("/v1/auth/token", {"token": key})["access_token"]
    print("1. admin token issued")
    email = f"python-demo-{int(time.time() * 1000)}-{random.randrange(10**6)}@example.com"
    customer = post("/v1/customers", {"name": "Python Demo", "email": email}, admin)
    print(f"2. customer created: {customer['id']}")
    token = post("/v1/auth/token", {"token": key, "customerId": customer["id"]})["access_token"]
    print("3. customer token issued")

    bridge = Bridge(BRIDGE_HOST, BRIDGE_PORT)
    received = threading.Event()
    event = {}

    def on_event(ce):
        if ce.get("type") == "com.favoriteproducts.favorite.added" and ce["data"]["productId"] == PRODUCT_ID:
            event.update(ce)
            received.set()

    address = f"favorites.events.{customer['id']}"
    bridge.register(address, token, on_event)
    print(f"4. registered on {address}")

    added = bridge.request("favorites.add", {"customerId": customer["id"], "productId": PRODUCT_ID}, token)
    job = f" (job {added['job']['jobId']})" if "job" in added else ""
    print(f"5. favorites.add answered: {added['state']}{job}")

    if not received.wait(EVENT_TIMEOUT_SECONDS):
        raise RuntimeError(f"no favorite.added event within {EVENT_TIMEOUT_SECONDS} s")
    print(f"6. event received: {event['type']} {event['data']['productId']} (id {event['id']}, time {event['time']})")

    page = bridge.request("favorites.list", {"customerId": customer["id"]}, token)
    ids = [item["productId"] for item in page["items"]]
    print(f"7. favorites.list: {', '.join(ids)}")
    bridge.close()
    if PRODUCT_ID not in ids:
        raise RuntimeError(f"the list does not show {PRODUCT_ID}")
    print("done")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - a demo: say what failed, exit 1
        print(f"demo failed: {e}", file=sys.stderr)
        sys.exit(1)
