// Every string the webapp shows, with its English default. Components format
// them with react-intl, which the Mattermost webapp provides (window.ReactIntl,
// a webpack external), so the host's locale and IntlProvider apply.
import {defineMessages} from 'react-intl';

export const appMessages = defineMessages({
    callFailed: {
        id: 'lambda-apps.call.failed',
        defaultMessage: 'The app could not be called: {error}',
    },
    appError: {
        id: 'lambda-apps.call.app_error',
        defaultMessage: 'The app returned an error without a message.',
    },
    badNavigate: {
        id: 'lambda-apps.call.bad_navigate',
        defaultMessage: 'The app asked to open a link that is not an http(s) URL: {url}',
    },
    popupBlocked: {
        id: 'lambda-apps.call.popup_blocked',
        defaultMessage: 'The browser blocked the new window. Open the link yourself: {url}',
    },
    noSubmit: {
        id: 'lambda-apps.form.no_submit',
        defaultMessage: 'This form cannot be submitted: the app did not say where to send it.',
    },
    noticeFrom: {
        id: 'lambda-apps.notice.from',
        defaultMessage: 'From {appId}',
    },
    dismiss: {
        id: 'lambda-apps.notice.dismiss',
        defaultMessage: 'Dismiss',
    },
    notices: {
        id: 'lambda-apps.notice.region',
        defaultMessage: 'App messages',
    },
});

export const formMessages = defineMessages({
    defaultTitle: {
        id: 'lambda-apps.form.default_title',
        defaultMessage: 'App form',
    },
    submit: {
        id: 'lambda-apps.form.submit',
        defaultMessage: 'Submit',
    },
    submitting: {
        id: 'lambda-apps.form.submitting',
        defaultMessage: 'Submitting…',
    },
    cancel: {
        id: 'lambda-apps.form.cancel',
        defaultMessage: 'Cancel',
    },
    close: {
        id: 'lambda-apps.form.close',
        defaultMessage: 'Close',
    },
    required: {
        id: 'lambda-apps.form.required',
        defaultMessage: 'This field is required.',
    },
    requiredMark: {
        id: 'lambda-apps.form.required_mark',
        defaultMessage: '(required)',
    },
    tooShort: {
        id: 'lambda-apps.form.too_short',
        defaultMessage: 'Enter at least {min} characters.',
    },
    tooLong: {
        id: 'lambda-apps.form.too_long',
        defaultMessage: 'Enter at most {max} characters.',
    },
    formHasErrors: {
        id: 'lambda-apps.form.has_errors',
        defaultMessage: 'Please fix the fields marked below.',
    },
    choose: {
        id: 'lambda-apps.form.choose',
        defaultMessage: 'Choose…',
    },
    search: {
        id: 'lambda-apps.form.search',
        defaultMessage: 'Search {label}',
    },
    searching: {
        id: 'lambda-apps.form.searching',
        defaultMessage: 'Searching…',
    },
    noResults: {
        id: 'lambda-apps.form.no_results',
        defaultMessage: 'No matches.',
    },
    lookupFailed: {
        id: 'lambda-apps.form.lookup_failed',
        defaultMessage: 'Could not load the choices: {error}',
    },
    userHint: {
        id: 'lambda-apps.form.user_hint',
        defaultMessage: 'Type part of a username, then pick the user.',
    },
    channelHint: {
        id: 'lambda-apps.form.channel_hint',
        defaultMessage: 'Type part of a channel name, then pick the channel.',
    },
    add: {
        id: 'lambda-apps.form.multi.add',
        defaultMessage: 'Add',
    },
    addTo: {
        id: 'lambda-apps.form.multi.add_to',
        defaultMessage: 'Add to {label}',
    },
    chooseToAdd: {
        id: 'lambda-apps.form.multi.choose',
        defaultMessage: 'Choose one to add…',
    },
    remove: {
        id: 'lambda-apps.form.multi.remove',
        defaultMessage: 'Remove {option}',
    },
    chosen: {
        id: 'lambda-apps.form.multi.chosen',
        defaultMessage: 'Chosen for {label}',
    },
    added: {
        id: 'lambda-apps.form.multi.added',
        defaultMessage: '{option} added.',
    },
    removed: {
        id: 'lambda-apps.form.multi.removed',
        defaultMessage: '{option} removed.',
    },
    refreshing: {
        id: 'lambda-apps.form.refreshing',
        defaultMessage: 'Updating the form…',
    },
});

