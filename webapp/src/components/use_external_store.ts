import {useEffect, useState} from 'react';

interface ExternalStore<T> {
    subscribe(listener: () => void): () => void;
    getState(): T;
}

// Subscribes a component to a store outside React. Works on React 16.8+,
// unlike useSyncExternalStore.
export function useExternalStore<T>(store: ExternalStore<T>): T {
    const [state, setState] = useState(() => store.getState());
    useEffect(() => {
        const update = () => setState(store.getState());
        const unsubscribe = store.subscribe(update);

        // The store may have changed between render and subscription.
        update();
        return unsubscribe;
    }, [store]);
    return state;
}
