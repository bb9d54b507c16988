// State of the plugin's own UI (notices and the form dialog), kept outside
// React so the call controller can change it and the root component can
// render it (useSyncExternalStore).
import type {UIText} from '../i18n/ui_text';

import type {CallContext, Form} from './types';

export interface Notice {
    id: number;
    kind: 'info' | 'error';
    appId: string;
    text: UIText;

    // App texts are markdown; our own messages are plain.
    markdown: boolean;
}

export interface OpenDialog {
    id: number;
    form: Form;
    context: CallContext;
}

export interface UIState {
    notices: Notice[];
    dialog: OpenDialog | null;
}

// How many notices stay on screen at once; older ones are dropped.
export const MAX_NOTICES = 4;

export class UIStore {
    private state: UIState = {notices: [], dialog: null};
    private listeners = new Set<() => void>();
    private nextId = 1;

    subscribe = (listener: () => void): (() => void) => {
        this.listeners.add(listener);
        return () => {
            this.listeners.delete(listener);
        };
    };

    getState = (): UIState => this.state;

    private set(next: UIState) {
        this.state = next;
        for (const listener of Array.from(this.listeners)) {
            listener();
        }
    }

    notify(notice: Omit<Notice, 'id'>): number {
        const id = this.nextId++;
        const notices = [...this.state.notices, {...notice, id}].slice(-MAX_NOTICES);
        this.set({...this.state, notices});
        return id;
    }

    dismiss(id: number) {
        if (this.state.notices.some((n) => n.id === id)) {
            this.set({...this.state, notices: this.state.notices.filter((n) => n.id !== id)});
        }
    }

    // Opens a form, replacing any open one (an app may answer a form
    // submission with the next form).
    openForm(form: Form, context: CallContext): number {
        const id = this.nextId++;
        this.set({...this.state, dialog: {id, form, context}});
        return id;
    }

    // Closes the dialog; with an id, only if that dialog is still the open one.
    closeForm(id?: number) {
        if (this.state.dialog && (id === undefined || this.state.dialog.id === id)) {
            this.set({...this.state, dialog: null});
        }
    }
}
