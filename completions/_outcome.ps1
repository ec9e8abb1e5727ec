
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
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Show only items of these severities (the exit status still covers every item)')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Outcomes that count as OK for this run (custom reasons too); findings still apply')
            [CompletionResult]::new('--finding', '--finding', [CompletionResultType]::ParameterName, 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)')
            [CompletionResult]::new('--catalog', '--catalog', [CompletionResultType]::ParameterName, 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]')
            [CompletionResult]::new('--exit-zero', '--exit-zero', [CompletionResultType]::ParameterName, 'Exit 0 whatever the verdict, as long as the explanation itself succeeded')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'End with status 65 if any record in the input was malformed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain close reasons, job records or Scrapy logs')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show the whole catalog of known outcomes')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Aggregate many jobs into counts per outcome')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run a crawl, pass its output through, and exit with its verdict')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            break
        }
        'outcome;explain' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Read job JSON, JSON Lines, bare reasons or Scrapy logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such)')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'Read job JSON, JSON Lines, bare reasons or Scrapy logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Show only items of these severities (the exit status still covers every item)')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Outcomes that count as OK for this run (custom reasons too); findings still apply')
            [CompletionResult]::new('--finding', '--finding', [CompletionResultType]::ParameterName, 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)')
            [CompletionResult]::new('--catalog', '--catalog', [CompletionResultType]::ParameterName, 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Follow a log being written (one -i FILE): print nothing until every crawl it opened has closed, then the verdict; Ctrl-C gives what is known so far')
            [CompletionResult]::new('--exit-zero', '--exit-zero', [CompletionResultType]::ParameterName, 'Exit 0 whatever the verdict, as long as the explanation itself succeeded')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'End with status 65 if any record in the input was malformed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'outcome;list' {
            [CompletionResult]::new('--severity', '--severity', [CompletionResultType]::ParameterName, 'Show only entries of these severities (any case)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Show only items of these severities (the exit status still covers every item)')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Outcomes that count as OK for this run (custom reasons too); findings still apply')
            [CompletionResult]::new('--finding', '--finding', [CompletionResultType]::ParameterName, 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)')
            [CompletionResult]::new('--catalog', '--catalog', [CompletionResultType]::ParameterName, 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]')
            [CompletionResult]::new('--checks', '--checks', [CompletionResultType]::ParameterName, 'List the checks behind findings instead: id, thresholds, title')
            [CompletionResult]::new('--exit-zero', '--exit-zero', [CompletionResultType]::ParameterName, 'Exit 0 whatever the verdict, as long as the explanation itself succeeded')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'End with status 65 if any record in the input was malformed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'outcome;summary' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Read jobs or logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such); with none, stdin')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'Read jobs or logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such); with none, stdin')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Break the counts down by this field')
            [CompletionResult]::new('--keys', '--keys', [CompletionResultType]::ParameterName, 'How many job keys each row names in human output (JSON lists them all; 0: none)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'WARNING when the jobs at WARNING or worse are outside RANGE (Monitoring Plugins syntax: 10, 10:, ~:10, 10:20, @10:20; a count, or with % a share of the jobs read)')
            [CompletionResult]::new('--warning', '--warning', [CompletionResultType]::ParameterName, 'WARNING when the jobs at WARNING or worse are outside RANGE (Monitoring Plugins syntax: 10, 10:, ~:10, 10:20, @10:20; a count, or with % a share of the jobs read)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Count only jobs that finished (or ran) since WHEN: 90s, 30m, 24h, 7d, 2w back from now, or a UTC date (2026-11-30, 2026-11-30T06:00:00); jobs without a time are left out')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'CRITICAL when the CRITICAL jobs are outside RANGE (same syntax as -w)')
            [CompletionResult]::new('--critical', '--critical', [CompletionResultType]::ParameterName, 'CRITICAL when the CRITICAL jobs are outside RANGE (same syntax as -w)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Show only items of these severities (the exit status still covers every item)')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Outcomes that count as OK for this run (custom reasons too); findings still apply')
            [CompletionResult]::new('--finding', '--finding', [CompletionResultType]::ParameterName, 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)')
            [CompletionResult]::new('--catalog', '--catalog', [CompletionResultType]::ParameterName, 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]')
            [CompletionResult]::new('--findings', '--findings', [CompletionResultType]::ParameterName, 'With --format line: one row per finding (id, severity, jobs, title) instead of one per outcome; human and JSON output always show both')
            [CompletionResult]::new('--exit-zero', '--exit-zero', [CompletionResultType]::ParameterName, 'Exit 0 whatever the verdict, as long as the explanation itself succeeded')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'End with status 65 if any record in the input was malformed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'outcome;run' {
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'Read the log from FILE (the crawl''s LOG_FILE), followed from its current end, instead of from the command''s stderr')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write the report to FILE, in --format (the human report still goes to stderr unless -q)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Show only items of these severities (the exit status still covers every item)')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Outcomes that count as OK for this run (custom reasons too); findings still apply')
            [CompletionResult]::new('--finding', '--finding', [CompletionResultType]::ParameterName, 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)')
            [CompletionResult]::new('--catalog', '--catalog', [CompletionResultType]::ParameterName, 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]')
            [CompletionResult]::new('--exit-zero', '--exit-zero', [CompletionResultType]::ParameterName, 'Exit 0 whatever the verdict, as long as the explanation itself succeeded')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'End with status 65 if any record in the input was malformed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'outcome;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write the scripts for every shell into DIR instead, under their usual file names (DIR is created if missing)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Show only items of these severities (the exit status still covers every item)')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Outcomes that count as OK for this run (custom reasons too); findings still apply')
            [CompletionResult]::new('--finding', '--finding', [CompletionResultType]::ParameterName, 'A finding''s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)')
            [CompletionResult]::new('--catalog', '--catalog', [CompletionResultType]::ParameterName, 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]')
            [CompletionResult]::new('--exit-zero', '--exit-zero', [CompletionResultType]::ParameterName, 'Exit 0 whatever the verdict, as long as the explanation itself succeeded')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'End with status 65 if any record in the input was malformed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
