//! `outcome explain` with reasons as arguments: matching, formats and verdicts.

mod common;

use common::{json_lines, outcome, rows, stderr_of, stdout_of};
use predicates::prelude::*;

#[test]
fn memusage_exceeded_is_critical_and_names_the_setting() {
    outcome()
        .args(["explain", "memusage_exceeded"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("memusage_exceeded  CRITICAL"))
        .stdout(predicate::str::contains("MEMUSAGE_LIMIT_MB"))
        .stdout(predicate::str::contains("Next steps"))
        .stderr("");
}

#[test]
fn verdicts_map_to_exit_codes() {
    for (reason, code) in [
        ("finished", 0),
        ("closespider_itemcount", 0),
        ("no_reason", 0),
        ("shutdown", 1),
        ("closespider_timeout", 1),
        ("cancel_timeout", 1),
        ("failed", 2),
        ("cancelled (stalled)", 2),
        ("banned", 2),
        ("my_custom_reason", 3),
    ] {
        outcome().args(["explain", reason]).assert().code(code);
    }
}

#[test]
fn case_and_separators_are_ignored() {
    for spelling in ["Killed-By-OOM", "killed_by_oom", "KILLED BY OOM"] {
        let output = outcome()
            .args(["explain", spelling, "--format", "json"])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2));
        let item = &json_lines(&output)[0];
        assert_eq!(item["outcome"], "killed by oom");
        assert_eq!(item["matched"], "normalized");
        assert_eq!(item["input"], spelling);
    }
    let output = outcome()
        .args(["explain", "killed by oom", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(json_lines(&output)[0]["matched"], "exact");
}

#[test]
fn aliases_are_recognised() {
    let output = outcome()
        .args(["explain", "OOMKilled", "--format", "json"])
        .output()
        .expect("runs");
    let item = &json_lines(&output)[0];
    assert_eq!(item["outcome"], "killed by oom");
    assert_eq!(item["matched"], "normalized");
}

#[test]
fn a_typo_gets_a_suggestion_and_unknown() {
    let output = outcome()
        .args(["explain", "memusage_exceed"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(3));
    let text = stdout_of(&output);
    assert!(text.contains("Did you mean `memusage_exceeded`?"), "{text}");
    assert!(text.contains("UNKNOWN"), "{text}");

    let output = outcome()
        .args(["explain", "memusage_exceed", "--format", "json"])
        .output()
        .expect("runs");
    let item = &json_lines(&output)[0];
    assert_eq!(item["matched"], "suggestion");
    assert_eq!(item["suggestion"], "memusage_exceeded");
    assert_eq!(item["severity"], "unknown");
    assert_eq!(item["outcome"], "memusage_exceed");
}

#[test]
fn an_unknown_reason_is_explained_as_custom() {
    let output = outcome()
        .args(["explain", "my_custom_reason"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(3));
    let text = stdout_of(&output);
    assert!(text.contains("my_custom_reason  UNKNOWN"), "{text}");
    assert!(text.contains("CloseSpider"), "{text}");
    assert!(text.contains("--catalog"), "{text}");
}

#[test]
fn families_explain_unknown_tails() {
    let output = outcome()
        .args(["explain", "closespider_foo", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let item = &json_lines(&output)[0];
    assert_eq!(item["matched"], "family");
    assert_eq!(item["family"], "closespider_*");
    assert_eq!(item["family_tail"], "foo");
    assert_eq!(item["outcome"], "closespider_foo");

    let output = outcome()
        .args(["explain", "cancelled (maintenance)", "--format", "json"])
        .output()
        .expect("runs");
    let item = &json_lines(&output)[0];
    assert_eq!(item["family"], "cancelled (*)");
    assert_eq!(item["family_tail"], "maintenance");

    outcome()
        .args(["explain", "closespider_foo"])
        .assert()
        .stdout(predicate::str::contains("CloseSpider"))
        .stdout(predicate::str::contains("tail `foo`"));
}

#[test]
fn several_reasons_exit_with_the_worst() {
    // CRITICAL > WARNING > UNKNOWN > OK
    outcome()
        .args(["explain", "finished", "shutdown", "banned"])
        .assert()
        .code(2);
    outcome()
        .args(["explain", "finished", "my_reason", "shutdown"])
        .assert()
        .code(1);
    outcome()
        .args(["explain", "finished", "my_reason"])
        .assert()
        .code(3);
    outcome()
        .args(["explain", "finished", "no_reason"])
        .assert()
        .code(0);
}

#[test]
fn several_reasons_print_one_card_each() {
    let output = outcome()
        .args(["explain", "finished", "shutdown"])
        .output()
        .expect("runs");
    let text = stdout_of(&output);
    assert!(text.contains("finished  OK"));
    assert!(text.contains("shutdown  WARNING"));
}

#[test]
fn line_format_is_tab_separated() {
    let output = outcome()
        .args(["explain", "finished", "banned", "--format", "line"])
        .output()
        .expect("runs");
    let rows = rows(&output);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][..3], ["-", "finished", "ok"]);
    assert_eq!(rows[1][..3], ["-", "banned", "critical"]);
    assert_eq!(rows[1].len(), 4);
}

#[test]
fn json_has_the_documented_keys_for_every_catalog_entry() {
    let list = outcome()
        .args(["list", "--format", "json"])
        .output()
        .expect("runs");
    let entries = json_lines(&list);
    assert!(entries.len() >= 32, "{}", entries.len());
    let names: Vec<String> = entries
        .iter()
        .filter(|e| e["kind"] == "outcome")
        .map(|e| e["name"].as_str().expect("name").to_string())
        .collect();
    assert_eq!(names.len(), 30);
    let output = outcome()
        .arg("explain")
        .args(&names)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let items = json_lines(&output);
    assert_eq!(items.len(), names.len());
    for (item, name) in items.iter().zip(&names) {
        for key in [
            "input",
            "outcome",
            "matched",
            "severity",
            "exit_code",
            "title",
            "explanation",
            "next_steps",
            "settings",
            "docs",
            "set_by",
            "notes",
            "job",
            "catalog",
        ] {
            assert!(item.get(key).is_some(), "{name}: no {key}");
        }
        assert_eq!(&item["outcome"], name);
        assert_eq!(item["matched"], "exact");
        assert!(!item["next_steps"].as_array().expect("list").is_empty());
        assert!(item["job"].is_null());
        let code = item["exit_code"].as_u64().expect("code");
        let expected = match item["severity"].as_str().expect("severity") {
            "ok" => 0,
            "warning" => 1,
            "critical" => 2,
            "unknown" => 3,
            other => panic!("{other}"),
        };
        assert_eq!(code, expected, "{name}");
    }
}

#[test]
fn reasons_from_stdin_one_per_line() {
    let output = outcome()
        .args(["explain", "-", "--format", "line"])
        .write_stdin("finished\n\n  Killed-By-OOM  \r\nshutdown\n")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let outcomes: Vec<String> = rows(&output).into_iter().map(|r| r[1].clone()).collect();
    assert_eq!(outcomes, ["finished", "killed by oom", "shutdown"]);
}

#[test]
fn exit_zero_hides_the_verdict_but_not_errors() {
    outcome()
        .args(["explain", "banned", "--exit-zero"])
        .assert()
        .code(0);
    outcome()
        .args(["explain", "-i", "/nonexistent/jobs.jl", "--exit-zero"])
        .assert()
        .code(66);
}

#[test]
fn quiet_prints_nothing() {
    outcome()
        .args(["explain", "-q", "memusage_exceeded"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("");
}

#[test]
fn usage_errors_exit_64_not_2() {
    outcome().arg("bogus").assert().code(64);
    outcome()
        .args(["explain", "--format", "yaml", "x"])
        .assert()
        .code(64);
    outcome().args(["explain", "--nope"]).assert().code(64);
    outcome().assert().code(64);
    // With --format nagios an error is an UNKNOWN status line (3), as plugins report one.
    outcome()
        .args(["explain", "finished", "--format", "nagios"])
        .assert()
        .code(3)
        .stdout(predicate::str::starts_with("OUTCOME UNKNOWN - "))
        .stderr(predicate::str::contains("summary"));
}

#[test]
fn help_and_version_exit_0() {
    outcome()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Exit status:"))
        .stdout(predicate::str::contains("78"));
    outcome().arg("--version").assert().code(0);
}

#[test]
fn list_filters_by_severity() {
    let output = outcome()
        .args(["list", "--severity", "ok", "--format", "line"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let rows = rows(&output);
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        names,
        [
            "finished",
            "closespider_itemcount",
            "closespider_pagecount",
            "no_reason",
            "closespider_max_zapi_requests"
        ]
    );
    assert!(rows.iter().all(|r| r[1] == "ok" && r[3] == "builtin"));
    let critical = outcome()
        .args(["list", "--severity", "critical,warning"])
        .output()
        .expect("runs");
    let text = stdout_of(&critical);
    assert!(text.contains("memusage_exceeded") && text.contains("shutdown"));
    assert!(!text.contains("closespider_itemcount"));
    assert_eq!(stderr_of(&critical), "");
}

#[test]
fn a_dash_among_reasons_reads_stdin_after_them() {
    let output = outcome()
        .args(["explain", "finished", "-", "--format", "line"])
        .write_stdin("banned\n")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let outcomes: Vec<String> = rows(&output).into_iter().map(|r| r[1].clone()).collect();
    assert_eq!(outcomes, ["finished", "banned"]);
}

#[test]
fn expect_takes_a_name_a_family_or_a_custom_reason_never_a_guess() {
    let status = |args: &[&str]| {
        outcome()
            .arg("explain")
            .args(args)
            .output()
            .expect("runs")
            .status
            .code()
    };
    // A family named as such: every reason it explains is expected.
    assert_eq!(
        status(&["--expect", "closespider_*", "closespider_foo"]),
        Some(0)
    );
    assert_eq!(
        status(&["--expect", "cancelled (*)", "cancelled (maintenance)"]),
        Some(0)
    );
    // Another outcome of the same family is not.
    assert_eq!(
        status(&["--expect", "closespider_timeout", "closespider_foo"]),
        Some(1)
    );
    // The custom fallback's name, or the reason a typo looks like, does not expect it.
    assert_eq!(status(&["--expect", "(custom)", "zzzz"]), Some(3));
    assert_eq!(status(&["--expect", "finished", "finsihed"]), Some(3));
    // A custom reason by its own text, any spelling.
    assert_eq!(status(&["--expect", "My-Reason", "my_reason"]), Some(0));
    // By name, alias or spelling.
    assert_eq!(status(&["--expect", "oomkilled", "killed by oom"]), Some(0));
    assert_eq!(status(&["--expect", "Killed-By-OOM", "oomkilled"]), Some(0));
}

#[test]
fn expecting_a_family_expects_the_members_the_catalog_names() {
    let output = outcome()
        .args(["explain", "--format", "json", "--expect", "closespider_*"])
        .args([
            "closespider_timeout",
            "closespider_itemcount",
            "closespider_errorcount",
        ])
        .args(["closespider_pagecount_no_item", "memusage_exceeded"])
        .output()
        .expect("runs");
    let answers = json_lines(&output);
    for answer in &answers[..4] {
        assert_eq!(answer["expected"], true, "{answer}");
        assert_eq!(answer["severity"], "ok", "{answer}");
    }
    assert_eq!(answers[4]["expected"], false);
    assert_eq!(
        output.status.code(),
        Some(2),
        "memusage_exceeded is not a member"
    );
    assert_eq!(stderr_of(&output), "", "a family by its name is known");
    let cancelled = outcome()
        .args([
            "explain",
            "--expect",
            "cancelled (*)",
            "cancelled (stalled)",
        ])
        .output()
        .expect("runs");
    assert_eq!(cancelled.status.code(), Some(0));
}

#[test]
fn expecting_a_name_no_outcome_has_is_said_on_stderr_and_still_taken_as_written() {
    let run = |expect: &str, reason: &str| {
        let output = outcome()
            .args(["explain", "--format", "line", "--expect", expect, reason])
            .output()
            .expect("runs");
        (output.status.code(), stderr_of(&output))
    };
    // A typo of a known outcome: said, with the name meant; the outcome stays a warning.
    let (code, stderr) = run("closespider_timout", "closespider_timeout");
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        "outcome: --expect: no outcome is called `closespider_timout` (did you mean `closespider_timeout`?); it counts as OK only where a crawl closed with exactly that custom reason\n"
    );
    // A custom reason: said, and it is expected as written.
    let (code, stderr) = run("shop_closed_for_the_night", "shop_closed_for_the_night");
    assert_eq!(code, Some(0));
    assert!(
        stderr.contains("no outcome is called `shop_closed_for_the_night`;"),
        "{stderr}"
    );
    // Known names, aliases and spellings say nothing.
    for known in [
        "memusage_exceeded",
        "oomkilled",
        "Killed-By-OOM",
        "closespider_*",
    ] {
        let (_, stderr) = run(known, "finished");
        assert_eq!(stderr, "", "{known}");
    }
}

#[test]
fn the_small_usage_gaps_each_lead_somewhere() {
    let run = |args: &[&str]| {
        let output = outcome().args(args).output().expect("runs");
        (output.status.code(), stdout_of(&output), stderr_of(&output))
    };
    // `help REASON` explains it, as `git help` takes a topic; `help COMMAND` stays help.
    let (code, out, _) = run(&["help", "memusage_exceeded"]);
    let (_, explained, _) = run(&["explain", "memusage_exceeded"]);
    assert_eq!((code, out), (Some(2), explained));
    let (code, out, _) = run(&["help", "summary"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("Usage: outcome summary"), "{out}");
    // `summary FILE` is a usage error that says how to read the file.
    let log = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/real/2.19.0/clean.log"
    );
    let (code, _, err) = run(&["summary", log]);
    assert_eq!(code, Some(64));
    assert!(
        err.ends_with(&format!(
            "outcome: `{log}` is a file, and summary reads its inputs with -i: outcome summary -i {log}\n"
        )),
        "{err}"
    );
    // `list NAME` where NAME is an outcome, not a setting: that outcome, and why.
    let (code, out, err) = run(&["list", "memusage_exceeded"]);
    assert_eq!(code, Some(0));
    assert!(out.starts_with("memusage_exceeded  CRITICAL"), "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        err.contains("no setting is called `memusage_exceeded`"),
        "{err}"
    );
    // `list --search` finds the checks too, named on stderr.
    let (_, _, err) = run(&["list", "--search", "heap out of memory"]);
    assert_eq!(
        err,
        "outcome: checks that mention `heap out of memory`: browser_crashed (outcome list --checks)\n"
    );
    // A typo leads with the name it looks like, and its first step explains that one.
    let (_, out, _) = run(&["explain", "memusage_exceded"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[1],
        "Did you mean `memusage_exceeded`? `memusage_exceded` is not in the catalog."
    );
    assert!(
        out.contains("  1. If you meant `memusage_exceeded`, `outcome explain memusage_exceeded`"),
        "{out}"
    );
}
