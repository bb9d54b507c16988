import React, {useCallback, useEffect, useRef, useState} from 'react';
import {useIntl} from 'react-intl';
import type {IntlShape} from 'react-intl';

import {getStatus, refreshCatalog} from '../client';
import type {PluginStatus} from '../client';
import {statusMessages as m} from '../i18n/messages';

import {AppCallsTable} from './app_calls_table';
import {InstalledAppsTable, StatusTable} from './status_table';

type LoadState =
    | {kind: 'loading'; previous?: PluginStatus}
    | {kind: 'ok'; status: PluginStatus}
    | {kind: 'error'; message: string};

type RefreshState =
    | {kind: 'idle'}
    | {kind: 'running'}
    | {kind: 'done'; message: string}
    | {kind: 'failed'; message: string};

function errorText(err: unknown): string {
    return err instanceof Error && err.message ? err.message : String(err);
}

function pick(result: Record<string, unknown>, key: string): number | undefined {
    for (const k of [key, key.charAt(0).toUpperCase() + key.slice(1)]) {
        const value = result[k];
        if (typeof value === 'number' && Number.isFinite(value)) {
            return value;
        }
    }
    return undefined;
}

// Summary of a POST /refresh answer. The sync result's keys may be
// snake_case or Go field names; without the counts it just says "refreshed".
export function refreshSummary(intl: IntlShape, result: unknown): string {
    if (result && typeof result === 'object' && !Array.isArray(result)) {
        const r = result as Record<string, unknown>;
        const counts = {
            apps: pick(r, 'apps'),
            listed: pick(r, 'listed'),
            fetched: pick(r, 'fetched'),
            reused: pick(r, 'reused'),
            skipped: pick(r, 'skipped'),
        };
        if (Object.values(counts).every((v) => v !== undefined)) {
            return intl.formatMessage(m.refreshed, counts as Record<string, number>);
        }
    }
    return intl.formatMessage(m.refreshedPlain);
}

const styles: Record<string, React.CSSProperties> = {
    error: {color: 'var(--error-text, #d24b4e)', marginBottom: '8px'},
    buttons: {display: 'flex', gap: '8px', flexWrap: 'wrap'},
    outcome: {marginTop: '8px'},
};

// System Console custom setting ("Status" in plugin.json): a read-only view
// of GET /status, a button to reload it and one to resync the catalog from S3
// (POST /refresh) that reloads the status afterwards.
export default function StatusPanel() {
    const intl = useIntl();
    const [state, setState] = useState<LoadState>({kind: 'loading'});
    const [refresh, setRefresh] = useState<RefreshState>({kind: 'idle'});
    const controller = useRef<AbortController | null>(null);
    const mounted = useRef(true);

    const load = useCallback(() => {
        // A newer request supersedes an older one still in flight.
        controller.current?.abort();
        const current = new AbortController();
        controller.current = current;

        setState((prev) => ({kind: 'loading', previous: prev.kind === 'ok' ? prev.status : prev.kind === 'loading' ? prev.previous : undefined}));
        getStatus({signal: current.signal}).then(
            (status) => {
                if (!current.signal.aborted) {
                    setState({kind: 'ok', status});
                }
            },
            (err: unknown) => {
                if (!current.signal.aborted) {
                    setState({kind: 'error', message: errorText(err)});
                }
            },
        );
    }, []);

    useEffect(() => {
        mounted.current = true;
        load();
        return () => {
            mounted.current = false;
            controller.current?.abort();
        };
    }, [load]);

    const refreshNow = async () => {
        setRefresh({kind: 'running'});
        try {
            const result = await refreshCatalog();
            if (mounted.current) {
                setRefresh({kind: 'done', message: refreshSummary(intl, result)});
            }
        } catch (err) {
            if (mounted.current) {
                setRefresh({kind: 'failed', message: intl.formatMessage(m.refreshFailed, {error: errorText(err)})});
            }
        }

        // Either way the status changed (last sync, last error).
        if (mounted.current) {
            load();
        }
    };

    const loading = state.kind === 'loading';
    const refreshing = refresh.kind === 'running';
    const shown = state.kind === 'ok' ? state.status : (state.kind === 'loading' ? state.previous : undefined);

    return (
        <div aria-busy={loading || refreshing}>
            {loading && (
                <p role='status'>
                    {intl.formatMessage(m.loading)}
                </p>
            )}
            {state.kind === 'error' && (
                <div
                    role='alert'
                    style={styles.error}
                >
                    {intl.formatMessage(m.loadFailed, {error: state.message})}
                </div>
            )}
            {shown && (
                <>
                    <StatusTable status={shown}/>
                    <InstalledAppsTable apps={shown.installed_apps}/>
                    <AppCallsTable
                        apps={shown.app_calls}
                        since={shown.app_calls_since}
                    />
                </>
            )}
            <div style={styles.buttons}>
                <button
                    type='button'
                    className='btn btn-tertiary'
                    onClick={load}
                    disabled={loading}
                >
                    {intl.formatMessage(m.reload)}
                </button>
                <button
                    type='button'
                    className='btn btn-primary'
                    onClick={() => {
                        void refreshNow();
                    }}
                    disabled={refreshing}
                >
                    {intl.formatMessage(m.refreshCatalog)}
                </button>
            </div>
            <div
                style={styles.outcome}
                aria-live='polite'
                data-testid='refresh-outcome'
            >
                {refresh.kind === 'running' && intl.formatMessage(m.refreshing)}
                {refresh.kind === 'done' && refresh.message}
                {refresh.kind === 'failed' && (
                    <span
                        role='alert'
                        style={styles.error}
                    >
                        {refresh.message}
                    </span>
                )}
            </div>
        </div>
    );
}
