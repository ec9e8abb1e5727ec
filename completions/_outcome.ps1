
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'outcome' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'outcome'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'outcome' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format for any command: human, json, line; summary also nagios, prometheus (after the command, its own --format wins)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour, for any command')
            [CompletionResult]::new('--catalog', '--catalog', [CompletionResultType]::ParameterName, 'A user catalog, for any command')
            [CompletionResult]::new('--exit-zero', '--exit-zero', [CompletionResultType]::ParameterName, 'Exit 0 whatever the verdict, for any command')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout, for any command')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout, for any command')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain close reasons, job records or Scrapy logs')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show the whole catalog of known outcomes')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Aggregate many jobs into counts per outcome')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run a crawl, pass its output through, and exit with its verdict')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'outcome;explain' {
            [CompletionResult]::new('finished', 'finished', [CompletionResultType]::ParameterValue, 'The spider ran out of work and closed normally')
            [CompletionResult]::new('start_error', 'start_error', [CompletionResultType]::ParameterValue, 'The spider''s start() raised before the crawl could begin')
            [CompletionResult]::new('cancelled', 'cancelled', [CompletionResultType]::ParameterValue, 'The job was cancelled before it finished')
            [CompletionResult]::new('shutdown', 'shutdown', [CompletionResultType]::ParameterValue, 'The crawler was told to stop (signal or crawler.stop())')
            [CompletionResult]::new('closespider_timeout', 'closespider_timeout', [CompletionResultType]::ParameterValue, 'The spider hit its CLOSESPIDER_TIMEOUT run-time limit')
            [CompletionResult]::new('closespider_timeout_no_item', 'closespider_timeout_no_item', [CompletionResultType]::ParameterValue, 'No item was scraped for CLOSESPIDER_TIMEOUT_NO_ITEM seconds')
            [CompletionResult]::new('closespider_itemcount', 'closespider_itemcount', [CompletionResultType]::ParameterValue, 'The spider scraped the number of items it was limited to')
            [CompletionResult]::new('closespider_pagecount', 'closespider_pagecount', [CompletionResultType]::ParameterValue, 'The spider received the number of responses it was limited to')
            [CompletionResult]::new('closespider_pagecount_no_item', 'closespider_pagecount_no_item', [CompletionResultType]::ParameterValue, 'Too many responses in a row produced no item')
            [CompletionResult]::new('closespider_errorcount', 'closespider_errorcount', [CompletionResultType]::ParameterValue, 'The spider raised CLOSESPIDER_ERRORCOUNT errors and was closed')
            [CompletionResult]::new('memusage_exceeded', 'memusage_exceeded', [CompletionResultType]::ParameterValue, 'Scrapy''s memory extension stopped the spider at its memory limit')
            [CompletionResult]::new('killed_by_oom', 'killed_by_oom', [CompletionResultType]::ParameterValue, 'The kernel''s out-of-memory killer ended the job')
            [CompletionResult]::new('diskusage_exceeded', 'diskusage_exceeded', [CompletionResultType]::ParameterValue, 'The job ran out of its disk quota')
            [CompletionResult]::new('failed', 'failed', [CompletionResultType]::ParameterValue, 'The job failed: it could not start or its runner crashed')
            [CompletionResult]::new('cancelled_stalled', 'cancelled_stalled', [CompletionResultType]::ParameterValue, 'Scrapy Cloud cancelled the job after an hour without activity')
            [CompletionResult]::new('cancelled_24h_limit', 'cancelled_24h_limit', [CompletionResultType]::ParameterValue, 'The job ran past the 24-hour limit of a free organization')
            [CompletionResult]::new('cancelled_watchdog', 'cancelled_watchdog', [CompletionResultType]::ParameterValue, 'A shub-workflow watchdog cancelled the job for running too long')
            [CompletionResult]::new('cancel_timeout', 'cancel_timeout', [CompletionResultType]::ParameterValue, 'The job did not stop within 5 minutes of being cancelled')
            [CompletionResult]::new('banned', 'banned', [CompletionResultType]::ParameterValue, 'The proxy middleware gave up after too many bans in a row')
            [CompletionResult]::new('slybot_fewitems_scraped', 'slybot_fewitems_scraped', [CompletionResultType]::ParameterValue, 'A Portia spider scraped too few items per period')
            [CompletionResult]::new('project_deleted', 'project_deleted', [CompletionResultType]::ParameterValue, 'The job was stopped because its project was deleted')
            [CompletionResult]::new('no_reason', 'no_reason', [CompletionResultType]::ParameterValue, 'The job finished without setting an outcome (deprecated)')
            [CompletionResult]::new('closespider_max_zapi_requests', 'closespider_max_zapi_requests', [CompletionResultType]::ParameterValue, 'The spider reached its ZYTE_API_MAX_REQUESTS budget')
            [CompletionResult]::new('plugin_conflict', 'plugin_conflict', [CompletionResultType]::ParameterValue, 'Smart Proxy Manager and Zyte API transparent mode are both enabled')
            [CompletionResult]::new('failed_forbidden_domain', 'failed_forbidden_domain', [CompletionResultType]::ParameterValue, 'Zyte API refused every start request for a forbidden domain')
            [CompletionResult]::new('zyte_api_bad_key', 'zyte_api_bad_key', [CompletionResultType]::ParameterValue, 'Zyte API rejected the API key (401)')
            [CompletionResult]::new('zyte_api_suspended_account', 'zyte_api_suspended_account', [CompletionResultType]::ParameterValue, 'Zyte API answered that the account is suspended (403)')
            [CompletionResult]::new('bad_session_inits', 'bad_session_inits', [CompletionResultType]::ParameterValue, 'Too many Zyte API session initializations failed')
            [CompletionResult]::new('pool_error', 'pool_error', [CompletionResultType]::ParameterValue, 'Zyte API session management hit an error in a session pool')
            [CompletionResult]::new('unsupported_set_location', 'unsupported_set_location', [CompletionResultType]::ParameterValue, 'The site does not support the setLocation action used for sessions')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Read job JSON, JSON Lines, bare reasons or Scrapy logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such)')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'Read job JSON, JSON Lines, bare reasons or Scrapy logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such)')
            [CompletionResult]::new('--pid', '--pid', [CompletionResultType]::ParameterName, 'With --follow: the crawl''s process; once it is gone and the log has stopped growing, the follow ends (a crawl killed before it closed is answered as such)')
            [CompletionResult]::new('--scrapyd', '--scrapyd', [CompletionResultType]::ParameterName, 'Read the jobs of this Scrapyd (http://HOST:6800; user:password@ for basic auth): finished ones judged from their logs, running and pending ones reported as such')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'With --scrapyd: only this project''s jobs [default: every project]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'With --scrapyd: HTTP basic auth, USER:PASSWORD (outranks the URL''s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: human]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto) [default: auto]')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Show only items of these severities (the exit status still covers every item)')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Outcomes that count as OK for this run (custom reasons too); findings still apply')
            [CompletionResult]::new('--spider', '--spider', [CompletionResultType]::ParameterName, 'The spider of an input that does not name one (a plain log, a bare reason), for the project file''s spider rules')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'Compare each crawl with its spider''s earlier runs kept in this SQLite file, and keep it there [default: the project file''s `history`]')
            [CompletionResult]::new('--finding', '--finding', [CompletionResultType]::ParameterName, 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)')
            [CompletionResult]::new('--catalog', '--catalog', [CompletionResultType]::ParameterName, 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Cards without the explanation and references: the verdict, the job''s facts, the findings and the next steps')
            [CompletionResult]::new('--brief', '--brief', [CompletionResultType]::ParameterName, 'Cards without the explanation and references: the verdict, the job''s facts, the findings and the next steps')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Follow a log being written (one -i FILE): the run open in it now, else the next run to start (runs already closed in the file are history); print nothing until that run''s crawls have closed, then the verdict; Ctrl-C gives what is known so far')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--exit-zero', '--exit-zero', [CompletionResultType]::ParameterName, 'Exit 0 whatever the verdict, as long as the explanation itself succeeded')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'End with status 65 if any record in the input was malformed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'outcome;list' {
            [CompletionResult]::new('--severity', '--severity', [CompletionResultType]::ParameterName, 'Show only entries of these severities (any case)')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Only the entries that mention WORD (any case) in their name, aliases, title, explanation, settings or next steps')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: human]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto) [default: auto]')
            [CompletionResult]::new('--finding', '--finding', [CompletionResultType]::ParameterName, 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)')
            [CompletionResult]::new('--catalog', '--catalog', [CompletionResultType]::ParameterName, 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]')
            [CompletionResult]::new('--checks', '--checks', [CompletionResultType]::ParameterName, 'List the checks behind findings instead: id, thresholds, title')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'outcome;summary' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Read jobs or logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such); with none, stdin')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'Read jobs or logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such); with none, stdin')
            [CompletionResult]::new('--scrapyd', '--scrapyd', [CompletionResultType]::ParameterName, 'Read the jobs of this Scrapyd (http://HOST:6800; user:password@ for basic auth): finished ones judged from their logs, running and pending ones reported as such')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'With --scrapyd: only this project''s jobs [default: every project]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'With --scrapyd: HTTP basic auth, USER:PASSWORD (outranks the URL''s)')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Break the counts down by this field')
            [CompletionResult]::new('--keys', '--keys', [CompletionResultType]::ParameterName, 'How many job keys each row names in human output (JSON lists them all; 0: none)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'WARNING when the jobs at WARNING or worse are outside RANGE (Monitoring Plugins syntax: 10, 10:, ~:10, 10:20, @10:20; a count, or with % a share of the jobs read)')
            [CompletionResult]::new('--warning', '--warning', [CompletionResultType]::ParameterName, 'WARNING when the jobs at WARNING or worse are outside RANGE (Monitoring Plugins syntax: 10, 10:, ~:10, 10:20, @10:20; a count, or with % a share of the jobs read)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Count only jobs that finished (or ran) since WHEN: 90s, 30m, 24h, 7d, 2w back from now, or a UTC date (2026-11-30, 2026-11-30T06:00:00); jobs without a time are left out')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'CRITICAL when the CRITICAL jobs are outside RANGE (same syntax as -w)')
            [CompletionResult]::new('--critical', '--critical', [CompletionResultType]::ParameterName, 'CRITICAL when the CRITICAL jobs are outside RANGE (same syntax as -w)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: human]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto) [default: auto]')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Show only items of these severities (the exit status still covers every item)')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Outcomes that count as OK for this run (custom reasons too); findings still apply')
            [CompletionResult]::new('--spider', '--spider', [CompletionResultType]::ParameterName, 'The spider of an input that does not name one (a plain log, a bare reason), for the project file''s spider rules')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'Compare each crawl with its spider''s earlier runs kept in this SQLite file, and keep it there [default: the project file''s `history`]')
            [CompletionResult]::new('--finding', '--finding', [CompletionResultType]::ParameterName, 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)')
            [CompletionResult]::new('--catalog', '--catalog', [CompletionResultType]::ParameterName, 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]')
            [CompletionResult]::new('--findings', '--findings', [CompletionResultType]::ParameterName, 'With --format line: one row per finding (id, severity, jobs, title) instead of one per outcome; human and JSON output always show both')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--exit-zero', '--exit-zero', [CompletionResultType]::ParameterName, 'Exit 0 whatever the verdict, as long as the explanation itself succeeded')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'End with status 65 if any record in the input was malformed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'outcome;run' {
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'Read the log from FILE (the crawl''s LOG_FILE), followed from its current end, instead of from the command''s stderr; without it, a `-s LOG_FILE=FILE` or `--logfile FILE` in the command is followed')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write the report to FILE, in --format (the human report still goes to stderr unless -q)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: human]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto) [default: auto]')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Show only items of these severities (the exit status still covers every item)')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Outcomes that count as OK for this run (custom reasons too); findings still apply')
            [CompletionResult]::new('--spider', '--spider', [CompletionResultType]::ParameterName, 'The spider of an input that does not name one (a plain log, a bare reason), for the project file''s spider rules')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'Compare each crawl with its spider''s earlier runs kept in this SQLite file, and keep it there [default: the project file''s `history`]')
            [CompletionResult]::new('--finding', '--finding', [CompletionResultType]::ParameterName, 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)')
            [CompletionResult]::new('--catalog', '--catalog', [CompletionResultType]::ParameterName, 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--exit-zero', '--exit-zero', [CompletionResultType]::ParameterName, 'Exit 0 whatever the verdict, as long as the explanation itself succeeded')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'End with status 65 if any record in the input was malformed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'outcome;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write the scripts for every shell into DIR instead, under their usual file names (DIR is created if missing)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout (with --dir the files are still written)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout (with --dir the files are still written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'outcome;help' {
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain close reasons, job records or Scrapy logs')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show the whole catalog of known outcomes')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Aggregate many jobs into counts per outcome')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run a crawl, pass its output through, and exit with its verdict')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'outcome;help;explain' {
            break
        }
        'outcome;help;list' {
            break
        }
        'outcome;help;summary' {
            break
        }
        'outcome;help;run' {
            break
        }
        'outcome;help;completions' {
            break
        }
        'outcome;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
