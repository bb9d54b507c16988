// Fetches the bindings of the current channel and hands them to the
// registrar: at start, when the current channel or team changes (debounced,
// since a channel switch changes the store several times), and on demand
// (the refresh_bindings websocket event, or a call response that asks for
// it). Only the newest request counts: an older answer that arrives late is
// dropped, and its request aborted.
import type {BindingsQuery, RequestOptions} from '../client';
import type {PluginStore} from '../types/registry';

import {currentChannelId, currentTeamId} from './host_state';
import {parseBindings} from './parse';
import type {ParsedBindings} from './types';

export interface BindingsTarget {
    update(bindings: ParsedBindings): void;
    clear(): void;
}

export interface BindingsManagerDeps {
    store: Pick<PluginStore, 'getState' | 'subscribe'>;
    fetchBindings(query: BindingsQuery, options: RequestOptions): Promise<unknown>;
    target: BindingsTarget;
    debounceMs?: number;
}

export const DEFAULT_DEBOUNCE_MS = 150;

function keyOf(query: BindingsQuery): string {
    return `${query.teamId}/${query.channelId}`;
}

export class BindingsManager {
    private unsubscribe?: () => void;
    private timer?: ReturnType<typeof setTimeout>;
    private controller?: AbortController;
    private seq = 0;
    private watchedKey = '';

    // Channel whose bindings are registered now ('' = none).
    private appliedKey = '';
    private stopped = false;

    // Last failure, kept for debugging (never thrown or logged).
    lastError = '';

    constructor(private deps: BindingsManagerDeps) {}

    start() {
        this.stopped = false;
        this.unsubscribe = this.deps.store.subscribe(() => this.onStoreChange());
        this.watchedKey = keyOf(this.query());
        this.schedule();
    }

    stop() {
        this.stopped = true;
        this.unsubscribe?.();
        this.unsubscribe = undefined;
        clearTimeout(this.timer);
        this.seq++;
        this.controller?.abort();
        this.deps.target.clear();
        this.appliedKey = '';
    }

    // Re-reads the bindings of the current channel.
    refresh() {
        if (!this.stopped) {
            this.schedule();
        }
    }

    private query(): BindingsQuery {
        const state = this.deps.store.getState();
        return {channelId: currentChannelId(state), teamId: currentTeamId(state)};
    }

    private onStoreChange() {
        const key = keyOf(this.query());
        if (key !== this.watchedKey) {
            this.watchedKey = key;
            this.schedule();
        }
    }

    private schedule() {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => {
            void this.fetchNow();
        }, this.deps.debounceMs ?? DEFAULT_DEBOUNCE_MS);
    }

    private async fetchNow() {
        const query = this.query();
        const key = keyOf(query);
        const seq = ++this.seq;
        this.controller?.abort();
        if (!query.channelId) {
            // No channel yet (the webapp is still loading): nothing to show.
            this.controller = undefined;
            this.deps.target.clear();
            this.appliedKey = '';
            return;
        }
        const controller = new AbortController();
        this.controller = controller;
        try {
            const body = await this.deps.fetchBindings(query, {signal: controller.signal});
            if (seq !== this.seq) {
                return;
            }
            this.deps.target.update(parseBindings(body));
            this.appliedKey = key;
            this.lastError = '';
        } catch (err) {
            if (seq !== this.seq) {
                return;
            }
            this.lastError = err instanceof Error ? err.message : String(err);

            // A failed refresh keeps the channel's buttons; bindings of
            // another channel must not stay up for this one.
            if (this.appliedKey !== key) {
                this.deps.target.clear();
                this.appliedKey = '';
            }
        } finally {
            if (this.controller === controller) {
                this.controller = undefined;
            }
        }
    }
}
