// Fails while loading, before any invocation.
throw new Error('cannot start: missing configuration');