export const statusMessages = defineMessages({
    tableLabel: {id: 'lambda-apps.status.table', defaultMessage: 'Lambda Apps status'},
    loading: {id: 'lambda-apps.status.loading', defaultMessage: 'Loading status…'},
    loadFailed: {id: 'lambda-apps.status.load_failed', defaultMessage: 'Could not load the status. {error}'},
    reload: {id: 'lambda-apps.status.reload', defaultMessage: 'Reload status'},
    refreshCatalog: {id: 'lambda-apps.status.refresh_catalog', defaultMessage: 'Refresh catalog'},
    refreshing: {id: 'lambda-apps.status.refreshing', defaultMessage: 'Refreshing the catalog…'},
    refreshed: {
        id: 'lambda-apps.status.refreshed',
        defaultMessage: 'Catalog refreshed: {apps, plural, one {# app} other {# apps}} ({listed, plural, one {# manifest} other {# manifests}} listed, {fetched} downloaded, {reused} unchanged, {skipped} skipped).',
    },
    refreshedPlain: {id: 'lambda-apps.status.refreshed_plain', defaultMessage: 'Catalog refreshed.'},
    refreshFailed: {id: 'lambda-apps.status.refresh_failed', defaultMessage: 'Catalog refresh failed. {error}'},
    unknown: {id: 'lambda-apps.status.unknown', defaultMessage: 'unknown'},
    none: {id: 'lambda-apps.status.none', defaultMessage: 'none'},
    never: {id: 'lambda-apps.status.never', defaultMessage: 'never'},
    notConfigured: {id: 'lambda-apps.status.not_configured', defaultMessage: 'not configured'},
    awsDefault: {id: 'lambda-apps.status.aws_default', defaultMessage: 'AWS default'},
    withSource: {id: 'lambda-apps.status.with_source', defaultMessage: '{value} (from {source})'},
    yes: {id: 'lambda-apps.status.yes', defaultMessage: 'yes'},
    no: {id: 'lambda-apps.status.no', defaultMessage: 'no'},
    noWithReason: {id: 'lambda-apps.status.no_with_reason', defaultMessage: 'no: {reason}'},
    set: {id: 'lambda-apps.status.set', defaultMessage: 'set'},
    notSet: {id: 'lambda-apps.status.not_set', defaultMessage: 'not set'},
    apps: {id: 'lambda-apps.status.apps', defaultMessage: '{count, plural, one {# app} other {# apps}}'},
    appsDetail: {
        id: 'lambda-apps.status.apps_detail',
        defaultMessage: '{count, plural, one {# app} other {# apps}} ({manifests, plural, one {# manifest} other {# manifests}}, {skipped} skipped)',
    },
    fromCache: {id: 'lambda-apps.status.from_cache', defaultMessage: 'cached copy: S3 has not been read since the plugin started'},
    fromS3: {id: 'lambda-apps.status.from_s3', defaultMessage: 'S3'},
    rowVersion: {id: 'lambda-apps.status.row.version', defaultMessage: 'Plugin version'},
    rowCredentials: {id: 'lambda-apps.status.row.credentials', defaultMessage: 'AWS credentials'},
    rowRegion: {id: 'lambda-apps.status.row.region', defaultMessage: 'AWS region'},
    rowBucket: {id: 'lambda-apps.status.row.bucket', defaultMessage: 'S3 bucket'},
    rowS3Endpoint: {id: 'lambda-apps.status.row.s3_endpoint', defaultMessage: 'S3 endpoint'},
    rowLambdaEndpoint: {id: 'lambda-apps.status.row.lambda_endpoint', defaultMessage: 'Lambda endpoint'},
    rowReachable: {id: 'lambda-apps.status.row.reachable', defaultMessage: 'Bucket reachable'},
    rowProblems: {id: 'lambda-apps.status.row.problems', defaultMessage: 'Configuration problems'},
    rowCatalog: {id: 'lambda-apps.status.row.catalog', defaultMessage: 'Apps in catalog'},
    rowCatalogSource: {id: 'lambda-apps.status.row.catalog_source', defaultMessage: 'Catalog source'},
    rowLastSync: {id: 'lambda-apps.status.row.last_sync', defaultMessage: 'Last catalog sync'},
    rowLastAttempt: {id: 'lambda-apps.status.row.last_attempt', defaultMessage: 'Last sync attempt'},
    rowLastError: {id: 'lambda-apps.status.row.last_error', defaultMessage: 'Last error'},
    rowCheckedAt: {id: 'lambda-apps.status.row.checked_at', defaultMessage: 'Status checked'},
    installedTitle: {id: 'lambda-apps.status.installed.title', defaultMessage: 'Installed apps'},
    installedNone: {id: 'lambda-apps.status.installed.none', defaultMessage: 'No apps are installed. Type /apps install listed in a channel to install one.'},
    colApp: {id: 'lambda-apps.status.installed.app', defaultMessage: 'App'},
    colVersion: {id: 'lambda-apps.status.installed.version', defaultMessage: 'Version'},
    colState: {id: 'lambda-apps.status.installed.state', defaultMessage: 'State'},
    enabled: {id: 'lambda-apps.status.installed.enabled', defaultMessage: 'enabled'},
    disabled: {id: 'lambda-apps.status.installed.disabled', defaultMessage: 'disabled'},
});

export const callMessages = defineMessages({
    title: {id: 'lambda-apps.calls.title', defaultMessage: 'App calls on this server node since {since}'},
    titleNoTime: {id: 'lambda-apps.calls.title_no_time', defaultMessage: 'App calls on this server node'},
    none: {id: 'lambda-apps.calls.none', defaultMessage: 'no calls yet.'},
    clusterNote: {
        id: 'lambda-apps.calls.cluster_note',
        defaultMessage: 'Each node of a cluster counts the calls it makes. Latencies are within 19%. Type /apps info and an app ID to see the calls of that app per path.',
    },
    colApp: {id: 'lambda-apps.calls.col.app', defaultMessage: 'App / path'},
    colCallsHour: {id: 'lambda-apps.calls.col.calls_hour', defaultMessage: 'Calls (1 h)'},
    colErrorsHour: {id: 'lambda-apps.calls.col.errors_hour', defaultMessage: 'Errors (1 h)'},
    colLatencyHour: {id: 'lambda-apps.calls.col.latency_hour', defaultMessage: 'p50 / p99 (1 h)'},
    colCalls: {id: 'lambda-apps.calls.col.calls', defaultMessage: 'Calls'},
    colErrors: {id: 'lambda-apps.calls.col.errors', defaultMessage: 'Errors'},
    colLatency: {id: 'lambda-apps.calls.col.latency', defaultMessage: 'p50 / p99'},
    colClasses: {id: 'lambda-apps.calls.col.classes', defaultMessage: 'Errors by class'},
    allPaths: {id: 'lambda-apps.calls.all_paths', defaultMessage: '{app} (all paths)'},
});
