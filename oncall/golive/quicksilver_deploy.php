<?php
// pantheon-oncall: mark every deploy of this site in New Relic and PagerDuty.
//
// A Quicksilver `webphp` script, written by `oncall quicksilver` from the site's stacks: regenerate
// it rather than editing it (the settings below are the stacks', each environment's own).
//
// What Pantheon hands the script (docs.pantheon.io/guides/quicksilver/variables): $_POST holds
// `wf_type`, `environment`, `trace_id` (the workflow's id), `site_id`, `user_email`,
// `user_fullname`, `qs_description`, and `deploy_message` on a deploy to Test or Live when one was
// given. The `deploy` hook runs on the target environment (test or live), `sync_code` on dev or a
// multidev (docs.pantheon.io/guides/quicksilver/hooks). A webphp script runs as any PHP request
// does, within the platform's 120 s limit (docs.pantheon.io/guides/platform-considerations): the
// timeouts below keep all three calls well inside it.
//
// Secrets (docs.pantheon.io/guides/secrets/php): pantheon_get_secret(NAME) reads a secret of type
// `runtime` with the scope `web`, this environment's override when it has one; values are cached
// for up to 15 minutes. A site-wide value that is the placeholder "unset" means "not for this
// environment": only the environment overrides hold keys, so a multidev's code never reads them.
//
// New Relic (docs.newrelic.com/docs/change-tracking/change-tracking-graphql): the deploy marker is
// the NerdGraph mutation `changeTrackingCreateDeployment(deployment: ChangeTrackingDeploymentInput!)`
// with entityGuid and version required, and changelog, commit, deepLink, deploymentType,
// description, groupId, timestamp (epoch milliseconds) and user optional (the input
// newrelic-client-go sends: pkg/changetracking/changetracking_api.go). The APM entity's GUID is
// looked up by name with `actor.entitySearch`, as Pantheon's own example does
// (pantheon-systems/quicksilver-examples, new_relic_deploy/new_relic_deploy.php); here every value
// travels as a GraphQL variable, never spliced into the query text.
//
// PagerDuty (PagerDuty/api-schema, reference/events-v2/openapiv3.json, POST /v2/change/enqueue):
// `routing_key` and `payload.summary` are required; `payload.timestamp`, `.source`,
// `.custom_details` and `links` are optional. 202 means accepted, 400 an invalid event (never
// retried); 429, 5xx and network errors may be retried.
//
// Nothing here fails the workflow: each call has a connect and a total timeout and is tried at most
// twice; every problem is one log line, and the script always ends with exit status 0. No secret is
// printed: every line goes through oncall_log(), which blanks each secret the script has read.

declare(strict_types=1);

const ONCALL_SETTINGS = <<<'ONCALL_SETTINGS_JSON'
{{SETTINGS}}
ONCALL_SETTINGS_JSON;

const ONCALL_WORKFLOWS = ['deploy' => 'Deploy', 'sync_code' => 'Code sync', 'sync_code_with_build' => 'Code sync'];
const ONCALL_PLACEHOLDER = 'unset';
const ONCALL_SUMMARY_MAX = 1024;

if (extension_loaded('newrelic')) {
    // The script's own request is not the site's traffic.
    newrelic_ignore_transaction();
}
oncall_run(is_array($_POST ?? null) ? $_POST : []);
exit(0);

function oncall_run(array $post): void
{
    $settings = json_decode(ONCALL_SETTINGS, true);
    $workflow = oncall_text($post['wf_type'] ?? '');
    $env = oncall_text($post['environment'] ?? (getenv('PANTHEON_ENVIRONMENT') ?: ''));
    if (!isset(ONCALL_WORKFLOWS[$workflow])) {
        oncall_log("the workflow '$workflow' is not a deploy or a code sync: nothing to mark");
        return;
    }
    $target = $settings['environments'][$env] ?? null;
    if (!is_array($target)) {
        oncall_log("the environment '$env' has no on-call stack of {$settings['site']}: nothing to mark");
        return;
    }
    if (!function_exists('curl_init')) {
        oncall_log('PHP has no curl extension here: nothing sent');
        return;
    }
    $change = oncall_change($post, $settings, $workflow, $env, $target);
    if ($target['newrelic'] !== null) {
        oncall_new_relic($change, $target['newrelic'], $settings);
    }
    if ($target['pagerduty'] !== null) {
        oncall_pagerduty($change, $target['pagerduty'], $settings);
    }
}

