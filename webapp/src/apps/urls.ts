// URL checks for values that come from apps: only http(s) URLs (or paths on
// this server, or inline images for <img>) ever reach an <img src>,
// window.open or location.assign, so a `javascript:` URL from an app can
// never run.

function parse(raw: string, base: string): URL | null {
    try {
        return new URL(raw, base);
    } catch {
        return null;
    }
}

function currentHref(): string {
    return typeof window === 'undefined' ? 'http://localhost/' : window.location.href;
}

// Inline images the server passes through unchanged. An image loaded by
// <img> cannot run script, SVG included.
const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|svg\+xml|bmp|x-icon)[;,]/i;

// An icon URL that is safe for <img src>, or '' (then a text icon is shown).
export function safeImageURL(raw: unknown): string {
    if (typeof raw !== 'string') {
        return '';
    }
    const value = raw.trim();
    if (!value) {
        return '';
    }
    if (DATA_IMAGE.test(value)) {
        return value;
    }

    // A path on this server (the plugin's static route); not protocol-relative.
    if (value.startsWith('/') && !value.startsWith('//')) {
        return parse(value, currentHref()) ? value : '';
    }
    const url = parse(value, currentHref());
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || !/^https?:\/\//i.test(value)) {
        return '';
    }
    return url.href;
}

// The absolute http(s) URL a navigate response points to, or null.
export function navigationURL(raw: unknown, base = currentHref()): URL | null {
    if (typeof raw !== 'string' || !raw.trim()) {
        return null;
    }
    const url = parse(raw.trim(), base);
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
        return null;
    }
    return url;
}
