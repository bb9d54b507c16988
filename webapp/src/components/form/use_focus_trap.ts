import {useCallback, useEffect} from 'react';
import type React from 'react';

const FOCUSABLE = [
    'a[href]',
    'button:not([disabled])',
    'input:not([disabled]):not([type=hidden])',
    'select:not([disabled])',
    'textarea:not([disabled])',
    '[tabindex]:not([tabindex="-1"])',
].join(',');

export function focusables(root: HTMLElement): HTMLElement[] {
    return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE));
}

// Keeps keyboard focus inside a modal dialog: focuses its first form control
// on open, wraps Tab and Shift+Tab, pulls focus back if it escapes, and
// gives focus back to where it was when the dialog closes.
export function useFocusTrap(ref: React.RefObject<HTMLElement>): (event: React.KeyboardEvent) => void {
    useEffect(() => {
        const root = ref.current;
        if (!root) {
            return undefined;
        }
        const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
        const all = focusables(root);
        const firstControl = all.find((el) => ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName));
        (firstControl ?? all[0] ?? root).focus();

        const onFocusIn = (event: FocusEvent) => {
            if (event.target instanceof Node && !root.contains(event.target)) {
                (focusables(root)[0] ?? root).focus();
            }
        };
        document.addEventListener('focusin', onFocusIn);
        return () => {
            document.removeEventListener('focusin', onFocusIn);
            if (previous && document.contains(previous)) {
                previous.focus();
            }
        };
    }, [ref]);

    return useCallback((event: React.KeyboardEvent) => {
        const root = ref.current;
        if (event.key !== 'Tab' || !root) {
            return;
        }
        const all = focusables(root);
        if (all.length === 0) {
            event.preventDefault();
            return;
        }
        const first = all[0];
        const last = all[all.length - 1];
        const active = document.activeElement;
        if (event.shiftKey && (active === first || !root.contains(active))) {
            event.preventDefault();
            last.focus();
        } else if (!event.shiftKey && active === last) {
            event.preventDefault();
            first.focus();
        }
    }, [ref]);
}
