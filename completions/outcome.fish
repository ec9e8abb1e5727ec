# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_outcome_global_optspecs
    string join \n format= color= exit-zero q/quiet catalog= h/help V/version
end

function __fish_outcome_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_outcome_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_outcome_using_subcommand
    set -l cmd (__fish_outcome_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c outcome -n "__fish_outcome_needs_command" -l format -d 'Output format for any command: human, json, line; summary also nagios, prometheus (after the command, its own --format wins)' -r -f -a "human\t'A table, worst first'
json\t'One JSON object'
line\t'Tab-separated rows: outcome, severity, jobs, title'
nagios\t'One Monitoring Plugins status line with perfdata'
prometheus\t'Prometheus textfile-collector metrics'"
complete -c outcome -n "__fish_outcome_needs_command" -l color -d 'When to use colour, for any command' -r -f -a "auto\t''
always\t''
never\t''"
complete -c outcome -n "__fish_outcome_needs_command" -l catalog -d 'A user catalog, for any command' -r -F
complete -c outcome -n "__fish_outcome_needs_command" -l exit-zero -d 'Exit 0 whatever the verdict, for any command'
complete -c outcome -n "__fish_outcome_needs_command" -s q -l quiet -d 'Print nothing on stdout, for any command'
complete -c outcome -n "__fish_outcome_needs_command" -s h -l help -d 'Print help'
complete -c outcome -n "__fish_outcome_needs_command" -s V -l version -d 'Print version'
complete -c outcome -n "__fish_outcome_needs_command" -f -a "explain" -d 'Explain close reasons, job records or Scrapy logs'
complete -c outcome -n "__fish_outcome_needs_command" -f -a "list" -d 'Show the whole catalog of known outcomes'
complete -c outcome -n "__fish_outcome_needs_command" -f -a "summary" -d 'Aggregate many jobs into counts per outcome'
complete -c outcome -n "__fish_outcome_needs_command" -f -a "run" -d 'Run a crawl, pass its output through, and exit with its verdict'
complete -c outcome -n "__fish_outcome_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c outcome -n "__fish_outcome_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -s i -l input -d 'Read job JSON, JSON Lines, bare reasons or Scrapy logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such)' -r -F
complete -c outcome -n "__fish_outcome_using_subcommand explain" -l pid -d 'With --follow: the crawl\'s process; once it is gone and the log has stopped growing, the follow ends (a crawl killed before it closed is answered as such)' -r
complete -c outcome -n "__fish_outcome_using_subcommand explain" -l scrapyd -d 'Read the jobs of this Scrapyd (http://HOST:6800; user:password@ for basic auth): finished ones judged from their logs, running and pending ones reported as such' -r
complete -c outcome -n "__fish_outcome_using_subcommand explain" -l project -d 'With --scrapyd: only this project\'s jobs [default: every project]' -r
complete -c outcome -n "__fish_outcome_using_subcommand explain" -l user -d 'With --scrapyd: HTTP basic auth, USER:PASSWORD (outranks the URL\'s)' -r
complete -c outcome -n "__fish_outcome_using_subcommand explain" -l format -d 'Output format [default: human]' -r -f -a "human\t'Cards for people; one line per job for a stream'
json\t'One JSON object per item (JSON Lines for several)'
line\t'Tab-separated: job, outcome, severity, title'"
complete -c outcome -n "__fish_outcome_using_subcommand explain" -l color -d 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto) [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c outcome -n "__fish_outcome_using_subcommand explain" -l only -d 'Show only items of these severities (the exit status still covers every item)' -r -f -a "ok\t''
warning\t''
critical\t''
unknown\t''"
complete -c outcome -n "__fish_outcome_using_subcommand explain" -l expect -d 'Outcomes that count as OK for this run (custom reasons too); findings still apply' -r
complete -c outcome -n "__fish_outcome_using_subcommand explain" -l spider -d 'The spider of an input that does not name one (a plain log, a bare reason), for the project file\'s spider rules' -r
complete -c outcome -n "__fish_outcome_using_subcommand explain" -l history -d 'Compare each crawl with its spider\'s earlier runs kept in this SQLite file, and keep it there [default: the project file\'s `history`]' -r -F
complete -c outcome -n "__fish_outcome_using_subcommand explain" -l finding -d 'A finding\'s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)' -r
complete -c outcome -n "__fish_outcome_using_subcommand explain" -l catalog -d 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]' -r -F
complete -c outcome -n "__fish_outcome_using_subcommand explain" -s b -l brief -d 'Cards without the explanation and references: the verdict, the job\'s facts, the findings and the next steps'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -l follow -d 'Follow a log being written (one -i FILE): the run open in it now, else the next run to start (runs already closed in the file are history); print nothing until that run\'s crawls have closed, then the verdict; Ctrl-C gives what is known so far'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -s q -l quiet -d 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -l exit-zero -d 'Exit 0 whatever the verdict, as long as the explanation itself succeeded'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -l strict -d 'End with status 65 if any record in the input was malformed'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -s V -l version -d 'Print version'
complete -c outcome -n "__fish_outcome_using_subcommand list" -l severity -d 'Show only entries of these severities (any case)' -r -f -a "ok\t''
warning\t''
critical\t''
unknown\t''"
complete -c outcome -n "__fish_outcome_using_subcommand list" -l search -d 'Only the entries that mention WORD (any case) in their name, aliases, title, explanation, settings or next steps' -r
complete -c outcome -n "__fish_outcome_using_subcommand list" -l format -d 'Output format [default: human]' -r -f -a "human\t'Cards for people; one line per job for a stream'
json\t'One JSON object per item (JSON Lines for several)'
line\t'Tab-separated: job, outcome, severity, title'"
complete -c outcome -n "__fish_outcome_using_subcommand list" -l color -d 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto) [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c outcome -n "__fish_outcome_using_subcommand list" -l finding -d 'A finding\'s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)' -r
complete -c outcome -n "__fish_outcome_using_subcommand list" -l catalog -d 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]' -r -F
complete -c outcome -n "__fish_outcome_using_subcommand list" -l checks -d 'List the checks behind findings instead: id, thresholds, title'
complete -c outcome -n "__fish_outcome_using_subcommand list" -s q -l quiet -d 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
complete -c outcome -n "__fish_outcome_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c outcome -n "__fish_outcome_using_subcommand list" -s V -l version -d 'Print version'
complete -c outcome -n "__fish_outcome_using_subcommand summary" -s i -l input -d 'Read jobs or logs from FILE (`-` = stdin; a directory: every file below it, sorted; gzip is read as such); with none, stdin' -r -F
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l scrapyd -d 'Read the jobs of this Scrapyd (http://HOST:6800; user:password@ for basic auth): finished ones judged from their logs, running and pending ones reported as such' -r
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l project -d 'With --scrapyd: only this project\'s jobs [default: every project]' -r
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l user -d 'With --scrapyd: HTTP basic auth, USER:PASSWORD (outranks the URL\'s)' -r
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l by -d 'Break the counts down by this field' -r -f -a "spider\t''"
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l keys -d 'How many job keys each row names in human output (JSON lists them all; 0: none)' -r
complete -c outcome -n "__fish_outcome_using_subcommand summary" -s w -l warning -d 'WARNING when the jobs at WARNING or worse are outside RANGE (Monitoring Plugins syntax: 10, 10:, ~:10, 10:20, @10:20; a count, or with % a share of the jobs read)' -r
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l since -d 'Count only jobs that finished (or ran) since WHEN: 90s, 30m, 24h, 7d, 2w back from now, or a UTC date (2026-11-30, 2026-11-30T06:00:00); jobs without a time are left out' -r
complete -c outcome -n "__fish_outcome_using_subcommand summary" -s c -l critical -d 'CRITICAL when the CRITICAL jobs are outside RANGE (same syntax as -w)' -r
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l format -d 'Output format [default: human]' -r -f -a "human\t'A table, worst first'
json\t'One JSON object'
line\t'Tab-separated rows: outcome, severity, jobs, title'
nagios\t'One Monitoring Plugins status line with perfdata'
prometheus\t'Prometheus textfile-collector metrics'"
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l color -d 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto) [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l only -d 'Show only items of these severities (the exit status still covers every item)' -r -f -a "ok\t''
warning\t''
critical\t''
unknown\t''"
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l expect -d 'Outcomes that count as OK for this run (custom reasons too); findings still apply' -r
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l spider -d 'The spider of an input that does not name one (a plain log, a bare reason), for the project file\'s spider rules' -r
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l history -d 'Compare each crawl with its spider\'s earlier runs kept in this SQLite file, and keep it there [default: the project file\'s `history`]' -r -F
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l finding -d 'A finding\'s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)' -r
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l catalog -d 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]' -r -F
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l findings -d 'With --format line: one row per finding (id, severity, jobs, title) instead of one per outcome; human and JSON output always show both'
complete -c outcome -n "__fish_outcome_using_subcommand summary" -s q -l quiet -d 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l exit-zero -d 'Exit 0 whatever the verdict, as long as the explanation itself succeeded'
complete -c outcome -n "__fish_outcome_using_subcommand summary" -l strict -d 'End with status 65 if any record in the input was malformed'
complete -c outcome -n "__fish_outcome_using_subcommand summary" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c outcome -n "__fish_outcome_using_subcommand summary" -s V -l version -d 'Print version'
complete -c outcome -n "__fish_outcome_using_subcommand run" -l log -d 'Read the log from FILE (the crawl\'s LOG_FILE), followed from its current end, instead of from the command\'s stderr; without it, a `-s LOG_FILE=FILE` or `--logfile FILE` in the command is followed' -r -F
complete -c outcome -n "__fish_outcome_using_subcommand run" -l report -d 'Also write the report to FILE, in --format (the human report still goes to stderr unless -q)' -r -F
complete -c outcome -n "__fish_outcome_using_subcommand run" -l format -d 'Output format [default: human]' -r -f -a "human\t'Cards for people; one line per job for a stream'
json\t'One JSON object per item (JSON Lines for several)'
line\t'Tab-separated: job, outcome, severity, title'"
complete -c outcome -n "__fish_outcome_using_subcommand run" -l color -d 'When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto) [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c outcome -n "__fish_outcome_using_subcommand run" -l only -d 'Show only items of these severities (the exit status still covers every item)' -r -f -a "ok\t''
warning\t''
critical\t''
unknown\t''"
complete -c outcome -n "__fish_outcome_using_subcommand run" -l expect -d 'Outcomes that count as OK for this run (custom reasons too); findings still apply' -r
complete -c outcome -n "__fish_outcome_using_subcommand run" -l spider -d 'The spider of an input that does not name one (a plain log, a bare reason), for the project file\'s spider rules' -r
complete -c outcome -n "__fish_outcome_using_subcommand run" -l history -d 'Compare each crawl with its spider\'s earlier runs kept in this SQLite file, and keep it there [default: the project file\'s `history`]' -r -F
complete -c outcome -n "__fish_outcome_using_subcommand run" -l finding -d 'A finding\'s severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)' -r
complete -c outcome -n "__fish_outcome_using_subcommand run" -l catalog -d 'A user catalog (JSON, same format as the built-in one) that adds or overrides entries [default: $OUTCOME_CATALOG, when set and not empty]' -r -F
complete -c outcome -n "__fish_outcome_using_subcommand run" -s q -l quiet -d 'Print nothing on stdout; the exit status is the answer (errors still go to stderr)'
complete -c outcome -n "__fish_outcome_using_subcommand run" -l exit-zero -d 'Exit 0 whatever the verdict, as long as the explanation itself succeeded'
complete -c outcome -n "__fish_outcome_using_subcommand run" -l strict -d 'End with status 65 if any record in the input was malformed'
complete -c outcome -n "__fish_outcome_using_subcommand run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c outcome -n "__fish_outcome_using_subcommand run" -s V -l version -d 'Print version'
complete -c outcome -n "__fish_outcome_using_subcommand completions" -l dir -d 'Write the scripts for every shell into DIR instead, under their usual file names (DIR is created if missing)' -r -F
complete -c outcome -n "__fish_outcome_using_subcommand completions" -s q -l quiet -d 'Print nothing on stdout (with --dir the files are still written)'
complete -c outcome -n "__fish_outcome_using_subcommand completions" -s h -l help -d 'Print help'
complete -c outcome -n "__fish_outcome_using_subcommand completions" -s V -l version -d 'Print version'
complete -c outcome -n "__fish_outcome_using_subcommand help; and not __fish_seen_subcommand_from explain list summary run completions help" -f -a "explain" -d 'Explain close reasons, job records or Scrapy logs'
complete -c outcome -n "__fish_outcome_using_subcommand help; and not __fish_seen_subcommand_from explain list summary run completions help" -f -a "list" -d 'Show the whole catalog of known outcomes'
complete -c outcome -n "__fish_outcome_using_subcommand help; and not __fish_seen_subcommand_from explain list summary run completions help" -f -a "summary" -d 'Aggregate many jobs into counts per outcome'
complete -c outcome -n "__fish_outcome_using_subcommand help; and not __fish_seen_subcommand_from explain list summary run completions help" -f -a "run" -d 'Run a crawl, pass its output through, and exit with its verdict'
complete -c outcome -n "__fish_outcome_using_subcommand help; and not __fish_seen_subcommand_from explain list summary run completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c outcome -n "__fish_outcome_using_subcommand help; and not __fish_seen_subcommand_from explain list summary run completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'finished' -d 'The spider ran out of work and closed normally'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'start_error' -d 'The spider\'s start() raised before the crawl could begin'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'cancelled' -d 'The job was cancelled before it finished'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'shutdown' -d 'The crawler was told to stop (signal or crawler.stop())'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'closespider_timeout' -d 'The spider hit its CLOSESPIDER_TIMEOUT run-time limit'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'closespider_timeout_no_item' -d 'No item was scraped for CLOSESPIDER_TIMEOUT_NO_ITEM seconds'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'closespider_itemcount' -d 'The spider scraped the number of items it was limited to'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'closespider_pagecount' -d 'The spider received the number of responses it was limited to'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'closespider_pagecount_no_item' -d 'Too many responses in a row produced no item'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'closespider_errorcount' -d 'The spider raised CLOSESPIDER_ERRORCOUNT errors and was closed'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'memusage_exceeded' -d 'Scrapy\'s memory extension stopped the spider at its memory limit'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'killed_by_oom' -d 'The kernel\'s out-of-memory killer ended the job'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'diskusage_exceeded' -d 'The job ran out of its disk quota'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'failed' -d 'The job failed: it could not start or its runner crashed'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'cancelled_stalled' -d 'Scrapy Cloud cancelled the job after an hour without activity'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'cancelled_24h_limit' -d 'The job ran past the 24-hour limit of a free organization'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'cancelled_watchdog' -d 'A shub-workflow watchdog cancelled the job for running too long'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'cancel_timeout' -d 'The job did not stop within 5 minutes of being cancelled'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'banned' -d 'The proxy middleware gave up after too many bans in a row'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'slybot_fewitems_scraped' -d 'A Portia spider scraped too few items per period'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'project_deleted' -d 'The job was stopped because its project was deleted'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'no_reason' -d 'The job finished without setting an outcome (deprecated)'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'closespider_max_zapi_requests' -d 'The spider reached its ZYTE_API_MAX_REQUESTS budget'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'plugin_conflict' -d 'Smart Proxy Manager and Zyte API transparent mode are both enabled'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'failed_forbidden_domain' -d 'Zyte API refused every start request for a forbidden domain'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'zyte_api_bad_key' -d 'Zyte API rejected the API key (401)'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'zyte_api_suspended_account' -d 'Zyte API answered that the account is suspended (403)'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'bad_session_inits' -d 'Too many Zyte API session initializations failed'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'pool_error' -d 'Zyte API session management hit an error in a session pool'
complete -c outcome -n "__fish_outcome_using_subcommand explain" -f -a 'unsupported_set_location' -d 'The site does not support the setLocation action used for sessions'
