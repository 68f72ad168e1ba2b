#!/usr/bin/env python3
"""Reads a CI template of ci-templates/ (GitHub Actions or GitLab CI) and writes what package.sh needs to
run its jobs locally, after checking the shape they must have:

    ci_templates.py TEMPLATE.yml OUTDIR

- a matrix (or `parallel`) job of N >= 2 shards whose script runs `popcheck run --shard` into
  reports/shard-<I> and hands reports/ on as an artifact;
- a join job that needs it, gets the shards' reports/ back, runs `popcheck report merge` and
  `popcheck report html`, and publishes junit.xml (as JUnit where the CI knows JUnit) and report.html.

OUTDIR receives shards (N), env (NAME=VALUE lines of the template's variables whose values are plain
text), shard.sh and report.sh (the jobs' shell steps, to run with the CI's shell: bash -eo pipefail)
and published (the paths the join job publishes, one a line). The shard script reads its index and
count from SHARD/SHARDS (GitHub, as the template's step env sets them) or CI_NODE_INDEX/CI_NODE_TOTAL
(GitLab). Exit status 1 with a message naming the template and what is wrong.
"""
import os
import sys

import yaml


def fail(template, message):
    print(f"ci_templates: {template}: {message}", file=sys.stderr)
    sys.exit(1)


def plain_env(mapping):
    """The variables whose values are text, not CI expressions (${{ ... }} or secrets)."""
    return {k: str(v) for k, v in (mapping or {}).items() if "${{" not in str(v)}


def require_commands(template, job, script, *commands):
    for command in commands:
        if command not in script:
            fail(template, f"job {job} does not run `{command}`")


def github(template, doc):
    jobs = doc.get("jobs") or {}
    shard_name = next((n for n, j in jobs.items() if "shard" in ((j.get("strategy") or {}).get("matrix") or {})), None)
    if shard_name is None:
        fail(template, "no job has a strategy.matrix.shard")
    shard_job = jobs[shard_name]
    shards = shard_job["strategy"]["matrix"]["shard"]
    if not isinstance(shards, list) or shards != list(range(1, len(shards) + 1)) or len(shards) < 2:
        fail(template, f"matrix.shard must be 1..N with N >= 2, not {shards}")
    steps = shard_job.get("steps") or []
    run_steps = [s for s in steps if "popcheck run" in s.get("run", "")]
    if len(run_steps) != 1:
        fail(template, f"job {shard_name} must have one step running popcheck run")
    step_env = run_steps[0].get("env") or {}
    if step_env.get("SHARD") != "${{ matrix.shard }}" or step_env.get("SHARDS") != "${{ strategy.job-total }}":
        fail(template, "the popcheck run step must take SHARD and SHARDS from the matrix")
    shard_script = run_steps[0]["run"]
    require_commands(template, shard_name, shard_script, '--shard "$SHARD/$SHARDS"',
                     '--report-dir "reports/shard-$SHARD"')
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    if not uploads or uploads[0]["with"].get("path") != "reports/":
        fail(template, f"job {shard_name} must upload reports/ as an artifact")

    report_name = next((n for n, j in jobs.items() if j.get("needs") in (shard_name, [shard_name])), None)
    if report_name is None:
        fail(template, f"no job needs {shard_name}")
    steps = jobs[report_name].get("steps") or []
    downloads = [s for s in steps if str(s.get("uses", "")).startswith("actions/download-artifact@")]
    if not downloads or downloads[0]["with"].get("path") != "reports" or \
            not downloads[0]["with"].get("merge-multiple"):
        fail(template, f"job {report_name} must download every shard's artifact into reports")
    report_script = "\n".join(s["run"] for s in steps if "run" in s)
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    published = [p for s in uploads for p in s["with"].get("path", "").split()]
    junit = [s["with"].get("report_paths") for s in steps if str(s.get("uses", "")).startswith(
        "mikepenz/action-junit-report@")]
    if not junit or junit[0] not in published:
        fail(template, f"job {report_name} must publish the merged junit.xml as a JUnit report")
    env = plain_env(doc.get("env"))
    return len(shards), env, shard_script, report_script, published


def gitlab(template, doc):
    jobs = {n: j for n, j in doc.items() if isinstance(j, dict) and "script" in j}
    shard_name = next((n for n, j in jobs.items() if isinstance(j.get("parallel"), int)), None)
    if shard_name is None:
        fail(template, "no job has parallel: N")
    shard_job = jobs[shard_name]
    shards = shard_job["parallel"]
    if shards < 2:
        fail(template, f"parallel must be at least 2, not {shards}")
    shard_script = "\n".join(shard_job["script"])
    require_commands(template, shard_name, shard_script, "popcheck run",
                     '--shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"', '--report-dir "reports/shard-$CI_NODE_INDEX"')
    artifacts = shard_job.get("artifacts") or {}
    if "reports/" not in (artifacts.get("paths") or []) or artifacts.get("when") != "always":
        fail(template, f"job {shard_name} must keep reports/ as an artifact, when: always")

    report_name = next((n for n, j in jobs.items() if shard_name in (j.get("needs") or [])), None)
    if report_name is None:
        fail(template, f"no job needs {shard_name}")
    report_job = jobs[report_name]
    report_script = "\n".join(report_job["script"])
    artifacts = report_job.get("artifacts") or {}
    published = list(artifacts.get("paths") or [])
    junit = (artifacts.get("reports") or {}).get("junit")
    if not junit:
        fail(template, f"job {report_name} must publish artifacts:reports:junit")
    published.append(junit)
    env = plain_env(doc.get("variables"))
    return shards, env, shard_script, report_script, published


def main():
    if len(sys.argv) != 3:
        print("usage: ci_templates.py TEMPLATE.yml OUTDIR", file=sys.stderr)
        sys.exit(2)
    template, out = sys.argv[1:]
    with open(template, encoding="utf-8") as f:
        try:
            doc = yaml.safe_load(f)
        except yaml.YAMLError as e:
            fail(template, f"not valid YAML: {e}")
    if not isinstance(doc, dict):
        fail(template, "not a YAML mapping")
    shards, env, shard_script, report_script, published = (github if "jobs" in doc else gitlab)(template, doc)
    require_commands(template, "report", report_script, "popcheck report merge reports/shard-*/results.json",
                     "popcheck report html")
    if not any(p.endswith("junit.xml") for p in published) or \
            not any(p.endswith(("report.html", "/")) for p in published):
        fail(template, f"the join job publishes {published}: junit.xml and report.html are needed")
    os.makedirs(out, exist_ok=True)
    files = {"shards": f"{shards}\n", "env": "".join(f"{k}={v}\n" for k, v in env.items()),
             "shard.sh": shard_script, "report.sh": report_script, "published": "\n".join(published) + "\n"}
    for name, text in files.items():
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(text)
    print(f"ci_templates: {template}: {shards} shards, publishes {' '.join(published)}")


main()
