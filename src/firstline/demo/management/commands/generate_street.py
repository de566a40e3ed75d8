"""Generate a large street for benchmarks: demo-shaped compounds until the resident count is reached."""

import time

from django.core.management.base import BaseCommand

from firstline.demo.builder import build_street


class Command(BaseCommand):
    help = "Build a street of many demo-shaped compounds (e.g. --residents 1000000) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=100_000)
        parser.add_argument("--name", default="基准街道")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--compounds-per-community", type=int, default=8)

    def handle(self, *args, residents, name, seed, compounds_per_community, **options):
        started = time.perf_counter()
        street, total = build_street(
            name=name, residents=residents, seed=seed, compounds_per_community=compounds_per_community
        )
        self.stdout.write(
            f"{name} (#{street.pk}): {total} residents in {time.perf_counter() - started:.1f} s"
        )
