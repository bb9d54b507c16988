// Follows a navigate response. Links inside the Mattermost site use the
// webapp's router when the host exposes it (no page reload); other links
// replace the page, or open a new window when the app asks for an external
// browser. Only http(s) URLs are followed.
import {getSitePath} from '../client';

import {navigationURL} from './urls';

interface HostHistory {
    push(path: string): void;
}

// The browser APIs navigation uses; replaceable in tests.
export interface NavigateEnv {
    href: string;
    origin: string;
    assign(url: string): void;
    open(url: string, target: string, features: string): unknown;
    history?: HostHistory;
}

export type NavigateOutcome = 'done' | 'invalid' | 'blocked';

function hostHistory(): HostHistory | undefined {
    const history = (window as unknown as {WebappUtils?: {browserHistory?: HostHistory}}).WebappUtils?.browserHistory;
    return history && typeof history.push === 'function' ? history : undefined;
}

export function browserEnv(): NavigateEnv {
    return {
        href: window.location.href,
        origin: window.location.origin,
        assign: (url) => window.location.assign(url),
        open: (url, target, features) => window.open(url, target, features),
        history: hostHistory(),
    };
}

export function navigate(raw: string, external: boolean, env: NavigateEnv = browserEnv()): NavigateOutcome {
    const url = navigationURL(raw, env.href);
    if (!url) {
        return 'invalid';
    }
    if (external) {
        // With noopener, window.open returns null even on success, so null is
        // no proof of a blocked popup: only a thrown error is reported.
        try {
            env.open(url.href, '_blank', 'noopener,noreferrer');
        } catch {
            return 'blocked';
        }
        return 'done';
    }
    const sitePath = getSitePath();
    const inSite = url.origin === env.origin &&
        (sitePath === '' || url.pathname === sitePath || url.pathname.startsWith(`${sitePath}/`));
    if (inSite && env.history) {
        // The webapp's history is relative to the site path.
        env.history.push(`${url.pathname.slice(sitePath.length) || '/'}${url.search}${url.hash}`);
        return 'done';
    }
    env.assign(url.href);
    return 'done';
}
