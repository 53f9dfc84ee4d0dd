"""What a benchmark ran on, printed beside every figure so that numbers can be compared."""

import os
import platform
from pathlib import Path

from django.db import connection


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    return None


def database_version():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
    return connection.vendor


def describe():
    """One line: cores, CPU model, memory, Python and the database in use."""
    return (
        f"{os.cpu_count()} cores, {_cpu_model()}, {_memory_gib()} GiB RAM, "
        f"Python {platform.python_version()}, {database_version()}"
    )
