"""The portal's pages under load (scenario h): each simulated person opens the pages named in
BENCH_PAGES (JSON [[name, path], ...]) in turn, signed in by the session cookie BENCH_SESSION,
with a second or so between pages as a person reads. Each person starts at the page after the
previous person's, so every page is loaded from the first seconds on, however short the run."""

import json
import os

from locust import HttpUser, between, task

PAGES = json.loads(os.environ.get("BENCH_PAGES", '[["health", "/healthz"]]'))
SESSION = os.environ.get("BENCH_SESSION", "")
COOKIE = os.environ.get("BENCH_SESSION_COOKIE", "sessionid")


class Person(HttpUser):
    wait_time = between(0.5, 1.5)
    started = 0

    def on_start(self):
        if SESSION:
            self.client.cookies.set(COOKIE, SESSION)
        self.turn = Person.started
        Person.started += 1

    @task
    def next_page(self):
        name, path = PAGES[self.turn % len(PAGES)]
        self.turn += 1
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
