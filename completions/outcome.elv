
use builtin;
use str;

set edit:completion:arg-completer[outcome] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'outcome'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'outcome'= {
            cand --format 'Output format'
            cand --color 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto)'
            cand --only 'Show only items of these severities (the exit status still covers every item)'
            cand --expect 'Outcomes that count as OK for this run (custom reasons too); findings still apply'
            cand --finding 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)'
            cand --catalog 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]'
            cand --exit-zero 'Exit 0 whatever the verdict, as long as the explanation itself succeeded'
            cand -q 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --quiet 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --strict 'End with status 65 if any record in the input was malformed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand explain 'Explain close reasons, job records or Scrapy logs'
            cand list 'Show the whole catalog of known outcomes'
            cand summary 'Aggregate many jobs into counts per outcome'
            cand run 'Run a crawl, pass its output through, and exit with its verdict'
            cand completions 'Print a shell completion script'
        }
        &'outcome;explain'= {
            cand -i 'Read job JSON, JSON Lines, bare reasons or Scrapy logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such)'
            cand --input 'Read job JSON, JSON Lines, bare reasons or Scrapy logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such)'
            cand --format 'Output format'
            cand --color 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto)'
            cand --only 'Show only items of these severities (the exit status still covers every item)'
            cand --expect 'Outcomes that count as OK for this run (custom reasons too); findings still apply'
            cand --finding 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)'
            cand --catalog 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]'
            cand --follow 'Follow a log being written (one -i FILE): print nothing until every crawl it opened has closed, then the verdict; Ctrl-C gives what is known so far'
            cand --exit-zero 'Exit 0 whatever the verdict, as long as the explanation itself succeeded'
            cand -q 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --quiet 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --strict 'End with status 65 if any record in the input was malformed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'outcome;list'= {
            cand --severity 'Show only entries of these severities (any case)'
            cand --format 'Output format'
            cand --color 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto)'
            cand --only 'Show only items of these severities (the exit status still covers every item)'
            cand --expect 'Outcomes that count as OK for this run (custom reasons too); findings still apply'
            cand --finding 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)'
            cand --catalog 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]'
            cand --checks 'List the checks behind findings instead: id, thresholds, title'
            cand --exit-zero 'Exit 0 whatever the verdict, as long as the explanation itself succeeded'
            cand -q 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --quiet 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --strict 'End with status 65 if any record in the input was malformed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'outcome;summary'= {
            cand -i 'Read jobs or logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such); with none, stdin'
            cand --input 'Read jobs or logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such); with none, stdin'
            cand --by 'Break the counts down by this field'
            cand --keys 'How many job keys each row names in human output (JSON lists them all; 0: none)'
            cand -w 'WARNING when the jobs at WARNING or worse are outside RANGE (Monitoring Plugins syntax: 10, 10:, ~:10, 10:20, @10:20; a count, or with % a share of the jobs read)'
            cand --warning 'WARNING when the jobs at WARNING or worse are outside RANGE (Monitoring Plugins syntax: 10, 10:, ~:10, 10:20, @10:20; a count, or with % a share of the jobs read)'
            cand --since 'Count only jobs that finished (or ran) since WHEN: 90s, 30m, 24h, 7d, 2w back from now, or a UTC date (2026-11-30, 2026-11-30T06:00:00); jobs without a time are left out'
            cand -c 'CRITICAL when the CRITICAL jobs are outside RANGE (same syntax as -w)'
            cand --critical 'CRITICAL when the CRITICAL jobs are outside RANGE (same syntax as -w)'
            cand --format 'Output format'
            cand --color 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto)'
            cand --only 'Show only items of these severities (the exit status still covers every item)'
            cand --expect 'Outcomes that count as OK for this run (custom reasons too); findings still apply'
            cand --finding 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)'
            cand --catalog 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]'
            cand --findings 'With --format line: one row per finding (id, severity, jobs, title) instead of one per outcome; human and JSON output always show both'
            cand --exit-zero 'Exit 0 whatever the verdict, as long as the explanation itself succeeded'
            cand -q 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --quiet 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --strict 'End with status 65 if any record in the input was malformed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'outcome;run'= {
            cand --log 'Read the log from FILE (the crawl''s LOG_FILE), followed from its current end, instead of from the command''s stderr'
            cand --report 'Also write the report to FILE, in --format (the human report still goes to stderr unless -q)'
            cand --format 'Output format'
            cand --color 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto)'
            cand --only 'Show only items of these severities (the exit status still covers every item)'
            cand --expect 'Outcomes that count as OK for this run (custom reasons too); findings still apply'
            cand --finding 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)'
            cand --catalog 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]'
            cand --exit-zero 'Exit 0 whatever the verdict, as long as the explanation itself succeeded'
            cand -q 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --quiet 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --strict 'End with status 65 if any record in the input was malformed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'outcome;completions'= {
            cand --dir 'Write the scripts for every shell into DIR instead, under their usual file names (DIR is created if missing)'
            cand --format 'Output format'
            cand --color 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto)'
            cand --only 'Show only items of these severities (the exit status still covers every item)'
            cand --expect 'Outcomes that count as OK for this run (custom reasons too); findings still apply'
            cand --finding 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)'
            cand --catalog 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]'
            cand --exit-zero 'Exit 0 whatever the verdict, as long as the explanation itself succeeded'
            cand -q 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --quiet 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --strict 'End with status 65 if any record in the input was malformed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