/** What both markers say about this workflow run. */
function oncall_change(array $post, array $settings, string $workflow, string $env, array $target): array
{
    $user = oncall_text($post['user_email'] ?? '') ?: (oncall_text($post['user_fullname'] ?? '') ?: 'Pantheon');
    $message = oncall_text($post['deploy_message'] ?? '');
    $trace = oncall_text($post['trace_id'] ?? '');
    $site_id = oncall_text($post['site_id'] ?? '');
    $summary = ONCALL_WORKFLOWS[$workflow] . " to $env of {$settings['site']} by $user" . ($message === '' ? '' : ": $message");
    $dashboard = null;
    if (preg_match('/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/', $site_id) === 1) {
        $tab = $workflow === 'deploy' ? 'deploys' : 'code';
        $dashboard = "https://dashboard.pantheon.io/sites/$site_id#$env/$tab";
    }
    // The request's start (the workflow's webphp call), not a clock read of our own.
    $started = (int) ($_SERVER['REQUEST_TIME'] ?? 0);
    return [
        'workflow' => $workflow,
        'description' => oncall_text($post['qs_description'] ?? ''),
        'env' => $env,
        'stack' => $target['stack'],
        'user' => $user,
        'message' => $message,
        'trace' => $trace,
        'summary' => oncall_cut($summary, ONCALL_SUMMARY_MAX),
        'dashboard' => $dashboard,
        'url' => $target['url'],
        'host' => $target['host'],
        'millis' => $started * 1000,
        'timestamp' => gmdate('Y-m-d\TH:i:s\Z', $started),
    ];
}

function oncall_new_relic(array $change, array $nr, array $settings): void
{
    $key = oncall_secret($settings['secrets']['newrelic'], 'New Relic');
    if ($key === null) {
        return;
    }
    $headers = ['Content-Type: application/json', "API-Key: $key"];
    $search = sprintf(
        "domain = 'APM' AND type = 'APPLICATION' AND name = '%s'",
        addcslashes($nr['app'], "'\\")
    );
    $found = oncall_graphql($nr['url'], $headers, $settings, 'New Relic app lookup', [
        'query' => 'query($search: String!) { actor { entitySearch(query: $search) { results { entities { guid name accountId } } } } }',
        'variables' => ['search' => $search],
    ]);
    if ($found === null) {
        return;
    }
    $guids = [];
    foreach ($found['actor']['entitySearch']['results']['entities'] ?? [] as $entity) {
        $same_account = $nr['accountId'] === null || (string) ($entity['accountId'] ?? '') === $nr['accountId'];
        if (($entity['name'] ?? null) === $nr['app'] && $same_account && is_string($entity['guid'] ?? null)) {
            $guids[] = $entity['guid'];
        }
    }
    if (count($guids) !== 1) {
        $where = $nr['accountId'] === null ? '' : " in account {$nr['accountId']}";
        oncall_log("New Relic: " . count($guids) . " APM apps named '{$nr['app']}'$where (expected one): no deploy marker");
        return;
    }
    $deployment = [
        'entityGuid' => $guids[0],
        'version' => $change['trace'] !== '' ? $change['trace'] : $change['timestamp'],
        'user' => $change['user'],
        'description' => $change['summary'],
        'groupId' => $change['trace'],
        'deploymentType' => 'BASIC',
        'timestamp' => $change['millis'],
    ];
    if ($change['dashboard'] !== null) {
        $deployment['deepLink'] = $change['dashboard'];
    }
    if ($change['message'] !== '') {
        $deployment['changelog'] = $change['message'];
    }
    $created = oncall_graphql($nr['url'], $headers, $settings, 'New Relic deploy marker', [
        'query' => 'mutation($deployment: ChangeTrackingDeploymentInput!) { changeTrackingCreateDeployment(deployment: $deployment) { deploymentId entityGuid } }',
        'variables' => ['deployment' => $deployment],
    ]);
    $id = $created['changeTrackingCreateDeployment']['deploymentId'] ?? null;
    if (is_string($id)) {
        oncall_log("New Relic: deploy marker $id on '{$nr['app']}'");
    } elseif ($created !== null) {
        oncall_log('New Relic deploy marker: the answer has no deploymentId');
    }
}

