
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
            cand --format 'Output format for any command: human, json, line; summary also nagios, prometheus (after the command, its own --format wins)'
            cand --color 'When to use colour, for any command'
            cand --catalog 'A user catalog, for any command'
            cand --exit-zero 'Exit 0 whatever the verdict, for any command'
            cand -q 'Print nothing on stdout, for any command'
            cand --quiet 'Print nothing on stdout, for any command'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand explain 'Explain close reasons, job records or Scrapy logs'
            cand list 'Show the whole catalog of known outcomes'
            cand summary 'Aggregate many jobs into counts per outcome'
            cand run 'Run a crawl, pass its output through, and exit with its verdict'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'outcome;explain'= {
            cand finished 'The spider ran out of work and closed normally'
            cand start_error 'The spider''s start() raised before the crawl could begin'
            cand cancelled 'The job was cancelled before it finished'
            cand shutdown 'The crawler was told to stop (signal or crawler.stop())'
            cand closespider_timeout 'The spider hit its CLOSESPIDER_TIMEOUT run-time limit'
            cand closespider_timeout_no_item 'No item was scraped for CLOSESPIDER_TIMEOUT_NO_ITEM seconds'
            cand closespider_itemcount 'The spider scraped the number of items it was limited to'
            cand closespider_pagecount 'The spider received the number of responses it was limited to'
            cand closespider_pagecount_no_item 'Too many responses in a row produced no item'
            cand closespider_errorcount 'The spider raised CLOSESPIDER_ERRORCOUNT errors and was closed'
            cand memusage_exceeded 'Scrapy''s memory extension stopped the spider at its memory limit'
            cand killed_by_oom 'The kernel''s out-of-memory killer ended the job'
            cand diskusage_exceeded 'The job ran out of its disk quota'
            cand failed 'The job failed: it could not start or its runner crashed'
            cand cancelled_stalled 'Scrapy Cloud cancelled the job after an hour without activity'
            cand cancelled_24h_limit 'The job ran past the 24-hour limit of a free organization'
            cand cancelled_watchdog 'A shub-workflow watchdog cancelled the job for running too long'
            cand cancel_timeout 'The job did not stop within 5 minutes of being cancelled'
            cand banned 'The proxy middleware gave up after too many bans in a row'
            cand slybot_fewitems_scraped 'A Portia spider scraped too few items per period'
            cand project_deleted 'The job was stopped because its project was deleted'
            cand no_reason 'The job finished without setting an outcome (deprecated)'
            cand closespider_max_zapi_requests 'The spider reached its ZYTE_API_MAX_REQUESTS budget'
            cand plugin_conflict 'Smart Proxy Manager and Zyte API transparent mode are both enabled'
            cand failed_forbidden_domain 'Zyte API refused every start request for a forbidden domain'
            cand zyte_api_bad_key 'Zyte API rejected the API key (401)'
            cand zyte_api_suspended_account 'Zyte API answered that the account is suspended (403)'
            cand bad_session_inits 'Too many Zyte API session initializations failed'
            cand pool_error 'Zyte API session management hit an error in a session pool'
            cand unsupported_set_location 'The site does not support the setLocation action used for sessions'
            cand -i 'Read job JSON, JSON Lines, bare reasons or Scrapy logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such)'
            cand --input 'Read job JSON, JSON Lines, bare reasons or Scrapy logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such)'
            cand --pid 'With --follow: the crawl''s process; once it is gone and the log has stopped growing, the follow ends (a crawl killed before it closed is answered as such)'
            cand --scrapyd 'Read the jobs of this Scrapyd (http://HOST:6800; user:password@ for basic auth): finished ones judged from their logs, running and pending ones reported as such'
            cand --project 'With --scrapyd: only this project''s jobs [default: every project]'
            cand --user 'With --scrapyd: HTTP basic auth, USER:PASSWORD (outranks the URL''s)'
            cand --format 'Output format [default: human]'
            cand --color 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto) [default: auto]'
            cand --only 'Show only items of these severities (the exit status still covers every item)'
            cand --expect 'Outcomes that count as OK for this run (custom reasons too); findings still apply'
            cand --spider 'The spider of an input that does not name one (a plain log, a bare reason), for the project file''s spider rules'
            cand --history 'Compare each crawl with its spider''s earlier runs kept in this SQLite file, and keep it there [default: the project file''s `history`]'
            cand --finding 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)'
            cand --catalog 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]'
            cand -b 'Cards without the explanation and references: the verdict, the job''s facts, the findings and the next steps'
            cand --brief 'Cards without the explanation and references: the verdict, the job''s facts, the findings and the next steps'
            cand --follow 'Follow a log being written (one -i FILE): the run open in it now, else the next run to start (runs already closed in the file are history); print nothing until that run''s crawls have closed, then the verdict; Ctrl-C gives what is known so far'
            cand -q 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --quiet 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --exit-zero 'Exit 0 whatever the verdict, as long as the explanation itself succeeded'
            cand --strict 'End with status 65 if any record in the input was malformed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'outcome;list'= {
            cand --severity 'Show only entries of these severities (any case)'
            cand --search 'Only the entries that mention WORD (any case) in their name, aliases, title, explanation, settings or next steps'
            cand --format 'Output format [default: human]'
            cand --color 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto) [default: auto]'
            cand --finding 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)'
            cand --catalog 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]'
            cand --checks 'List the checks behind findings instead: id, thresholds, title'
            cand -q 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --quiet 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'outcome;summary'= {
            cand -i 'Read jobs or logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such); with none, stdin'
            cand --input 'Read jobs or logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such); with none, stdin'
            cand --scrapyd 'Read the jobs of this Scrapyd (http://HOST:6800; user:password@ for basic auth): finished ones judged from their logs, running and pending ones reported as such'
            cand --project 'With --scrapyd: only this project''s jobs [default: every project]'
            cand --user 'With --scrapyd: HTTP basic auth, USER:PASSWORD (outranks the URL''s)'
            cand --by 'Break the counts down by this field'
            cand --keys 'How many job keys each row names in human output (JSON lists them all; 0: none)'
            cand -w 'WARNING when the jobs at WARNING or worse are outside RANGE (Monitoring Plugins syntax: 10, 10:, ~:10, 10:20, @10:20; a count, or with % a share of the jobs read)'
            cand --warning 'WARNING when the jobs at WARNING or worse are outside RANGE (Monitoring Plugins syntax: 10, 10:, ~:10, 10:20, @10:20; a count, or with % a share of the jobs read)'
            cand --since 'Count only jobs that finished (or ran) since WHEN: 90s, 30m, 24h, 7d, 2w back from now, or a UTC date (2026-11-30, 2026-11-30T06:00:00); jobs without a time are left out'
            cand -c 'CRITICAL when the CRITICAL jobs are outside RANGE (same syntax as -w)'
            cand --critical 'CRITICAL when the CRITICAL jobs are outside RANGE (same syntax as -w)'
            cand --format 'Output format [default: human]'
            cand --color 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto) [default: auto]'
            cand --only 'Show only items of these severities (the exit status still covers every item)'
            cand --expect 'Outcomes that count as OK for this run (custom reasons too); findings still apply'
            cand --spider 'The spider of an input that does not name one (a plain log, a bare reason), for the project file''s spider rules'
            cand --history 'Compare each crawl with its spider''s earlier runs kept in this SQLite file, and keep it there [default: the project file''s `history`]'
            cand --finding 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)'
            cand --catalog 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]'
            cand --findings 'With --format line: one row per finding (id, severity, jobs, title) instead of one per outcome; human and JSON output always show both'
            cand -q 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --quiet 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --exit-zero 'Exit 0 whatever the verdict, as long as the explanation itself succeeded'
            cand --strict 'End with status 65 if any record in the input was malformed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'outcome;run'= {
            cand --log 'Read the log from FILE (the crawl''s LOG_FILE), followed from its current end, instead of from the command''s stderr; without it, a `-s LOG_FILE=FILE` or `--logfile FILE` in the command is followed'
            cand --report 'Also write the report to FILE, in --format (the human report still goes to stderr unless -q)'
            cand --format 'Output format [default: human]'
            cand --color 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto) [default: auto]'
            cand --only 'Show only items of these severities (the exit status still covers every item)'
            cand --expect 'Outcomes that count as OK for this run (custom reasons too); findings still apply'
            cand --spider 'The spider of an input that does not name one (a plain log, a bare reason), for the project file''s spider rules'
            cand --history 'Compare each crawl with its spider''s earlier runs kept in this SQLite file, and keep it there [default: the project file''s `history`]'
            cand --finding 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)'
            cand --catalog 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]'
            cand -q 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --quiet 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
            cand --exit-zero 'Exit 0 whatever the verdict, as long as the explanation itself succeeded'
            cand --strict 'End with status 65 if any record in the input was malformed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'outcome;completions'= {
            cand --dir 'Write the scripts for every shell into DIR instead, under their usual file names (DIR is created if missing)'
            cand -q 'Print nothing on stdout (with --dir the files are still written)'
            cand --quiet 'Print nothing on stdout (with --dir the files are still written)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'outcome;help'= {
            cand explain 'Explain close reasons, job records or Scrapy logs'
            cand list 'Show the whole catalog of known outcomes'
            cand summary 'Aggregate many jobs into counts per outcome'
            cand run 'Run a crawl, pass its output through, and exit with its verdict'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'outcome;help;explain'= {
        }
        &'outcome;help;list'= {
        }
        &'outcome;help;summary'= {
        }
        &'outcome;help;run'= {
        }
        &'outcome;help;completions'= {
        }
        &'outcome;help;help'= {
        }
    ]
    $completions[$command]
}
