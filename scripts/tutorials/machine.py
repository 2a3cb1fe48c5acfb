"""A one-line note of the machine a timing was measured on (CPU model and count, OS, Node.js, load), stored in
the metadata of every timing cell whose outputs `npm run notebooks` writes."""

import os
import platform
import subprocess


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def node_version():
    try:
        return subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def note():
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{cpu_model()}, {os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, "
        f"Node.js {node_version()}, load average {load}"
    )