/** The `data` of a GraphQL answer, or null (said in the log) when there is none. */
function oncall_graphql(string $url, array $headers, array $settings, string $what, array $request): ?array
{
    $answer = oncall_post($url, $headers, $request, $settings, $what);
    if ($answer === null) {
        return null;
    }
    $doc = json_decode($answer['body'], true);
    if ($answer['status'] !== 200 || !is_array($doc)) {
        oncall_log("$what: New Relic answered {$answer['status']}: " . oncall_cut(oncall_text($answer['body']), 200));
        return null;
    }
    if (!empty($doc['errors'])) {
        $messages = array_map(fn ($e) => oncall_text(is_array($e) ? ($e['message'] ?? '') : $e), (array) $doc['errors']);
        oncall_log("$what: New Relic refused it: " . oncall_cut(implode('; ', $messages), 300));
        return null;
    }
    return is_array($doc['data'] ?? null) ? $doc['data'] : null;
}

function oncall_pagerduty(array $change, array $pd, array $settings): void
{
    $key = oncall_secret($settings['secrets']['pagerduty'], 'PagerDuty');
    if ($key === null) {
        return;
    }
    if (preg_match('/^[A-Za-z0-9]{32}$/', $key) !== 1) {
        oncall_log('PagerDuty: the secret ' . $settings['secrets']['pagerduty'] . ' is not an Events API v2 integration key (32 letters and digits): no change event');
        return;
    }
    $details = [
        'site' => $settings['site'],
        'environment' => $change['env'],
        'workflow' => $change['workflow'],
        'trace_id' => $change['trace'],
        'user' => $change['user'],
        'stack' => $change['stack'],
    ];
    if ($change['description'] !== '') {
        $details['quicksilver'] = $change['description'];
    }
    if ($change['message'] !== '') {
        $details['deploy_message'] = $change['message'];
    }
    $links = [];
    if ($change['dashboard'] !== null) {
        $links[] = ['href' => $change['dashboard'], 'text' => "Pantheon dashboard: {$settings['site']} {$change['env']}"];
    }
    $links[] = ['href' => $change['url'], 'text' => 'The site'];
    $event = [
        'routing_key' => $key,
        'payload' => [
            'summary' => $change['summary'],
            'source' => $change['host'],
            'timestamp' => $change['timestamp'],
            'custom_details' => $details,
        ],
        'links' => $links,
    ];
    $answer = oncall_post($pd['url'], ['Content-Type: application/json'], $event, $settings, 'PagerDuty change event');
    if ($answer === null) {
        return;
    }
    if ($answer['status'] === 202) {
        oncall_log("PagerDuty: change event accepted for the service '{$pd['service']}'");
        return;
    }
    // PagerDuty's refusal says why in `message` and `errors`.
    $doc = json_decode($answer['body'], true);
    $said = is_array($doc)
        ? implode('; ', array_filter(array_map('oncall_text', [$doc['message'] ?? '', ...((array) ($doc['errors'] ?? []))])))
        : oncall_text($answer['body']);
    oncall_log("PagerDuty change event: PagerDuty answered {$answer['status']}: " . oncall_cut($said, 300));
}

/**
 * POST `$body` as JSON; the answer (status and body), or null after the tries, each failure
 * logged. Retried once: a network error, a timeout, 429 or 5xx. A redirect is never followed.
 */
