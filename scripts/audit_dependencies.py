"""Audit requirements/lock.txt for known vulnerabilities, and say what was not audited.

scripts/security-scan runs pip-audit first and hands its JSON report here.
Packages pip-audit audited keep its verdict. For those it skipped (its
per-version look-ups fail on machines that reach only part of PyPI), PyPI's
project JSON is asked instead: its ``vulnerabilities`` list describes the
latest release, so it is authoritative only when the pin *is* the latest
release; an older pin is reported as not audited, by name, never passed.

Exit status: 1 when a known vulnerability affects a pinned version, else 0.
"""

import argparse
import json
import re
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


@dataclass
class Verdict:
    name: str
    version: str
    how: str = ""  # "pip-audit", "PyPI project JSON", or "" when not audited
    vulnerabilities: list[str] = field(default_factory=list)
    not_audited_because: str = ""


def pins(lock_file: Path) -> dict[str, str]:
    """Canonical name → pinned version, from a pip-compile style lock file."""
    found = {}
    for line in lock_file.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            found[canonicalize_name(match[1])] = match[2]
    return found


def from_pip_audit(report: dict) -> dict[str, Verdict]:
    """The packages pip-audit did audit, with what it found."""
    verdicts = {}
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            continue
        name = canonicalize_name(dependency["name"])
        verdicts[name] = Verdict(
            name=name,
            version=dependency["version"],
            how="pip-audit",
            vulnerabilities=[vuln["id"] for vuln in dependency.get("vulns", [])],
        )
    return verdicts


def project_json(name: str) -> dict:
    url = PROJECT_JSON.format(name=name)
    # A fixed https address on PyPI; nothing from the user reaches the URL.
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310  # nosec B310
        return json.load(response)


def judge_from_project(name: str, version: str, project: dict) -> Verdict:
    """Authoritative only when the pin is the latest release PyPI knows."""
    latest = project["info"]["version"]
    if Version(version) != Version(latest):
        return Verdict(
            name=name,
            version=version,
            not_audited_because=f"pinned {version}, latest {latest}",
        )
    current = [
        vuln["id"]
        for vuln in project.get("vulnerabilities", [])
        if not vuln.get("withdrawn")
    ]
    return Verdict(
        name=name, version=version, how="PyPI project JSON", vulnerabilities=current
    )


def audit_from_project(name: str, version: str) -> Verdict:
    try:
        project = project_json(name)
    except (OSError, ValueError, KeyError) as error:
        return Verdict(
            name=name,
            version=version,
            not_audited_because=f"PyPI did not answer ({error})",
        )
    return judge_from_project(name, version, project)


def audit(lock_file: Path, pip_audit_report: dict) -> list[Verdict]:
    pinned = pins(lock_file)
    verdicts = from_pip_audit(pip_audit_report)
    remaining = sorted(name for name in pinned if name not in verdicts)
    with ThreadPoolExecutor(max_workers=8) as pool:
        for verdict in pool.map(
            lambda name: audit_from_project(name, pinned[name]), remaining
        ):
            verdicts[verdict.name] = verdict
    return [verdicts[name] for name in sorted(pinned)]


def report(verdicts: list[Verdict]) -> int:
    vulnerable = [verdict for verdict in verdicts if verdict.vulnerabilities]
    not_audited = [verdict for verdict in verdicts if not verdict.how]
    for how in ("pip-audit", "PyPI project JSON"):
        count = sum(1 for verdict in verdicts if verdict.how == how)
        print(f"audited by {how}: {count} of {len(verdicts)} pinned packages")
    for verdict in not_audited:
        print(
            f"NOT AUDITED {verdict.name} {verdict.version}: "
            f"{verdict.not_audited_because}"
        )
    for verdict in vulnerable:
        print(
            f"VULNERABLE {verdict.name} {verdict.version} ({verdict.how}): "
            + ", ".join(verdict.vulnerabilities)
        )
    print(
        f"{len(vulnerable)} with known vulnerabilities, "
        f"{len(not_audited)} not audited, "
        f"{len(verdicts) - len(vulnerable) - len(not_audited)} clean"
    )
    return 1 if vulnerable else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock_file", type=Path)
    parser.add_argument(
        "--pip-audit-json",
        type=Path,
        help="pip-audit's JSON report (-f json); without it every pin is asked of PyPI",
    )
    arguments = parser.parse_args()
    pip_audit_report = {}
    if arguments.pip_audit_json and arguments.pip_audit_json.stat().st_size:
        pip_audit_report = json.loads(arguments.pip_audit_json.read_text())
    return report(audit(arguments.lock_file, pip_audit_report))


if __name__ == "__main__":
    sys.exit(main())
