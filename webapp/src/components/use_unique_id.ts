import {useState} from 'react';

let counter = 0;

// A stable id for label/aria wiring. (React.useId needs React 18; the
// Mattermost versions this plugin supports do not all ship it.)
export function useUniqueId(prefix: string): string {
    const [id] = useState(() => `lambda-apps-${prefix}-${++counter}`);
    return id;
}