function oncall_post(string $url, array $headers, array $body, array $settings, string $what): ?array
{
    $limits = $settings['limits'];
    $host = (string) parse_url($url, PHP_URL_HOST);
    $scheme = (string) parse_url($url, PHP_URL_SCHEME);
    if ($scheme !== 'https' && !($scheme === 'http' && in_array($host, ['127.0.0.1', '::1', '[::1]', 'localhost'], true))) {
        oncall_log("$what: refusing to send to '$url' (not https)");
        return null;
    }
    $problem = '';
    for ($try = 1; $try <= $limits['tries']; $try++) {
        if ($try > 1) {
            oncall_log("$what: $problem; trying again in {$limits['retryWaitSeconds']} s");
            usleep((int) ($limits['retryWaitSeconds'] * 1000000));
        }
        $curl = curl_init($url);
        curl_setopt_array($curl, [
            CURLOPT_POST => true,
            CURLOPT_POSTFIELDS => json_encode($body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE),
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_PROTOCOLS => CURLPROTO_HTTPS | CURLPROTO_HTTP,
            CURLOPT_CONNECTTIMEOUT_MS => (int) ($limits['connectSeconds'] * 1000),
            CURLOPT_TIMEOUT_MS => (int) ($limits['totalSeconds'] * 1000),
            CURLOPT_NOSIGNAL => true,
        ]);
        $text = curl_exec($curl);
        $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        $error = curl_error($curl);
        curl_close($curl);
        if (!is_string($text)) {
            $problem = "could not reach $host ($error)";
            continue;
        }
        if ($status === 429 || $status >= 500) {
            $problem = "$host answered $status";
            continue;
        }
        if ($status >= 300 && $status < 400) {
            oncall_log("$what: $host answered $status (a redirect, not followed): nothing sent");
            return null;
        }
        return ['status' => $status, 'body' => $text];
    }
    oncall_log("$what: not sent after {$limits['tries']} tries: $problem");
    return null;
}

/** This environment's value of the secret, or null (said in the log) when it has none. */
function oncall_secret(string $name, string $what): ?string
{
    if (!function_exists('pantheon_get_secret')) {
        oncall_log("$what: pantheon_get_secret() is not available (Pantheon Secrets Manager): nothing sent");
        return null;
    }
    $value = pantheon_get_secret($name);
    $value = is_string($value) ? trim($value) : '';
    oncall_hidden($value);
    if ($value === '' || $value === ONCALL_PLACEHOLDER) {
        oncall_log("$what: the secret $name has no value for this environment: nothing sent");
        return null;
    }
    if (preg_match('/^[\x21-\x7e]+$/', $value) !== 1) {
        oncall_log("$what: the secret $name has spaces or control characters in it: nothing sent");
        return null;
    }
    return $value;
}

/** Print one line, every secret read so far blanked. */
function oncall_log(string $line): void
{
    foreach (oncall_hidden() as $secret) {
        $line = str_replace($secret, '[redacted]', $line);
    }
    echo 'pantheon-oncall: ' . $line . "\n";
}

/** The secrets read so far (never printed); `$secret` adds one. */
function oncall_hidden(string $secret = ''): array
{
    static $secrets = [];
    if (strlen($secret) >= 4) {
        $secrets[] = $secret;
    }
    return $secrets;
}

/** A value from $_POST or an answer as one line of text. */
function oncall_text($value): string
{
    if (!is_scalar($value)) {
        return '';
    }
    return trim((string) preg_replace('/[\x00-\x1f\x7f]+/', ' ', (string) $value));
}

/** At most `$max` bytes of `$text`, cut between UTF-8 characters. */
function oncall_cut(string $text, int $max): string
{
    if (strlen($text) <= $max) {
        return $text;
    }
    $cut = substr($text, 0, $max);
    while ($cut !== '' && (ord($cut[strlen($cut) - 1]) & 0xC0) === 0x80) {
        $cut = substr($cut, 0, -1);
    }
    if ($cut !== '' && ord($cut[strlen($cut) - 1]) >= 0xC0) {
        $cut = substr($cut, 0, -1);
    }
    return $cut;
}
